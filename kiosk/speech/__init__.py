"""Speech output: the kiosk reads itself aloud, offline, with espeak-ng, in the visitor's language."""
