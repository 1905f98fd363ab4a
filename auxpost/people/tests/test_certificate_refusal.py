"""§5.2.3 No valid certificate, no duty: the refusal names the member and the certificate."""

import datetime as dt

from django.utils import translation

from auxpost.people.selectors import certificate_refusal, certificate_refusals
from auxpost.testing import make_member


def test_refusals_name_the_member_and_the_certificate(district):
    on = dt.date(2026, 6, 1)
    team = district.sq1_t1
    valid = make_member(team, name="甲")
    valid.cert_number, valid.cert_valid_until = "WJ-001", dt.date(2026, 6, 1)
    missing = make_member(team, name="乙")
    missing.cert_number, missing.cert_valid_until = "", None
    expired = make_member(team, name="丙")
    expired.cert_number, expired.cert_valid_until = "WJ-003", dt.date(2026, 5, 31)
    with translation.override("zh-hans"):
        assert certificate_refusal(valid, on) is None
        assert "乙" in certificate_refusal(missing, on) and "上岗证" in certificate_refusal(missing, on)
        why = certificate_refusal(expired, on)
        assert "丙" in why and "WJ-003" in why and "2026-05-31" in why
        assert set(certificate_refusals([valid, missing, expired], on)) == {missing.pk, expired.pk}


def test_reminder_window_follows_the_policy_in_force(district):
    """§5.2.3 (cfg) the reminder window is the workforce policy's, not a constant."""
    from auxpost.people.selectors import cert_reminder_days, cert_state
    from auxpost.policy.models import PolicyVersion
    from auxpost.policy.selectors import clear_cache
    from auxpost.policy.workforce import DEFAULT, workforce_to_dict

    on = dt.date(2026, 6, 1)
    m = make_member(district.sq1_t1, name="丁")
    m.cert_number, m.cert_valid_until = "WJ-004", on + dt.timedelta(days=40)
    assert cert_reminder_days(on) == 30 and cert_state(m, on) == "valid"
    doc = workforce_to_dict(DEFAULT)
    doc["certificates"]["reminder_days"] = 45
    PolicyVersion.objects.filter(version="1").update(workforce=doc)
    clear_cache()
    try:
        assert cert_reminder_days(on) == 45 and cert_state(m, on) == "expiring"
    finally:
        clear_cache()
