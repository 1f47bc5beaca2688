from __future__ import annotations

import pytest

from kooperativet.web.paging import page_count


@pytest.mark.parametrize(
    ("total", "per_page", "pages"), [(0, 50, 1), (1, 50, 1), (50, 50, 1), (51, 50, 2), (9709, 50, 195)]
)
def test_page_count(total: int, per_page: int, pages: int) -> None:
    assert page_count(total, per_page) == pages
