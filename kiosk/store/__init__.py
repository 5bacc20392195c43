"""The kiosk's SQLite files: shared file handling (:mod:`.sqlite`) and the content store (:mod:`.content`).

The content store keeps the last-known-good content of each language with its sync metadata; the
usage file (:mod:`kiosk.usage.store`) is built on the same base.
"""

from kiosk.store.content import (
    CATEGORIES,
    FILE_NAME,
    KINDS,
    LANGUAGES,
    Changed,
    Failed,
    Kind,
    Outcome,
    ResourceState,
    Source,
    Store,
    Unchanged,
)
from kiosk.store.sqlite import StoreClosed, StoreError, StoreWriteError

__all__ = [
    "CATEGORIES",
    "FILE_NAME",
    "KINDS",
    "LANGUAGES",
    "Changed",
    "Failed",
    "Kind",
    "Outcome",
    "ResourceState",
    "Source",
    "Store",
    "StoreClosed",
    "StoreError",
    "StoreWriteError",
    "Unchanged",
]
