"""Languages of the kiosk: gettext catalogs, locale facts and right-to-left text.

UI code imports ``_`` and ``ngettext`` from here and calls them at compose time; they answer in the
language most recently chosen with :func:`set_language`.
"""

from kiosk.i18n.catalogs import (
    configure,
    current_language,
    gettext,
    ngettext,
    reload,
    set_language,
)

_ = gettext

__all__ = ["_", "configure", "current_language", "gettext", "ngettext", "reload", "set_language"]
