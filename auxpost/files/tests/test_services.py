"""§5.3 / issue 6 item 9: attachment_store checks by content, refuses with a Chinese reason naming the
file, writes nothing on refusal, audits what it stores."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from auxpost.audit.models import AuditEntry
from auxpost.files import rules
from auxpost.files.models import IMAGE_TYPES, Attachment
from auxpost.files.services import attachment_orphans_sweep, attachment_store, attachments_store
from auxpost.files.tests.conftest import AT, PDF, image_bytes, upload

pytestmark = pytest.mark.django_db


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("fmt,ct", [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")])
def test_images_are_stored_with_the_type_found_in_their_content(district, fmt, ct):
    att = attachment_store(upload=upload("photo.bin", image_bytes(fmt), "text/plain"), purpose="patrol",
                           uploaded_by=district.squadron1, member=district.m1, at=AT)
    assert att.content_type == ct and att.is_image
    assert att.original_name == "photo.bin"
    assert att.file.name.startswith("attachments/2026/06/01/")
    assert "photo" not in att.file.name and att.file.name.endswith(rules.EXTENSIONS[ct])
    assert Path(att.file.path).read_bytes() == image_bytes(fmt)
    assert att.size == len(image_bytes(fmt)) and len(att.sha256) == 64


def test_a_pdf_note_is_stored(district):
    att = attachment_store(upload=upload("病假证明.pdf", PDF), purpose="leave_note", uploaded_by=district.member1,
                           member=district.m1, at=AT)
    assert att.content_type == "application/pdf" and att.is_pdf and not att.is_image


def test_store_is_audited(district, jpeg):
    att = attachment_store(upload=jpeg, purpose="patrol", uploaded_by=district.squadron1, member=district.m1, at=AT)
    entry = AuditEntry.objects.get(object_type="files.attachment", object_id=str(att.pk))
    assert entry.action == "create" and entry.actor_id == district.squadron1.pk
    assert entry.after["sha256"] == att.sha256 and entry.after["purpose"] == "patrol"


def _refusal(district, up, **kw):
    with pytest.raises(ValidationError) as exc:
        attachment_store(upload=up, purpose="patrol", uploaded_by=district.squadron1, at=AT, **kw)
    assert not Attachment.objects.exists()
    assert stored_files() == []
    assert not AuditEntry.objects.filter(object_type="files.attachment").exists()
    return exc.value.message_dict["file"][0]


def test_a_jpg_that_is_really_text_is_refused(district):
    msg = _refusal(district, upload("x.jpg", b"just some text, not a photo", "image/jpeg"))
    assert msg.startswith("照片“x.jpg”：") and "JPEG" in msg


def test_html_named_pdf_is_refused(district):
    msg = _refusal(district, upload("note.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"))
    assert msg.startswith("文件“note.pdf”：")


def test_a_truncated_image_is_refused(district):
    data = image_bytes("PNG", size=(200, 200))
    msg = _refusal(district, upload("broken.png", data[: len(data) // 2]))
    assert "照片“broken.png”" in msg and "损坏" in msg


def test_jpeg_header_with_garbage_is_refused(district):
    msg = _refusal(district, upload("fake.jpg", b"\xff\xd8\xff\xe0" + b"\x00garbage" * 50))
    assert "损坏" in msg


def test_an_incomplete_pdf_is_refused(district):
    msg = _refusal(district, upload("half.pdf", PDF[:40]))
    assert msg.startswith("文件“half.pdf”：") and "PDF" in msg


def test_empty_is_refused(district):
    msg = _refusal(district, upload("empty.jpg", b""))
    assert msg == "照片“empty.jpg”：文件为空"


def test_oversize_is_refused(district, settings):
    settings.AUXPOST_UPLOAD_MAX_BYTES = 1000
    msg = _refusal(district, upload("big.jpg", image_bytes("JPEG", size=(400, 400), color=(1, 2, 3)) + b"\0" * 2000))
    assert "照片“big.jpg”" in msg and "超过" in msg and "1000 B" in msg


def test_size_is_counted_from_the_content_not_the_claimed_size(district, settings):
    settings.AUXPOST_UPLOAD_MAX_BYTES = 1000
    up = upload("liar.pdf", PDF + b"\n" * 2000)
    up.size = 10  # a client may lie
    assert "超过" in _refusal(district, up)


def test_caller_may_narrow_the_types(district):
    msg = _refusal(district, upload("minutes.pdf", PDF), types=IMAGE_TYPES)
    assert msg.startswith("照片“minutes.pdf”：") and "PDF" not in msg.split("：", 1)[1]


def test_settings_narrow_the_types(district, settings):
    settings.AUXPOST_UPLOAD_TYPES = ("image/jpeg",)
    _refusal(district, upload("a.png", image_bytes("PNG")))


def test_directory_in_the_name_is_dropped(district):
    att = attachment_store(upload=upload("../../etc/x.png", image_bytes("PNG")), purpose="patrol",
                           uploaded_by=district.squadron1, at=AT)
    assert att.original_name == "x.png" and Path(att.file.path).is_relative_to(settings.MEDIA_ROOT)


def test_many_all_or_nothing(district, jpeg):
    with pytest.raises(ValidationError) as exc:
        attachments_store(uploads=[jpeg, upload("bad.jpg", b"text")], purpose="patrol",
                          uploaded_by=district.squadron1, at=AT)
    assert "bad.jpg" in exc.value.message_dict["file"][0]
    assert stored_files() == [] and not Attachment.objects.exists()


def test_files_written_are_deleted_when_the_row_fails(district, jpeg, monkeypatch):
    from auxpost.files import services

    def boom(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "audit_record", boom)
    with pytest.raises(RuntimeError):
        attachments_store(uploads=[jpeg, upload("b.png", image_bytes("PNG"))], purpose="patrol",
                          uploaded_by=district.squadron1, at=AT)
    assert stored_files() == [] and not Attachment.objects.exists()


def test_bad_purpose_is_refused(district, jpeg):
    with pytest.raises(ValidationError) as exc:
        attachment_store(upload=jpeg, purpose=" ", uploaded_by=district.squadron1, at=AT)
    assert "purpose" in exc.value.message_dict
    assert stored_files() == []


def test_sweep_deletes_only_old_orphans(district, jpeg):
    import datetime as dt
    import os

    att = attachment_store(upload=jpeg, purpose="patrol", uploaded_by=district.squadron1, at=AT)
    orphan = Path(settings.MEDIA_ROOT) / "attachments/2026/06/01/orphan.jpg"
    orphan.write_bytes(b"x")
    fresh = Path(settings.MEDIA_ROOT) / "attachments/2026/06/01/fresh.jpg"
    fresh.write_bytes(b"x")
    old = AT.timestamp() - 2 * 86400
    for p in (orphan, Path(att.file.path)):
        os.utime(p, (old, old))
    os.utime(fresh, (AT.timestamp(), AT.timestamp()))
    assert attachment_orphans_sweep(at=AT, dry_run=True) == ["attachments/2026/06/01/orphan.jpg"]
    assert orphan.exists()
    assert attachment_orphans_sweep(at=AT + dt.timedelta(seconds=1)) == ["attachments/2026/06/01/orphan.jpg"]
    assert not orphan.exists() and fresh.exists() and Path(att.file.path).exists()


def test_human_size():
    assert rules.human_size(10) == "10 B"
    assert rules.human_size(10 * 1024 * 1024) == "10 MB"
    assert rules.human_size(1536) == "1.5 KB"


def test_demo_samples_are_accepted(district):
    from auxpost.files.demo import sample_pdf, sample_photo

    atts = attachments_store(uploads=[sample_photo(seed=1), sample_photo(seed=2), sample_pdf()], purpose="patrol",
                             uploaded_by=district.squadron1, unit=district.sq1, at=AT)
    assert [a.content_type for a in atts] == ["image/jpeg", "image/jpeg", "application/pdf"]
    assert atts[0].sha256 != atts[1].sha256
