"""§5.3.1 / §5.3.6 API: check-in over token auth, areas, rosters, marks; scope and anonymous."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from auxpost.duty.models import Mark
from auxpost.duty.tests.conftest import CENTER_WGS, DAY, aware, make_roster

pytestmark = pytest.mark.django_db
API = "/api/v1/duty"


def token_client(user):
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return c


def test_checkin_with_token(duty, district, time_machine):
    make_roster(duty, [district.m1, duty.a])
    time_machine.move_to(aware(DAY, 8, 35), tick=False)
    c = token_client(district.member1)
    r = c.post(f"{API}/checkins/", {"lat": CENTER_WGS[0] + 0.02, "lng": CENTER_WGS[1], "accuracy_m": 10},
               format="json")
    assert r.status_code == 400 and "不在执勤区域内" in r.json()["lat"][0]
    r = c.post(f"{API}/checkins/", {"lat": CENTER_WGS[0], "lng": CENTER_WGS[1], "accuracy_m": 10}, format="json")
    assert r.status_code == 201 and r.json()["status"] == "late_minor" and r.json()["minutes_late"] == 5
    r = c.post(f"{API}/checkins/", {"lat": CENTER_WGS[0], "lng": CENTER_WGS[1], "accuracy_m": 10}, format="json")
    assert r.status_code == 400
    assert Mark.objects.count() == 1
    r = c.post(f"{API}/checkins/", {"lat": "x", "lng": 1}, format="json")
    assert r.status_code == 400 and "accuracy_m" in r.json()
    good = {"lat": CENTER_WGS[0], "lng": CENTER_WGS[1], "accuracy_m": 10}
    assert token_client(district.nobody).post(f"{API}/checkins/", good, format="json").status_code == 403
    assert APIClient().post(f"{API}/checkins/", {}, format="json").status_code in (401, 403)


def test_areas_rosters_marks_scoped(duty, district, time_machine, client_for):
    time_machine.move_to(aware(DAY, 6, 0), tick=False)
    c = token_client(duty.leader)
    r = c.get(f"{API}/areas/")
    assert r.status_code == 200 and r.json()["results"][0]["sites"][0]["coord_system"] == "gcj02"
    assert client_for(district.member1).get(f"{API}/areas/").status_code == 403
    assert client_for(district.squadron2).get(f"{API}/areas/{duty.area.pk}/").status_code == 404
    body = {"team": duty.team.pk, "day": DAY.isoformat(), "shift_code": "day", "area": duty.area.pk,
            "members": [{"member": duty.a.pk, "group": 1}, {"member": duty.b.pk, "group": 1}]}
    r = c.post(f"{API}/rosters/", body, format="json")
    assert r.status_code == 201, r.json()
    assert len(r.json()["members"]) == 2
    r = c.post(f"{API}/rosters/", {**body, "members": [{"member": duty.c.pk, "group": 1}]}, format="json")
    assert r.status_code == 400 and "members" in r.json()
    assert token_client(district.squadron2).post(f"{API}/rosters/", body, format="json").status_code == 404
    r = c.get(f"{API}/rosters/?team={duty.team.pk}&from={DAY.isoformat()}")
    assert r.json()["count"] == 1
    assert client_for(district.squadron2).get(f"{API}/rosters/").json()["count"] == 0
    time_machine.move_to(aware(DAY, 8, 10), tick=False)
    from auxpost.duty import services

    services.rollcall_take(actor=duty.leader, team=duty.team, day=DAY, shift_code="day", exceptions={},
                           at=aware(DAY, 8, 40))
    assert client_for(district.squadron1).get(f"{API}/marks/?day={DAY.isoformat()}").json()["count"] == 2
    assert client_for(district.squadron2).get(f"{API}/marks/").json()["count"] == 0
    assert client_for(district.member1).get(f"{API}/marks/").json()["count"] == 0
    assert client_for(None).get(f"{API}/marks/").status_code in (401, 403)


def test_schema_lists_the_duty_api_without_warnings(db):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in ("/api/v1/duty/checkins/", "/api/v1/duty/areas/", "/api/v1/duty/rosters/", "/api/v1/duty/marks/"):
        assert path in schema["paths"], path
    warnings = [w for w in str(GENERATOR_STATS).splitlines() if "duty" in w.lower()]
    assert not warnings, warnings


def test_checkin_path_is_lean(duty, district, time_machine):
    """Token lookup, one roster lookup (with the member), one INSERT (sites and policy cached)."""
    make_roster(duty, [district.m1, duty.a])
    time_machine.move_to(aware(DAY, 8, 10), tick=False)
    token_client(duty.leader).post(f"{API}/checkins/", {}, format="json")  # fills the caches
    from auxpost.duty.selectors import daily_policy, fences_for_area

    daily_policy(DAY), fences_for_area(duty.area.pk)
    c = token_client(district.member1)
    with CaptureQueriesContext(connection) as ctx:
        r = c.post(f"{API}/checkins/", {"lat": CENTER_WGS[0], "lng": CENTER_WGS[1], "accuracy_m": 10}, format="json")
    assert r.status_code == 201
    # the test's own transaction adds a savepoint around the INSERT; in autocommit there is none
    sql = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(sql) == 3 and sum(q.startswith("INSERT") for q in sql) == 1, sql
