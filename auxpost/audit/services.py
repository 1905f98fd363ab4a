"""§11 留痕: append links to the audit hash chain; verify the chain.

Every service that changes data calls ``audit_record`` (or ``audit_record_many`` for bulk work)
inside its own transaction, so a change and its trace commit or roll back together.

How the chain stays verifiable on SQLite and PostgreSQL alike:

- Every field of an entry except ``hash`` goes into its digest, so changing any of them shows.
- ``before``/``after`` are normalised by ``canonical()`` *before* hashing and storing, into the
  subset of JSON that both backends give back unchanged: string keys, no NaN/Infinity, no NUL
  characters or lone surrogates (PostgreSQL's jsonb refuses them), integral floats as integers
  (jsonb prints ``1e20`` back as ``100000000000000000000``). Key order does not matter: the digest
  sorts keys, and jsonb reorders them.
- Fields are cut to their column length before hashing (PostgreSQL would refuse longer values,
  SQLite would store them whole: either way the stored value must be what was hashed).
- ``at`` is hashed as UTC with microseconds, which both backends store exactly.
- Appends lock the single ``AuditHead`` row (``select_for_update``; on SQLite the IMMEDIATE
  transaction mode serialises writers), so two transactions never both extend the same link.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import math
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from auxpost.audit.models import AuditEntry, AuditHead
from auxpost.core.bulk import insert_many

GENESIS = "0" * 64

_LIMITS = {
    "actor_name": AuditEntry._meta.get_field("actor_name").max_length,
    "action": AuditEntry._meta.get_field("action").max_length,
    "object_type": AuditEntry._meta.get_field("object_type").max_length,
    "object_id": AuditEntry._meta.get_field("object_id").max_length,
    "object_repr": AuditEntry._meta.get_field("object_repr").max_length,
    "summary": AuditEntry._meta.get_field("summary").max_length,
}


def _clean_str(value: str) -> str:
    # jsonb refuses \u0000 and lone surrogates cannot be encoded as UTF-8 at all.
    value = value.replace("\x00", "\ufffd")
    return value.encode("utf-8", "replace").decode("utf-8")


def _key(key) -> str:
    if isinstance(key, str):
        return _clean_str(key)
    if key is None or isinstance(key, (bool, int, float)):
        return json.dumps(key)  # the key json.dumps itself would write: "null", "true", "1", "1.5"
    return _clean_str(str(key))


def _clean_str_fast(value: str) -> str:
    """``_clean_str`` without its re-encoding when the text has nothing to clean (nearly always)."""
    if "\x00" not in value and value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _clean_str(value)
    return value.replace("\x00", "\ufffd")


def canonical(value) -> object:
    """A JSON value that both SQLite's JSON text and PostgreSQL's jsonb give back unchanged."""
    cls = type(value)
    if cls is str:  # the common cases first: an import's before/after is mostly text and numbers
        return _clean_str_fast(value)
    if cls is int or value is None:
        return value
    if cls is dict:
        return {(_clean_str_fast(k) if type(k) is str else _key(k)): canonical(v) for k, v in value.items()}
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer():
            return int(value)
        return value
    if isinstance(value, str):
        return _clean_str(value)
    if isinstance(value, Promise):  # lazy translation strings
        return _clean_str(str(value))
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        seconds = value.total_seconds()
        return int(seconds) if seconds.is_integer() else seconds
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {_key(k): canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        items = [canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return _clean_str(str(value))


def _at_text(at: dt.datetime) -> str:
    if timezone.is_naive(at):
        at = timezone.make_aware(at, dt.UTC)
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def entry_digest(*, prev_hash: str, seq: int, at: dt.datetime, actor_id: int | None, actor_name: str, action: str,
                 object_type: str, object_id: str, object_repr: str, summary: str, before, after,
                 at_text: str | None = None, is_canonical: bool = False) -> str:
    """SHA-256 over the previous link's hash and every stored field of this link.

    ``is_canonical`` says before/after went through ``canonical`` already (the append path does
    that once for storing and hashing alike); ``at_text`` is ``at`` already rendered."""
    if not is_canonical:
        before, after = canonical(before), canonical(after)
    payload = json.dumps(
        [prev_hash, seq, at_text or _at_text(at), actor_id, actor_name, action, object_type, object_id, object_repr,
         summary, before, after],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _digest_of(entry: AuditEntry) -> str:
    return entry_digest(prev_hash=entry.prev_hash, seq=entry.seq, at=entry.at, actor_id=entry.actor_id,
                        actor_name=entry.actor_name, action=entry.action, object_type=entry.object_type,
                        object_id=entry.object_id, object_repr=entry.object_repr, summary=entry.summary,
                        before=entry.before, after=entry.after)


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
    return actor.get_username() or "anonymous"


def _cut(field: str, value) -> str:
    return _clean_str(str(value if value is not None else ""))[: _LIMITS[field]]


def audit_record(*, actor, action: str, obj=None, object_type: str = "", object_id: str = "", object_repr: str = "",
                 summary: str = "", before: dict | None = None, after: dict | None = None) -> AuditEntry:
    """§11 append one link. ``obj`` (a model instance) fills type/id/repr when given."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    return audit_record_many(actor=actor, changes=[Change(action, object_type, str(object_id), object_repr,
                                                          summary, before, after)])[0]


def audit_record_many(*, actor, changes: list[Change], returning: bool = True) -> list[AuditEntry]:
    """§11 append many links in one go (bulk imports): one lock, one bulk insert. ``returning=False``
    skips building the returned ``AuditEntry`` instances (an empty list comes back) for callers that
    append many thousands and use none of them; the links written are the same."""
    if not changes:
        return []
    if action_errors := [ch.action for ch in changes if ch.action not in AuditEntry.Action.values]:
        raise ValueError(f"unknown audit action(s): {sorted(set(action_errors))}")
    name = _cut("actor_name", _actor_name(actor))
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
        at = timezone.now()
        prev = head.last_hash
        seq = head.last_seq
        at_text = _at_text(at)
        rows = []
        for ch in changes:
            seq += 1
            row = {
                "seq": seq, "at": at, "actor_id": actor_id, "actor_name": name, "action": ch.action,
                "object_type": _cut("object_type", ch.object_type), "object_id": _cut("object_id", ch.object_id),
                "object_repr": _cut("object_repr", ch.object_repr), "summary": _cut("summary", ch.summary),
                "before": canonical(ch.before), "after": canonical(ch.after), "prev_hash": prev,
            }
            row["hash"] = prev = entry_digest(**{k: v for k, v in row.items() if k != "prev_hash"}, prev_hash=prev,
                                              at_text=at_text, is_canonical=True)
            rows.append(row)
        # Plain executemany: bulk_create's per-field preparation cost more than hashing (bench/roster.py).
        insert_many(AuditEntry, rows, stamp=at, batch=1000, with_pk=True)
        entries = [AuditEntry(**row) for row in rows] if returning else []
        for e in entries:
            e._state.adding = False
            e._state.db = "default"
        AuditHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)
    return entries


@dataclass
class VerifyResult:
    """The outcome of ``audit_verify``; when broken, ``broken_seq`` is the first bad link."""

    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""
    entry: AuditEntry | None = None  # the stored row at (or right after) the broken link, when there is one
    head_hash: str = GENESIS

    def describe(self) -> str:
        """One line naming the broken link: seq, time, object (for the command and the page)."""
        if self.ok:
            return _("The audit chain is intact: %(n)s links checked. Last hash: %(hash)s.") % {
                "n": self.checked, "hash": self.head_hash}
        where = ""
        if self.entry is not None:
            e = self.entry
            where = _(" (entry %(seq)s of %(at)s by %(actor)s, %(action)s %(type)s #%(id)s %(repr)s)") % {
                "seq": e.seq, "at": timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                "actor": e.actor_name, "action": e.action, "type": e.object_type, "id": e.object_id,
                "repr": e.object_repr,
            }
        return _("The audit chain is broken at link %(seq)s%(where)s: %(reason)s. "
                 "%(n)s links before it are intact.") % {
            "seq": self.broken_seq, "where": where, "reason": self.reason, "n": self.checked}


def _reasons():
    return {
        "missing": _("this link is missing (deleted)"),
        "prev": _("its link to the previous entry does not match (an entry was removed or inserted before it)"),
        "content": _("its content does not match its hash (changed after it was written)"),
        "head_hash": _("the last link does not match the chain head (links changed or removed at the end)"),
        "no_head": _("the chain head is missing"),
        "after_head": _("an entry exists after the chain head (inserted)"),
    }


def audit_verify(*, chunk: int = 5000) -> VerifyResult:
    """§11 recompute every link in order; report the first whose content or link no longer matches.

    Runs beside normal work without locking it: it verifies up to the head it read first, then
    takes in whatever was appended meanwhile. The head row is written in the same transaction as
    the links it points at, so any committed link is at or below every head read later; a link
    above the head can only have been put there by hand.
    """
    reasons = _reasons()
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        first = AuditEntry.objects.order_by("seq").first()
        if first is None:
            return VerifyResult(True, 0)
        return VerifyResult(False, 0, first.seq, reasons["no_head"], first)
    prev = GENESIS
    checked = 0
    for _round in range(10):  # a few rounds catch up with concurrent appends; each round is bounded
        target = head.last_seq
        while checked < target:
            rows = list(AuditEntry.objects.filter(seq__gt=checked, seq__lte=target).order_by("seq")[:chunk])
            if not rows:
                return VerifyResult(False, checked, checked + 1, reasons["missing"], None, prev)
            for e in rows:
                expected = checked + 1
                if e.seq != expected:
                    return VerifyResult(False, checked, expected, reasons["missing"], e, prev)
                if e.prev_hash != prev:
                    return VerifyResult(False, checked, e.seq, reasons["prev"], e, prev)
                if _digest_of(e) != e.hash:
                    return VerifyResult(False, checked, e.seq, reasons["content"], e, prev)
                prev = e.hash
                checked += 1
        if prev != head.last_hash:
            last = AuditEntry.objects.filter(seq=checked).first()
            return VerifyResult(False, max(checked - 1, 0), checked, reasons["head_hash"], last, prev)
        # Read the highest stored seq first, then the head: a committed link is never above a head
        # read after it, so anything above is an entry nobody appended through the chain.
        highest = AuditEntry.objects.aggregate(m=Max("seq"))["m"] or 0
        newer = AuditHead.objects.filter(pk=1).first()
        if newer is None:
            return VerifyResult(False, checked, checked + 1, reasons["no_head"], None, prev)
        if highest > newer.last_seq:
            stray = AuditEntry.objects.filter(seq__gt=newer.last_seq, seq__lte=highest).order_by("seq").first()
            return VerifyResult(False, checked, stray.seq if stray else highest, reasons["after_head"], stray, prev)
        if newer.last_seq == head.last_seq:
            break
        if newer.last_seq < head.last_seq:
            return VerifyResult(False, checked, newer.last_seq + 1, reasons["head_hash"], None, prev)
        head = newer
    return VerifyResult(True, checked, head_hash=prev)


def model_snapshot(obj, fields: list[str] | None = None) -> dict:
    """A JSON-able dict of a model instance's concrete fields (FKs by id), for before/after."""
    out = {}
    for f in obj._meta.concrete_fields:
        if fields is not None and f.name not in fields and f.attname not in fields:
            continue
        out[f.attname] = getattr(obj, f.attname)
    return canonical(out)
