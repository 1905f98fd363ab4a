"""§5.3.1 in a real browser at phone width (390 px) with faked geolocation: a member checks in inside
the geofence (and is refused outside it, with the distance to the nearest site); a team leader takes
the morning roll call for the whole team on one page."""

import pytest
import time_machine

from auxpost.duty import geo
from auxpost.duty.models import Mark
from auxpost.duty.tests.conftest import CENTER_WGS, DAY, aware, make_roster
from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def roster(transactional_db, settings, duty, district):
    # the server's clock is moved below; a session cookie must not expire by the browser's real clock
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    make_roster(duty, [district.m1, duty.a, duty.b, duty.c])
    return duty


def _phone(browser, live_server, lat, lng, accuracy=15):
    ctx = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844},
                              is_mobile=True, has_touch=True, geolocation={"latitude": lat, "longitude": lng,
                                                                            "accuracy": accuracy})
    ctx.grant_permissions(["geolocation"], origin=live_server.url)
    page = ctx.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    return ctx, page


def _no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_member_checks_in_inside_and_is_refused_outside(roster, browser, live_server):
    north = geo.haversine_m(CENTER_WGS[0], CENTER_WGS[1], CENTER_WGS[0] + 0.01, CENTER_WGS[1])
    ctx, page = _phone(browser, live_server, CENTER_WGS[0] + 0.01, CENTER_WGS[1])
    try:
        with time_machine.travel(aware(DAY, 8, 25), tick=True):
            browser_login(page, "member1")
            page.goto(page.base_url + "/duty/checkin/")
            assert "光华大道片区" in page.inner_text("main")
            assert _no_sideways_scroll(page)
            page.click("#checkin-button")
            page.locator(".msg").first.wait_for()
            text = page.inner_text(".messages")
            assert "不在执勤区域内" in text and "光华广场" in text
            assert f"约 {round(north - 300)} 米" in text
            assert not Mark.objects.exists()
            ctx.set_geolocation({"latitude": CENTER_WGS[0] + 0.001, "longitude": CENTER_WGS[1], "accuracy": 12})
            page.click("#checkin-button")
            page.locator(".msg").filter(has_text="签到成功").wait_for()
            assert "准时" in page.inner_text("main")
            assert _no_sideways_scroll(page)
        mark = Mark.objects.get()
        assert mark.status == "on_time" and mark.method == "phone" and mark.coord_system == "wgs84"
    finally:
        ctx.close()


def test_team_leader_takes_the_morning_roll_call(roster, phone_page, district):
    page = phone_page
    duty = roster
    with time_machine.travel(aware(DAY, 8, 45), tick=True):
        browser_login(page, "leader1")
        page.goto(page.base_url + "/duty/rollcall/")
        assert _no_sideways_scroll(page)
        page.select_option(f"select[name='m-{duty.a.pk}']", "late")
        page.fill(f"input[name='min-{duty.a.pk}']", "20")
        page.select_option(f"select[name='m-{duty.b.pk}']", "absent")
        page.click("#rollcall button[type=submit]")
        page.locator(".msg").filter(has_text="点名已保存").wait_for()
        assert _no_sideways_scroll(page)
        text = page.inner_text("main")
        assert "迟到（15–30分钟）" in text and "旷工" in text
    marks = {m.member_id: m.status for m in Mark.objects.all()}
    assert marks == {district.m1.pk: "on_time", duty.a.pk: "late_major", duty.b.pk: "absent", duty.c.pk: "on_time"}


def test_leader_pages_fit_a_phone(roster, phone_page, district):
    page = phone_page
    duty = roster
    with time_machine.travel(aware(DAY, 7, 0), tick=True):
        browser_login(page, "squadron1")
        for url in (f"/duty/rosters/new/?team={duty.team.pk}", f"/duty/rosters/?team={duty.team.pk}",
                    "/duty/areas/", f"/duty/areas/{duty.area.pk}/", "/duty/marks/", "/duty/proxies/",
                    f"/duty/rosters/{duty.team.duty_rosters.first().pk}/"):
            page.goto(page.base_url + url)
            assert page.locator("h1").count() == 1, url
            assert _no_sideways_scroll(page), url
