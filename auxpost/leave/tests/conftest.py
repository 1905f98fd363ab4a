import pytest


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Each test reads the calendar of its own database (a rolled-back year must not linger)."""
    from auxpost.workcal.selectors import clear_cache

    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def leave_cast(district):
    """The district plus a 大队长 and a member account in squadron 2 (m2)."""
    from auxpost.accounts.models import Role
    from auxpost.testing import make_user

    district.brigade_user = make_user("brigade1", Role.LINE_MANAGER, unit=district.brigade)
    district.member2 = make_user("member2", Role.MEMBER, member=district.m2)
    return district


def at(y, m, d, h=9, mi=0):
    import datetime as dt

    from django.utils import timezone

    return timezone.make_aware(dt.datetime(y, m, d, h, mi))
