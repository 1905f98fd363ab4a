"""§11 留痕: the hash chain appends correctly and round-trips through the database on both backends."""

import datetime as dt
import decimal
import math
import uuid

import pytest
import time_machine

from auxpost.audit.models import AuditEntry, AuditHead
from auxpost.audit.services import (
    GENESIS,
    Change,
    _digest_of,
    audit_record,
    audit_record_many,
    audit_verify,
    canonical,
    model_snapshot,
)
from auxpost.testing import make_user

pytestmark = pytest.mark.django_db

ODD_VALUES = {
    "big_float": 1e20,
    "small_float": 1e-7,
    "float": 0.1,
    "integral_float": 2.0,
    "neg_zero": -0.0,
    "nan": math.nan,
    "inf": -math.inf,
    "big_int": 2**70,
    "decimal": decimal.Decimal("12.50"),
    "date": dt.date(2026, 3, 1),
    "datetime": dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=dt.UTC),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "nul": "a\x00b",
    "surrogate": "x\ud800y",
    "chinese": "第一中队 李一",
    "emoji": "🙂",
    "nested": {"z": [1, 2.5, {"b": None, "a": True}], "a": (1, 2)},
    "set": {3, 1, 2},
    1: "int key",
    None: "none key",
    "bytes": b"\x01\xff",
    "duration": dt.timedelta(hours=1, seconds=0.5),
}


def test_links_chain_from_genesis():
    e1 = audit_record(actor=None, action="create", object_type="x.y", object_id="1", after={"a": 1})
    e2 = audit_record(actor=None, action="update", object_type="x.y", object_id="1", before={"a": 1},
                      after={"a": 2})
    assert (e1.seq, e2.seq) == (1, 2)
    assert e1.prev_hash == GENESIS
    assert e2.prev_hash == e1.hash
    head = AuditHead.objects.get()
    assert (head.last_seq, head.last_hash) == (2, e2.hash)
    result = audit_verify()
    assert result.ok and result.checked == 2 and result.head_hash == e2.hash


def test_empty_chain_verifies():
    result = audit_verify()
    assert result.ok and result.checked == 0


def test_odd_json_values_hash_the_same_after_the_database_round_trip():
    """What is hashed must equal what the JSON column gives back (jsonb on PostgreSQL, text on SQLite)."""
    entry = audit_record(actor=None, action="update", object_type="x.y", object_id="1",
                         before=ODD_VALUES, after={"list": list(ODD_VALUES.values())[:5]})
    stored = AuditEntry.objects.get(seq=entry.seq)
    assert stored.before == entry.before
    assert stored.after == entry.after
    assert _digest_of(stored) == stored.hash
    assert audit_verify().ok


def test_canonical_is_stable_json():
    value = canonical(ODD_VALUES)
    assert value["big_float"] == 10**20 and isinstance(value["big_float"], int)
    assert value["integral_float"] == 2 and isinstance(value["integral_float"], int)
    assert value["nan"] == "nan" and value["inf"] == "-inf"
    assert value["decimal"] == "12.50"
    assert value["nul"] == "a\ufffdb"
    assert value["surrogate"] == "x?y"
    assert value["set"] == [1, 2, 3]
    assert value["1"] == "int key" and value["null"] == "none key"
    assert value["duration"] == 3600.5
    assert canonical(value) == value  # idempotent


def test_timestamp_round_trips_with_microseconds():
    with time_machine.travel(dt.datetime(2026, 7, 1, 23, 59, 59, 999999, tzinfo=dt.UTC), tick=False):
        entry = audit_record(actor=None, action="other", object_type="x.y")
    stored = AuditEntry.objects.get(seq=entry.seq)
    assert stored.at == entry.at
    assert stored.at.microsecond == 999999
    assert _digest_of(stored) == stored.hash


def test_long_fields_are_cut_before_hashing():
    entry = audit_record(actor=None, action="update", object_type="t" * 100, object_id="9" * 100,
                         object_repr="r" * 500, summary="s" * 1000)
    stored = AuditEntry.objects.get(seq=entry.seq)
    assert len(stored.summary) == 300 and len(stored.object_repr) == 200
    assert len(stored.object_type) == 60 and len(stored.object_id) == 64
    assert audit_verify().ok


def test_actor_and_object_are_recorded(district):
    entry = audit_record(actor=district.admin, action="update", obj=district.m1, summary="phone",
                         before={"phone": "1"}, after={"phone": "2"})
    assert entry.actor_id == district.admin.pk and entry.actor_name == "admin"
    assert entry.object_type == "people.member" and entry.object_id == str(district.m1.pk)
    assert entry.object_repr == str(district.m1)
    assert audit_verify().ok


def test_many_links_in_one_go():
    entries = audit_record_many(actor=None, changes=[
        Change("import", "people.member", str(i), f"m{i}", "roster", None, {"i": i}) for i in range(1, 2501)])
    assert [e.seq for e in entries[:3]] == [1, 2, 3]
    assert AuditEntry.objects.count() == 2500
    result = audit_verify(chunk=700)  # several chunks
    assert result.ok and result.checked == 2500


def test_many_links_without_returning_them_write_the_same_chain():
    assert audit_record_many(actor=None, returning=False, changes=[
        Change("import", "people.member", str(i), f"m{i}", "roster", None, {"i": i}) for i in range(1, 1201)]) == []
    entries = audit_record_many(actor=None, changes=[Change("update", "people.member", "1", "m1", "phone")])
    assert entries[0].seq == 1201
    assert AuditEntry.objects.count() == 1201
    assert audit_verify(chunk=500).ok


def test_unknown_action_is_refused():
    with pytest.raises(ValueError):
        audit_record(actor=None, action="approve", object_type="x.y")


def test_deleting_a_user_keeps_their_entries_verifiable():
    user = make_user("leaver")
    audit_record(actor=user, action="update", object_type="x.y", object_id="1", after={"a": 1})
    user.delete()
    entry = AuditEntry.objects.get()
    assert entry.actor_id is not None and entry.actor_name == "leaver"
    assert audit_verify().ok


def test_model_snapshot_is_canonical(district):
    snap = model_snapshot(district.m1, ["name", "birth_date", "unit"])
    assert snap == {"name": "李一", "birth_date": "1990-05-17", "unit_id": district.m1.unit_id}


def test_chain_stays_linear_under_nested_transactions():
    from django.db import transaction

    with transaction.atomic():
        audit_record(actor=None, action="create", object_type="x.y", object_id="1")
        try:
            with transaction.atomic():
                audit_record(actor=None, action="create", object_type="x.y", object_id="2")
                raise RuntimeError("roll back the inner change and its trace")
        except RuntimeError:
            pass
        audit_record(actor=None, action="create", object_type="x.y", object_id="3")
    assert list(AuditEntry.objects.values_list("seq", "object_id")) == [(1, "1"), (2, "3")]
    assert audit_verify().ok

