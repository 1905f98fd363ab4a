"""§5.3 / issue 6 item 9: storing uploads (照片、证明、纪要) — checked by content, audited, all or nothing.

Settings (with their defaults when absent):

- ``AUXPOST_UPLOAD_MAX_BYTES`` (10 MB) — the largest file accepted;
- ``AUXPOST_UPLOAD_TYPES`` (JPEG, PNG, WebP, PDF) — the content types accepted anywhere; a caller
  may narrow them further (``types=IMAGE_TYPES`` for photos).

A refused upload leaves nothing behind: the checks run before anything is written, and a file
written for a row that then fails is deleted again. A file whose row is rolled back later by the
caller's own transaction becomes an orphan; ``attachment_orphans_sweep`` (``auxpost files sweep``)
deletes such files once they are a day old.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from auxpost.audit.services import audit_record
from auxpost.files import rules
from auxpost.files.models import ALL_TYPES, IMAGE_TYPES, Attachment

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
ROOT = "attachments"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".gif", ".bmp"}
TYPE_LABELS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP", "application/pdf": "PDF"}


def max_bytes() -> int:
    return int(getattr(settings, "AUXPOST_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def allowed_types() -> tuple[str, ...]:
    return tuple(getattr(settings, "AUXPOST_UPLOAD_TYPES", ALL_TYPES))


@dataclass(frozen=True)
class Checked:
    """What the checks found in one upload."""

    name: str
    content_type: str
    size: int
    sha256: str


def display_name(upload) -> str:
    """The upload's own file name without any directory part, cut to the column length."""
    raw = str(getattr(upload, "name", "") or "")
    return (PurePosixPath(raw.replace("\\", "/")).name or _("unnamed"))[:200]


def _label(name: str, content_type: str | None, types: tuple[str, ...]) -> str:
    is_photo = (content_type in IMAGE_TYPES or Path(name).suffix.lower() in IMAGE_SUFFIXES
                or (types and all(t in IMAGE_TYPES for t in types)))
    if is_photo:
        return _("Photo “%(name)s”") % {"name": name}
    return _("File “%(name)s”") % {"name": name}


def _refuse(name: str, content_type: str | None, types: tuple[str, ...], reason: str) -> ValidationError:
    return ValidationError({"file": [_("%(what)s: %(reason)s") % {"what": _label(name, content_type, types),
                                                                  "reason": reason}]})


def _image_decodes(upload, content_type: str) -> bool:
    """The image opens, verifies and decodes with Pillow as the format its bytes claim."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            upload.seek(0)
            with Image.open(upload) as im:
                if im.format != rules.PIL_FORMATS[content_type]:
                    return False
                im.verify()
            upload.seek(0)
            with Image.open(upload) as im:  # verify() leaves the image unusable: decode a fresh one
                if im.format == "JPEG":
                    im.draft("RGB", (256, 256))  # DCT scaling: the whole stream is read, cheaply
                im.load()
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
            return False
        finally:
            upload.seek(0)
    return True


def upload_check(upload, *, types: Iterable[str] | None = None) -> Checked:
    """§5.3 Check one upload without storing it: not empty, not over ``max_bytes()``, of an allowed type
    found in its content (an image must decode, a PDF must be whole). Raises ValidationError
    ``{"file": ["照片“x.jpg”：…"]}`` naming the file and the reason."""
    types = tuple(t for t in (types or allowed_types()) if t in allowed_types())
    name = display_name(upload)
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _refuse(name, None, types, _("it is %(size)s, more than the %(limit)s allowed")
                      % {"size": rules.human_size(size), "limit": rules.human_size(limit)})
    upload.seek(0)
    head = upload.read(rules.HEAD_BYTES)
    if not head:
        raise _refuse(name, None, types, _("the file is empty"))
    content_type = rules.sniff(head)
    if content_type is None or content_type not in types:
        allowed = "/".join(TYPE_LABELS.get(t, t) for t in types)
        raise _refuse(name, content_type, types,
                      _("its content is not an allowed type (%(types)s), whatever its name says") % {"types": allowed})
    digest = hashlib.sha256()
    size = 0
    tail = b""
    upload.seek(0)
    for chunk in iter(lambda: upload.read(64 * 1024), b""):
        size += len(chunk)
        if size > limit:
            upload.seek(0)
            raise _refuse(name, content_type, types, _("it is more than the %(limit)s allowed")
                          % {"limit": rules.human_size(limit)})
        digest.update(chunk)
        tail = (tail + chunk)[-1024:]
    upload.seek(0)
    if content_type in IMAGE_TYPES:
        if not _image_decodes(upload, content_type):
            raise _refuse(name, content_type, types, _("the image is damaged or incomplete and cannot be opened"))
    elif not rules.pdf_complete(tail):
        raise _refuse(name, content_type, types, _("the PDF is damaged or incomplete"))
    return Checked(name=name, content_type=content_type, size=size, sha256=digest.hexdigest())


def _storage_name(at: dt.datetime, content_type: str) -> str:
    return f"{ROOT}/{at:%Y/%m/%d}/{secrets.token_hex(16)}{rules.EXTENSIONS[content_type]}"


def attachments_store(*, uploads: Iterable, purpose: str, uploaded_by, member=None, unit=None, at: dt.datetime,
                      types: Iterable[str] | None = None) -> list[Attachment]:
    """§5.3 Store several uploads for one record, all or none: every upload is checked first (the
    first refusal is raised), then written; if anything fails, the files written so far are deleted."""
    purpose = (purpose or "").strip()
    if not purpose or len(purpose) > 40:
        raise ValidationError({"purpose": [_("The purpose must be a code of 1 to 40 characters.")]})
    uploads = list(uploads)
    checked = [upload_check(u, types=types) for u in uploads]
    written: list[str] = []
    try:
        with transaction.atomic():
            result = []
            for upload, info in zip(uploads, checked, strict=True):
                upload.seek(0)
                stored = default_storage.save(_storage_name(at, info.content_type), upload)
                written.append(stored)
                att = Attachment.objects.create(
                    file=stored, original_name=info.name, content_type=info.content_type, size=info.size,
                    sha256=info.sha256, purpose=purpose, uploaded_by=uploaded_by, uploaded_at=at,
                    member=member, unit=unit)
                audit_record(actor=uploaded_by, action="create", obj=att,
                             summary=_("Uploaded %(name)s (%(purpose)s)") % {"name": info.name, "purpose": purpose},
                             after={"original_name": info.name, "content_type": info.content_type,
                                    "size": info.size, "sha256": info.sha256, "purpose": purpose,
                                    "member": getattr(member, "pk", None), "unit": getattr(unit, "pk", None),
                                    "file": stored})
                result.append(att)
    except BaseException:
        for stored in written:
            default_storage.delete(stored)
        raise
    return result


def attachment_store(*, upload, purpose: str, uploaded_by, member=None, unit=None, at: dt.datetime,
                     types: Iterable[str] | None = None) -> Attachment:
    """§5.3 Store one upload (a 现场照片, 病假证明, 会议纪要 …) under MEDIA_ROOT in a dated directory with a
    random name, after checking it by content (``upload_check``); audited; nothing left behind when
    refused. ``member``/``unit`` decide who may see it (``selectors.can_see``)."""
    return attachments_store(uploads=[upload], purpose=purpose, uploaded_by=uploaded_by, member=member,
                             unit=unit, at=at, types=types)[0]


THUMB_SIZE = 160


def thumbnail_path(attachment: Attachment) -> Path:
    """§5.3 a JPEG of at most 160×160 px of an image attachment (turned upright by its EXIF orientation,
    metadata such as GPS dropped), made on first use and kept under ``MEDIA_ROOT/thumbs/`` by content hash.
    Raises OSError when the original is missing or unreadable."""
    from PIL import Image, ImageOps

    root = Path(settings.MEDIA_ROOT) / "thumbs" / attachment.sha256[:2]
    target = root / f"{attachment.sha256}-{THUMB_SIZE}.jpg"
    if target.exists():
        return target
    root.mkdir(parents=True, exist_ok=True)
    with attachment.file.open("rb") as handle, Image.open(handle) as im:
        if im.format == "JPEG":
            im.draft("RGB", (THUMB_SIZE * 2, THUMB_SIZE * 2))
        im = ImageOps.exif_transpose(im)
        im.thumbnail((THUMB_SIZE, THUMB_SIZE))
        if im.mode != "RGB":
            background = Image.new("RGB", im.size, (255, 255, 255))
            rgba = im.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            im = background
        tmp = target.with_suffix(f".{secrets.token_hex(4)}.tmp")
        im.save(tmp, format="JPEG", quality=75)
    tmp.replace(target)  # atomic: two first views at once both end with one whole file
    return target


def attachment_orphans_sweep(*, at: dt.datetime, older_than: dt.timedelta = dt.timedelta(days=1),
                             dry_run: bool = False) -> list[str]:
    """§11 Delete files under ``attachments/`` that no Attachment row names (left by a caller's
    transaction that rolled back), once older than ``older_than``. Returns the names found."""
    root = Path(settings.MEDIA_ROOT) / ROOT
    if not root.exists():
        return []
    cutoff = at.timestamp() - older_than.total_seconds()
    candidates = {}
    for path in root.rglob("*"):
        if path.is_file() and path.stat().st_mtime < cutoff:
            candidates[path.relative_to(settings.MEDIA_ROOT).as_posix()] = path
    known = set()
    names = list(candidates)
    for i in range(0, len(names), 500):
        known.update(Attachment.objects.filter(file__in=names[i:i + 500]).values_list("file", flat=True))
    orphans = sorted(set(names) - known)
    if not dry_run:
        for name in orphans:
            candidates[name].unlink(missing_ok=True)
    return orphans
