"""Running the kiosk as a service: systemd notify/watchdog, the staff PIN, logging, the session."""
