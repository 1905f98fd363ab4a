import pytest


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Each test reads the calendar of its own database (a rolled-back year must not linger)."""
    from auxpost.workcal.selectors import clear_cache

    clear_cache()
    yield
    clear_cache()
