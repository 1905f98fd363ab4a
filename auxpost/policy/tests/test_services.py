"""§6/§7/§10 policy version services: draft → publish → immutable, no retroactive versions, audited."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from auxpost.audit.models import AuditEntry
from auxpost.policy.models import PolicyStatus, PolicyVersion
from auxpost.policy.rules import DEFAULT_BUNDLE, default_documents
from auxpost.policy.selectors import PolicyNotFound, policy_by_version, policy_in_force
from auxpost.policy.services import (
    policy_version_create_draft,
    policy_version_publish,
    policy_version_update_draft,
)

from .conftest import NOW, TODAY


def errors_of(exc) -> dict:
    return exc.value.message_dict


def test_version_1_ships_published_and_in_force(v1):
    assert v1.status == PolicyStatus.PUBLISHED
    assert policy_in_force(TODAY) == DEFAULT_BUNDLE
    assert policy_by_version("1") == DEFAULT_BUNDLE


def test_draft_copies_the_base_documents_and_is_audited(district, v1, draft):
    assert draft.status == PolicyStatus.DRAFT and draft.based_on == v1
    assert (draft.grade, draft.assessment, draft.points) == (v1.grade, v1.assessment, v1.points)
    assert draft.created_by == district.bianban and draft.created_at == NOW
    entry = AuditEntry.objects.filter(object_type="policy.policyversion", object_id=str(draft.pk)).get()
    assert entry.action == "create" and entry.actor_id == district.bianban.pk
    assert entry.after["version"] == "2027.1"


def test_draft_is_not_in_force_and_not_found_by_version(draft):
    assert policy_in_force(dt.date(2027, 6, 1)).version == "1"
    with pytest.raises(PolicyNotFound) as exc:
        policy_by_version("2027.1")
    assert "2027.1" in exc.value.message
    assert policy_by_version("2027.1", published_only=False).version == "2027.1"


def test_unknown_version_is_policy_not_found(db):
    with pytest.raises(PolicyNotFound):
        policy_by_version("9.9")


def test_update_then_publish_changes_later_computations_only(district, draft):
    doc = default_documents()["grade"]
    doc["requirements"][0]["points_average"] = 86
    policy_version_update_draft(pv=draft, grade=doc, name="2027年政策（修订）", by=district.bianban, at=NOW)
    policy_version_publish(pv=draft, by=district.bianban, at=NOW)
    draft.refresh_from_db()
    assert draft.status == PolicyStatus.PUBLISHED and draft.published_at == NOW
    assert draft.published_by == district.bianban
    # Before its effective date the old version stays in force; from it on, the new one.
    assert policy_in_force(dt.date(2026, 12, 31)).version == "1"
    assert policy_in_force(dt.date(2026, 12, 31)).grade.requirement_for(4).points_average == 85
    new = policy_in_force(dt.date(2027, 1, 1))
    assert new.version == "2027.1" and new.name == "2027年政策（修订）"
    assert new.grade.requirement_for(4).points_average == 86
    assert policy_by_version("2027.1") == new
    assert policy_by_version("1") == DEFAULT_BUNDLE
    actions = list(AuditEntry.objects.filter(object_id=str(draft.pk), object_type="policy.policyversion")
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["create", "update", "transition"]
    update = AuditEntry.objects.get(object_id=str(draft.pk), action="update")
    assert update.before["grade"]["requirements"][0]["points_average"] == 85
    assert update.after["grade"]["requirements"][0]["points_average"] == 86


def test_a_published_version_is_never_changed(district, v1, draft):
    policy_version_publish(pv=draft, by=district.bianban, at=NOW)
    for pv in (v1, draft):
        with pytest.raises(ValidationError) as exc:
            policy_version_update_draft(pv=pv, name="改名", by=district.bianban, at=NOW)
        assert "已发布" in exc.value.messages[0] and "不能修改" in exc.value.messages[0]
        with pytest.raises(ValidationError):
            policy_version_publish(pv=pv, by=district.bianban, at=NOW)
    # The model refuses too, whatever path a write takes.
    v1.name = "改名"
    with pytest.raises(ValidationError):
        v1.save()
    with pytest.raises(ValidationError):
        PolicyVersion.objects.get(pk=v1.pk).delete()
    assert PolicyVersion.objects.get(pk=v1.pk).name == DEFAULT_BUNDLE.name


def test_retroactive_effective_date_is_refused_everywhere(district, v1, draft):
    with pytest.raises(ValidationError) as exc:
        policy_version_create_draft(based_on=v1, version="x", name="x", effective_from=TODAY - dt.timedelta(days=1),
                                    by=district.bianban, at=NOW)
    assert "生效日期" in errors_of(exc)["effective_from"][0]
    with pytest.raises(ValidationError) as exc:
        policy_version_update_draft(pv=draft, effective_from=dt.date(2026, 1, 1), by=district.bianban, at=NOW)
    assert "effective_from" in errors_of(exc)
    # A draft whose date has passed by the time it is published is refused at publication.
    later = dt.datetime(2027, 1, 2, 6, 0, tzinfo=dt.UTC)
    with pytest.raises(ValidationError) as exc:
        policy_version_publish(pv=draft, by=district.bianban, at=later)
    assert "effective_from" in errors_of(exc)
    draft.refresh_from_db()
    assert draft.status == PolicyStatus.DRAFT
    # Today is allowed (the Chengdu date, not UTC's).
    policy_version_update_draft(pv=draft, effective_from=TODAY, by=district.bianban, at=NOW)
    policy_version_publish(pv=draft, by=district.bianban, at=NOW)


def test_a_later_correction_with_the_same_date_supersedes(district, v1, draft):
    policy_version_publish(pv=draft, by=district.bianban, at=NOW)
    fix = policy_version_create_draft(based_on=draft, version="2027.2", name="更正", effective_from=dt.date(2027, 1, 1),
                                      by=district.bianban, at=NOW)
    policy_version_publish(pv=fix, by=district.bianban, at=NOW + dt.timedelta(hours=1))
    assert policy_in_force(dt.date(2027, 1, 1)).version == "2027.2"
    assert policy_in_force(dt.date(2026, 12, 31)).version == "1"


@pytest.mark.parametrize("label, reason", [("1", "已存在"), ("", "必填"), ("a/b", "字母"), ("new", "字母"),
                                           ("x" * 21, "字母")])
def test_version_labels_are_unique_and_plain(district, v1, label, reason):
    with pytest.raises(ValidationError) as exc:
        policy_version_create_draft(based_on=v1, version=label, name="n", effective_from=TODAY,
                                    by=district.bianban, at=NOW)
    msg = errors_of(exc)["version"][0]
    assert msg.startswith("版本号") and reason in msg


def test_bad_documents_name_the_field_in_chinese(district, draft):
    a = default_documents()["assessment"]
    a["monthly_indicators"][0]["max_points"] = "25"  # the indicators no longer add up to 100
    g = default_documents()["grade"]
    g["requirements"][1]["points_floor"] = 95  # 三级: floor above the average
    p = default_documents()["points"]
    p["rules"][0]["points"] = 0
    with pytest.raises(ValidationError) as exc:
        policy_version_update_draft(pv=draft, assessment=a, grade=g, points=p, name="", by=district.bianban, at=NOW)
    errors = errors_of(exc)
    assert set(errors) == {"assessment", "grade", "points", "name"}
    assert "月度考核各指标满分之和必须为100" in errors["assessment"][0]
    assert errors["assessment"][0].startswith("考核政策")
    assert "三级" in errors["grade"][0] and "年度积分最低分" in errors["grade"][0]
    assert "非零整数" in errors["points"][0]
    parts = {f: errs[0].params["part"] for f, errs in exc.value.error_dict.items() if f != "name"}
    assert parts == {"assessment": "monthly_indicators", "grade": "requirements.3.points_floor",
                     "points": "commendation_district"}
    draft.refresh_from_db()
    assert draft.assessment == default_documents()["assessment"]  # nothing half-written
    assert not AuditEntry.objects.filter(object_id=str(draft.pk), action="update").exists()


def test_percent_in_a_rule_message_survives(district, draft):
    a = default_documents()["assessment"]
    a["excellent_cap"] = "0.25"
    with pytest.raises(ValidationError) as exc:
        policy_version_update_draft(pv=draft, assessment=a, by=district.bianban, at=NOW)
    assert "20%" in errors_of(exc)["assessment"][0]


def test_unknown_keys_and_wrong_types_are_refused(district, draft):
    g = default_documents()["grade"]
    g["quota_grade_1_percent"] = "10"
    with pytest.raises(ValidationError) as exc:
        policy_version_update_draft(pv=draft, grade=g, by=district.bianban, at=NOW)
    assert "一级名额比例" in errors_of(exc)["grade"][0]
    p = default_documents()["points"]
    p["bogus"] = 1
    with pytest.raises(ValidationError) as exc:
        policy_version_update_draft(pv=draft, points=p, by=district.bianban, at=NOW)
    assert "bogus" in errors_of(exc)["points"][0]


def test_unchanged_update_writes_nothing(district, draft):
    policy_version_update_draft(pv=draft, grade=default_documents()["grade"], by=district.bianban, at=NOW)
    assert not AuditEntry.objects.filter(object_id=str(draft.pk), action="update").exists()


@pytest.mark.parametrize("who", ["bureau_user", "squadron1", "hrco", "assessor", "member1", "nobody"])
def test_only_the_staffing_office_and_admin_write(district, v1, draft, who):
    user = getattr(district, who)
    with pytest.raises(PermissionDenied):
        policy_version_create_draft(based_on=v1, version="3", name="n", effective_from=TODAY, by=user, at=NOW)
    with pytest.raises(PermissionDenied):
        policy_version_update_draft(pv=draft, name="n", by=user, at=NOW)
    with pytest.raises(PermissionDenied):
        policy_version_publish(pv=draft, by=user, at=NOW)


def test_admin_may_write(district, v1):
    pv = policy_version_create_draft(based_on=v1, version="3", name="n", effective_from=TODAY, by=district.admin, at=NOW)
    policy_version_publish(pv=pv, by=district.admin, at=NOW)
