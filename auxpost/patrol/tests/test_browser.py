"""§5.3.6 / §5.3.2 in a real browser at phone width (390 px): a member logs a patrol issue with a photo
taken on the phone (a small PNG written by the test) and the browser's location (faked), hands over at
shift end, and the next shift acknowledges the handover; the leader's team day shows both."""

import pytest
from django.utils import timezone

from auxpost.patrol import rules
from auxpost.patrol.models import Handover, PatrolLog
from auxpost.patrol.tests.conftest import make_world, png_bytes
from auxpost.policy.daily import DEFAULT_SHIFTS
from auxpost.testing import make_district
from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def geo_phone(browser, live_server):
    """New phone pages (one browser context each, so one login each) like the root conftest's
    ``phone_page``, with geolocation granted and placed in 温江."""
    contexts = []

    def new_page():
        ctx = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
        ctx.grant_permissions(["geolocation"], origin=live_server.url)
        ctx.set_geolocation({"latitude": 30.6821, "longitude": 103.8563, "accuracy": 12})
        contexts.append(ctx)
        pg = ctx.new_page()
        pg.set_default_timeout(15000)
        pg.base_url = live_server.url
        return pg

    yield new_page
    for ctx in contexts:
        ctx.close()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_member_logs_issue_with_photo_and_next_shift_acknowledges(transactional_db, geo_phone, browser,
                                                                  live_server, tmp_path):
    d = make_district()
    # Rostered on the shift running now (or just ended), whatever the clock says.
    local = timezone.localtime().replace(tzinfo=None)
    day, shift = rules.shift_nearest(DEFAULT_SHIFTS, local)
    w = make_world(d, day=day, shift_code=shift)
    photo = tmp_path / "现场.png"
    photo.write_bytes(png_bytes())

    page = geo_phone()
    browser_login(page, "member1")
    page.goto(page.base_url + "/patrol/new/")
    assert page.locator("h1").inner_text() == "记录巡查问题"
    page.wait_for_function("document.getElementById('loc-status').dataset.ok === '1'")
    assert "30.6821" in page.locator("#loc-status").inner_text()
    file_input = page.locator('input[type=file][name=photos]')
    assert file_input.get_attribute("accept") == "image/*" and file_input.get_attribute("capture") == "environment"
    page.select_option("#id_category", label="占道经营")
    page.fill("#id_description", "商铺门前摆放货架占用人行道")
    page.get_by_label("劝阻").check()
    page.get_by_label("上报执法队员").check()
    page.fill("#id_reported_to", "中队执法队员张警官")
    assert page.get_by_label("赵三").is_checked()  # same patrol group on today's roster
    file_input.set_input_files(str(photo))
    assert _fits(page)
    page.get_by_role("button", name="保存巡查日志").click()
    page.wait_for_load_state()
    assert "巡查日志已保存" in page.locator(".messages").inner_text()
    assert page.locator("#actions").inner_text() == "劝阻、上报"
    assert page.locator(".attachment-thumbs img").count() == 1
    log = PatrolLog.objects.get()
    assert log.photos.count() == 1 and float(log.lat) == pytest.approx(30.6821) and log.coord_system == "wgs84"
    assert {m.name for m in log.members.all()} == {"李一", "赵三"} and log.area == w.area
    assert _fits(page)

    page.goto(page.base_url + "/patrol/handovers/new/")
    page.fill("#id_open_issues", "光华大道摊点已劝离，明早复查")
    page.fill("#id_equipment", "执法记录仪2台")
    assert _fits(page)
    page.get_by_role("button", name="提交交班").click()
    page.wait_for_load_state()
    assert page.locator("#state").count() == 1, page.locator("main").inner_text()
    assert page.locator("#state").inner_text() == "待确认"
    h = Handover.objects.get()

    nxt = geo_phone()
    browser_login(nxt, "member3")
    nxt.goto(nxt.base_url + "/patrol/handovers/?show=mine")
    assert _fits(nxt)
    nxt.locator(f'tr[data-handover="{h.pk}"] a').click()
    nxt.wait_for_load_state()
    assert "光华大道摊点已劝离" in nxt.locator("dl.kv").inner_text()
    nxt.fill("#id_ack_remarks", "已接收，明早复查")
    nxt.get_by_role("button", name="确认接班").click()
    nxt.wait_for_load_state()
    assert nxt.locator("#state").inner_text() == "已确认"
    assert "赵三" in nxt.locator("#ack").inner_text()
    assert _fits(nxt)
    h.refresh_from_db()
    assert h.acknowledged and h.acknowledged_by.username == "member3"

    lead = geo_phone()
    browser_login(lead, "leader1")
    # The team's day of the roster (after midnight the shift just ended belongs to yesterday, while
    # /patrol/team/ opens the calendar day).
    lead.goto(lead.base_url + f"/patrol/team/{w.roster.team_id}/{day.isoformat()}/")
    lead.wait_for_load_state()
    assert "光华大道片区" in lead.locator("#rosters").inner_text()
    assert "占道经营" in lead.locator("#logs").inner_text()
    assert lead.locator("#logs .attachment-thumbs img").count() == 1
    assert "已确认" in lead.locator("#handovers").inner_text()
    assert _fits(lead)
    for url in ["/patrol/", "/patrol/handovers/", f"/patrol/logs/{log.pk}/"]:
        lead.goto(lead.base_url + url)
        assert _fits(lead), url
