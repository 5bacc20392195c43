"""Where content comes from: the Integreat-compatible city API and the bundled snapshot.

Each source returns the domain models of ``kiosk.content.models``; nothing here knows about screens.
"""
