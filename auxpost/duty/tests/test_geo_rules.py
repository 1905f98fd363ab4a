"""§5.3.1 pure geometry and mark rules (property tests)."""

import datetime as dt
import math
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from auxpost.duty import geo, rules
from auxpost.policy.daily import DEFAULT_SHIFTS, RollCallPolicy

china_lat = st.floats(min_value=18.0, max_value=53.0)
china_lng = st.floats(min_value=74.0, max_value=134.0)


@given(china_lat, china_lng)
def test_round_trip_wgs_gcj_wgs_within_a_metre(lat, lng):
    glat, glng = geo.wgs84_to_gcj02(lat, lng)
    wlat, wlng = geo.gcj02_to_wgs84(glat, glng)
    assert geo.haversine_m(lat, lng, wlat, wlng) < 1.0


def test_gcj_offset_in_wenjiang_is_hundreds_of_metres():
    glat, glng = geo.wgs84_to_gcj02(30.68, 103.84)
    d = geo.haversine_m(30.68, 103.84, glat, glng)
    assert 100 < d < 800


@given(st.floats(min_value=-80, max_value=80), st.floats(min_value=-179, max_value=70))
def test_outside_china_passthrough(lat, lng):
    assert geo.gcj02_to_wgs84(lat, lng) == (lat, lng)
    assert geo.wgs84_to_gcj02(lat, lng) == (lat, lng)


def test_haversine_one_degree_of_latitude():
    assert abs(geo.haversine_m(30.0, 104.0, 31.0, 104.0) - 111195) < 100


class _Site:
    def __init__(self, **kw):
        self.pk, self.name = 1, "点位"
        self.center_lat = self.center_lng = self.radius_m = None
        self.polygon = []
        self.__dict__.update(kw)


def _offset(lat, lng, north_m, east_m):
    return (lat + math.degrees(north_m / geo.EARTH_RADIUS_M),
            lng + math.degrees(east_m / (geo.EARTH_RADIUS_M * math.cos(math.radians(lat)))))


@given(st.floats(min_value=0, max_value=2 * math.pi), st.floats(min_value=0, max_value=0.9))
def test_points_well_inside_a_circle_are_inside(angle, fraction):
    site = _Site(kind="circle", coord_system="gcj02", center_lat=30.68, center_lng=103.84, radius_m=200)
    clat, clng = geo.gcj02_to_wgs84(30.68, 103.84)
    lat, lng = _offset(clat, clng, math.sin(angle) * 200 * fraction, math.cos(angle) * 200 * fraction)
    assert geo.inside(site, lat, lng, "wgs84")
    glat, glng = geo.wgs84_to_gcj02(lat, lng)
    assert geo.inside(site, glat, glng, "gcj02")


@given(st.floats(min_value=0, max_value=2 * math.pi), st.floats(min_value=1.1, max_value=20))
def test_points_well_outside_a_circle_are_outside(angle, factor):
    site = _Site(kind="circle", coord_system="gcj02", center_lat=30.68, center_lng=103.84, radius_m=200)
    clat, clng = geo.gcj02_to_wgs84(30.68, 103.84)
    lat, lng = _offset(clat, clng, math.sin(angle) * 200 * factor, math.cos(angle) * 200 * factor)
    assert not geo.inside(site, lat, lng, "wgs84")
    d = geo.fence_of(site).distance_m(lat, lng)
    assert abs(d - 200 * (factor - 1)) < 2


def test_unconverted_gcj_point_is_off_by_the_offset():
    """A GCJ-02 centre compared as if it were WGS-84 misses a small fence: the conversion matters."""
    site = _Site(kind="circle", coord_system="gcj02", center_lat=30.68, center_lng=103.84, radius_m=50)
    assert not geo.inside(site, 30.68, 103.84, "wgs84")
    assert geo.inside(site, 30.68, 103.84, "gcj02")


def test_polygon_inside_outside_and_distance():
    square = [[30.0, 104.0], [30.0, 104.01], [30.01, 104.01], [30.01, 104.0]]
    site = _Site(kind="polygon", coord_system="wgs84", polygon=square)
    assert geo.inside(site, 30.005, 104.005)
    assert not geo.inside(site, 30.02, 104.005)
    d = geo.fence_of(site).distance_m(30.02, 104.005)
    assert abs(d - 1112) < 5


def test_validate_point_refuses_nonsense():
    for bad in [("x", 1), (91, 0), (0, 181), (float("nan"), 0)]:
        try:
            geo.validate_point(*bad)
        except ValueError as exc:
            assert "纬度" in str(exc)
        else:
            raise AssertionError(bad)


DAY = dt.date(2026, 6, 1)
SHIFT = DEFAULT_SHIFTS[0]
RC = RollCallPolicy()


def test_marks_at_the_thresholds():
    start = SHIFT.starts_at(DAY)
    assert rules.mark_for(SHIFT, DAY, start, RC) == (rules.ON_TIME, 0, 0)
    assert rules.mark_for(SHIFT, DAY, start + dt.timedelta(seconds=1), RC)[:2] == (rules.LATE_MINOR, 1)
    assert rules.mark_for(SHIFT, DAY, start + dt.timedelta(minutes=15), RC)[0] == rules.LATE_MINOR
    assert rules.mark_for(SHIFT, DAY, start + dt.timedelta(minutes=16), RC)[0] == rules.LATE_MAJOR
    assert rules.mark_for(SHIFT, DAY, start + dt.timedelta(minutes=30), RC)[0] == rules.LATE_MAJOR
    assert rules.mark_for(SHIFT, DAY, start + dt.timedelta(minutes=31), RC) == (
        rules.LATE_ABSENT, 31, Decimal("0.5"))
    assert rules.mark_for(SHIFT, DAY, None, RC) == (rules.ABSENT, 0, Decimal(1))
    assert rules.mark_for(SHIFT, DAY, None, RC, on_leave=True)[0] == rules.ON_LEAVE
    assert rules.mark_for(SHIFT, DAY, None, RC, rostered=False)[0] == rules.OFF_DUTY


def test_check_in_after_the_shift_end_is_refused():
    try:
        rules.mark_for(SHIFT, DAY, SHIFT.ends_at(DAY), RC)
    except rules.RollCallError as exc:
        assert "结束" in exc.message
    else:
        raise AssertionError


SEVERITY = {rules.ON_TIME: 0, rules.LATE_MINOR: 1, rules.LATE_MAJOR: 2, rules.LATE_ABSENT: 3}


@given(st.integers(min_value=-3600, max_value=8 * 3600), st.integers(min_value=0, max_value=3600),
       st.integers(min_value=0, max_value=10))
def test_marks_are_monotone_in_lateness(seconds, extra, grace):
    rc = RollCallPolicy(grace_minutes=grace)
    start = SHIFT.starts_at(DAY)
    a = start + dt.timedelta(seconds=seconds)
    b = a + dt.timedelta(seconds=extra)
    if b >= SHIFT.ends_at(DAY):
        return
    sa, la, da = rules.mark_for(SHIFT, DAY, a, rc)
    sb, lb, db = rules.mark_for(SHIFT, DAY, b, rc)
    assert la <= lb and da <= db and SEVERITY[sa] <= SEVERITY[sb]


def test_points_for_marks():
    assert rules.points_for_mark(rules.ON_TIME, Decimal(0)) is None
    assert rules.points_for_mark(rules.LATE_MINOR, Decimal(0)) == ("late", 1)
    assert rules.points_for_mark(rules.LATE_ABSENT, Decimal("0.5")) == ("absence", Decimal("0.5"))
    assert rules.points_for_mark(rules.ABSENT, Decimal(1)) == ("absence", 1)
    assert rules.points_for_mark(rules.ON_LEAVE, Decimal(0)) is None
