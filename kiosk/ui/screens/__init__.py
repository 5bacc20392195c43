"""One visitor screen per module."""
