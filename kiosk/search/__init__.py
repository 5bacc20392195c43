"""Search: what a visitor types, folded and matched against every language's pages, events and places.

``SearchIndex.build(content)`` indexes a region (seconds for large ones: off the UI thread);
``visitor_results(index, query, library, now)`` gives what the visitor can open, best first.
"""

from kiosk.search.index import Hit, SearchIndex
from kiosk.search.results import Found, search_languages, visitor_results

__all__ = ["Found", "Hit", "SearchIndex", "search_languages", "visitor_results"]
