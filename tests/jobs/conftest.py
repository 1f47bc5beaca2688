from tests.web.conftest import browser_client, count_statements

__all__ = ["browser_client", "count_statements"]
