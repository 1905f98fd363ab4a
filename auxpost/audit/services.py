"""§11 留痕: append links to the audit hash chain; verify the chain.

Every service that changes data calls ``audit_record`` (or ``audit_record_many`` for bulk work)
inside its own transaction, so a change and its trace commit or roll back together.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from auxpost.audit.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return str(value)


def canonical(value) -> object:
    """Round-trip through JSON so what is hashed equals what the JSON column gives back."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=_default, ensure_ascii=False, sort_keys=True))


def entry_digest(*, prev_hash: str, seq: int, at: dt.datetime, actor_name: str, action: str, object_type: str,
                 object_id: str, summary: str, before, after) -> str:
    payload = json.dumps(
        [prev_hash, seq, at.astimezone(dt.UTC).isoformat(timespec="microseconds"), actor_name, action,
         object_type, object_id, summary, before, after],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass
class Change:
    """One change to record; ``obj`` may be a model instance or (type, id, repr)."""

    action: str
    object_type: str
    object_id: str = ""
    object_repr: str = ""
    summary: str = ""
    before: dict | None = None
    after: dict | None = None


def _actor_name(actor) -> str:
    if actor is None:
        return "system"
    return actor.get_username()


def audit_record(*, actor, action: str, obj=None, object_type: str = "", object_id: str = "", object_repr: str = "",
                 summary: str = "", before: dict | None = None, after: dict | None = None) -> AuditEntry:
    """Append one link. ``obj`` (a model instance) fills type/id/repr when given."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    return audit_record_many(actor=actor, changes=[Change(action, object_type, str(object_id), object_repr,
                                                          summary, before, after)])[0]


def audit_record_many(*, actor, changes: list[Change]) -> list[AuditEntry]:
    """Append many links in one go (bulk imports): one lock, one bulk insert."""
    if not changes:
        return []
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        at = timezone.now()
        name = _actor_name(actor)
        prev = head.last_hash
        seq = head.last_seq
        entries = []
        for ch in changes:
            seq += 1
            before = canonical(ch.before)
            after = canonical(ch.after)
            digest = entry_digest(prev_hash=prev, seq=seq, at=at, actor_name=name, action=ch.action,
                                  object_type=ch.object_type, object_id=ch.object_id, summary=ch.summary,
                                  before=before, after=after)
            entries.append(AuditEntry(
                seq=seq, at=at, actor=actor if actor is not None and actor.pk else None, actor_name=name,
                action=ch.action, object_type=ch.object_type, object_id=ch.object_id,
                object_repr=ch.object_repr[:200], summary=ch.summary[:300], before=before, after=after,
                prev_hash=prev, hash=digest,
            ))
            prev = digest
        AuditEntry.objects.bulk_create(entries, batch_size=1000)
        AuditHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)
    return entries


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def audit_verify(*, chunk: int = 5000) -> VerifyResult:
    """Recompute every link in order; report the first whose content or link no longer matches."""
    prev = GENESIS
    expected_seq = 0
    checked = 0
    last_seen = 0
    while True:
        rows = list(AuditEntry.objects.filter(seq__gt=last_seen).order_by("seq")[:chunk])
        if not rows:
            break
        for e in rows:
            expected_seq += 1
            if e.seq != expected_seq:
                return VerifyResult(False, checked, expected_seq, f"link {expected_seq} is missing")
            if e.prev_hash != prev:
                return VerifyResult(False, checked, e.seq, "prev_hash does not match the previous link")
            digest = entry_digest(prev_hash=e.prev_hash, seq=e.seq, at=e.at, actor_name=e.actor_name,
                                  action=e.action, object_type=e.object_type, object_id=e.object_id,
                                  summary=e.summary, before=e.before, after=e.after)
            if digest != e.hash:
                return VerifyResult(False, checked, e.seq, "content does not match its hash")
            prev = e.hash
            checked += 1
            last_seen = e.seq
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != expected_seq or head.last_hash != prev):
        return VerifyResult(False, checked, expected_seq + 1 if head.last_seq > expected_seq else expected_seq,
                            "the chain head does not match the last link (links removed from the end?)")
    return VerifyResult(True, checked)


def model_snapshot(obj, fields: list[str] | None = None) -> dict:
    """A JSON-able dict of a model instance's concrete fields (FKs by id), for before/after."""
    out = {}
    for f in obj._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        out[f.attname] = getattr(obj, f.attname)
    return canonical(out)
