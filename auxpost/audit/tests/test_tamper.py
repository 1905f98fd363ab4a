"""§11 tamper evidence: every kind of change made behind the application's back is caught, and
`auxpost audit verify` names the first broken link (seq, time, object) and exits 1."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from auxpost.audit.models import AuditEntry, AuditHead
from auxpost.audit.services import audit_record, audit_verify
from auxpost.audit.tests.helpers import lift_guard, raw, trigger_exists
from auxpost.testing import make_user

pytestmark = pytest.mark.django_db

N = 6


@pytest.fixture
def chain():
    user = make_user("clerk")
    for i in range(1, N + 1):
        audit_record(actor=user, action="update", object_type="people.member", object_id=str(100 + i),
                     object_repr=f"成员{i}", summary=f"change {i}", before={"phone": f"1380000{i:04d}"},
                     after={"phone": f"1390000{i:04d}"})
    assert audit_verify().ok
    lift_guard()
    return user


def _json(value):
    return connection.ops.adapt_json_value(value, None)


def _broken(expected_seq):
    result = audit_verify()
    assert not result.ok
    assert result.broken_seq == expected_seq, result
    return result


def _command_error():
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    return str(exc.value)


CHANGES = {
    "summary": ("summary", "nothing happened"),
    "actor_name": ("actor_name", "someone else"),
    "action": ("action", "create"),
    "object_type": ("object_type", "people.other"),
    "object_id": ("object_id", "999"),
    "object_repr": ("object_repr", "another person"),
    "before": ("before", "json:{\"phone\": \"13800009999\"}"),
    "after": ("after", "json:{\"phone\": \"13900009999\"}"),
    "after_to_null": ("after", None),
    "at": ("at", "time"),
    "prev_hash": ("prev_hash", "f" * 64),
    "hash": ("hash", "e" * 64),
}


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_changed_field_is_caught_at_that_link(chain, kind):
    column, value = CHANGES[kind]
    if value == "time":
        value = connection.ops.adapt_datetimefield_value(dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    elif isinstance(value, str) and value.startswith("json:"):
        value = _json(json.loads(value[5:]))
    raw(f"UPDATE audit_auditentry SET {column} = %s WHERE seq = 3", [value])
    result = _broken(3)
    assert result.checked == 2


def test_changed_actor_is_caught(chain):
    other = make_user("other")
    raw("UPDATE audit_auditentry SET actor_id = %s WHERE seq = 4", [other.pk])
    _broken(4)


def test_changed_first_link_is_caught(chain):
    raw("UPDATE audit_auditentry SET summary = 'x' WHERE seq = 1")
    _broken(1)


def test_changed_last_link_is_caught(chain):
    raw("UPDATE audit_auditentry SET summary = 'x' WHERE seq = %s", [N])
    _broken(N)


def test_recomputed_hash_is_caught_at_the_next_link(chain):
    """Someone rewrites an entry and recomputes its hash: the next link still points at the old one."""
    from auxpost.audit.services import _digest_of

    entry = AuditEntry.objects.get(seq=3)
    entry.summary = "rewritten"
    raw("UPDATE audit_auditentry SET summary = %s, hash = %s WHERE seq = 3", ["rewritten", _digest_of(entry)])
    _broken(4)


def test_deleted_entry_in_the_middle_is_caught(chain):
    raw("DELETE FROM audit_auditentry WHERE seq = 3")
    result = _broken(3)
    assert result.entry is not None and result.entry.seq == 4  # the link after the gap is named too
    message = _command_error()
    assert "3" in message and "people.member" in message


def test_deleted_last_entry_is_caught(chain):
    raw("DELETE FROM audit_auditentry WHERE seq = %s", [N])
    _broken(N)


def test_deleted_first_entry_is_caught(chain):
    raw("DELETE FROM audit_auditentry WHERE seq = 1")
    _broken(1)


def _copy_row(seq_from, seq_to, **changes):
    cols = [f.column for f in AuditEntry._meta.concrete_fields]
    select = ", ".join(f"%s AS {c}" if c in changes or c == "seq" else c for c in cols)
    params = [seq_to if c == "seq" else changes[c] for c in cols if c in changes or c == "seq"]
    raw(f"INSERT INTO audit_auditentry ({', '.join(cols)}) SELECT {select} FROM audit_auditentry WHERE seq = %s",
        params + [seq_from])


def test_inserted_entry_at_the_end_is_caught(chain):
    """A well-formed link appended behind the chain's back (the head was not moved)."""
    from auxpost.audit.services import _digest_of

    last = AuditEntry.objects.get(seq=N)
    forged = AuditEntry(seq=N + 1, at=last.at, actor_id=last.actor_id, actor_name=last.actor_name,
                        action="update", object_type="people.member", object_id="1", object_repr="x",
                        summary="forged", before=None, after={"grade": 1}, prev_hash=last.hash)
    forged.hash = _digest_of(forged)
    _copy_row(N, N + 1, summary="forged", object_id="1", object_repr="x", prev_hash=last.hash,
              before=None, after=_json({"grade": 1}), hash=forged.hash)
    assert _digest_of(AuditEntry.objects.get(seq=N + 1)) == forged.hash
    result = _broken(N + 1)
    assert result.checked == N


def test_inserted_entry_in_the_middle_is_caught(chain):
    # Make room after link 3 (two steps, so the primary key never collides), then insert a copy.
    raw("UPDATE audit_auditentry SET seq = seq + 1000 WHERE seq > 3")
    raw("UPDATE audit_auditentry SET seq = seq - 999 WHERE seq > 1000")
    _copy_row(3, 4, summary="inserted", hash="d" * 64)
    raw("UPDATE audit_audithead SET last_seq = last_seq + 1")
    _broken(4)


def test_head_pointing_elsewhere_is_caught(chain):
    raw("UPDATE audit_audithead SET last_hash = %s", ["a" * 64])
    _broken(N)


def test_head_removed_is_caught(chain):
    raw("DELETE FROM audit_audithead")
    _broken(1)


def test_command_reports_intact_chain(chain, capsys):
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert str(N) in out and AuditHead.objects.get().last_hash in out


def test_command_names_the_first_broken_link(chain):
    entry = AuditEntry.objects.get(seq=2)
    raw("UPDATE audit_auditentry SET summary = 'x' WHERE seq IN (2, 5)")
    message = _command_error()
    from django.utils import timezone

    assert "2" in message
    assert timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S") in message
    assert "people.member" in message and "#102" in message and "成员2" in message


# --- the database refuses rewrites (before anyone lifts the trigger) ---------------------------

@pytest.fixture
def guarded_chain():
    for i in range(3):
        audit_record(actor=None, action="create", object_type="x.y", object_id=str(i))
    assert trigger_exists()


def test_orm_refuses_update_and_delete(guarded_chain):
    entry = AuditEntry.objects.first()
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    with pytest.raises(ValueError):
        AuditEntry.objects.filter(seq=1).update(summary="x")
    with pytest.raises(ValueError):
        AuditEntry.objects.all().delete()


def test_database_refuses_update(guarded_chain):
    with pytest.raises(DatabaseError), transaction.atomic():
        raw("UPDATE audit_auditentry SET summary = 'x' WHERE seq = 1")
    assert AuditEntry.objects.get(seq=1).summary == ""


def test_database_refuses_delete_on_postgresql(guarded_chain):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite guards UPDATE only: the test runner's flush empties tables with DELETE")
    with pytest.raises(DatabaseError), transaction.atomic():
        raw("DELETE FROM audit_auditentry WHERE seq = 1")
    assert AuditEntry.objects.count() == 3
