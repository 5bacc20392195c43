"""Take-home slips on a receipt printer: the slip as an image (any script), and ESC/POS to print it.

No textual import: the kiosk, ``kiosk print-test`` and ``kiosk doctor`` all use this package.
"""
