"""Numbered pages of the web's lists (``?page=``), shown with ``office/_pager.html``'s ``page_pager``."""

from __future__ import annotations


def page_count(total: int, per_page: int) -> int:
    """How many pages ``total`` rows fill, ``per_page`` to a page; an empty list is one (empty) page."""
    return max(1, -(-total // per_page))
