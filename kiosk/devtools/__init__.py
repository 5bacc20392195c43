"""Tools for developers and benchmarks: synthetic content; never imported by the running kiosk."""
