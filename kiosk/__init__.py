"""The lokal willkommen Westerfilde lobby kiosk."""

__version__ = "0.1.0"
