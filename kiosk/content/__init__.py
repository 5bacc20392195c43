"""The domain: typed content models and pure functions over them. No I/O, no UI."""
