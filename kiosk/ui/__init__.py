"""The kiosk's face: the only package that imports textual."""
