"""§3 / §5.3 who sees an attachment: page ``/files/<pk>/``, API ``/api/v1/files/``, ``can_see``/``visible_q``."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from auxpost.accounts.models import Role
from auxpost.files.forms import PhotosField, UploadsField, clean_uploads
from auxpost.files.models import Attachment
from auxpost.files.selectors import attachments_visible, can_see
from auxpost.files.services import attachment_store
from auxpost.files.tests.conftest import AT, PDF, image_bytes, upload
from auxpost.testing import make_member, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(district):
    """A patrol photo about m1 (squadron 1), uploaded by the squadron 1 leader."""
    return attachment_store(upload=upload("现场照片.jpg", image_bytes()), purpose="patrol",
                            uploaded_by=district.squadron1, member=district.m1, at=AT)


@pytest.fixture
def note(district):
    return attachment_store(upload=upload("病假证明.pdf", PDF), purpose="leave_note", uploaded_by=district.member1,
                            member=district.m1, at=AT)


@pytest.fixture
def minutes(district):
    """Meeting minutes of squadron 2's team, uploaded by the squadron 2 leader."""
    return attachment_store(upload=upload("纪要.png", image_bytes("PNG")), purpose="meeting_minutes",
                            uploaded_by=district.squadron2, unit=district.sq2_t1, at=AT)


def test_can_see_matrix(district, photo, minutes):
    d = district
    assert can_see(d.squadron1, photo)      # uploader and in scope
    assert can_see(d.member1, photo)        # the member it concerns
    assert can_see(d.bureau_user, photo)    # scope covers everything
    assert can_see(d.admin, photo)
    assert not can_see(d.squadron2, photo)  # another squadron
    assert not can_see(d.nobody, photo)
    assert can_see(d.squadron2, minutes) and can_see(d.bureau_user, minutes)
    assert not can_see(d.squadron1, minutes)
    assert not can_see(d.member1, minutes)
    other = make_member(d.sq1_t2, name="赵三")
    user = make_user("zhao", Role.MEMBER, member=other)
    assert not can_see(user, photo)


def test_the_uploader_sees_it_even_outside_scope(district):
    att = attachment_store(upload=upload("a.jpg", image_bytes()), purpose="patrol", uploaded_by=district.squadron2,
                           member=district.m1, at=AT)
    assert can_see(district.squadron2, att)


def test_visible_q_matches_can_see(district, photo, note, minutes):
    d = district
    for user in (d.admin, d.bureau_user, d.squadron1, d.squadron2, d.member1, d.nobody, d.hrco, d.bianban,
                 d.assessor):
        listed = set(attachments_visible(user).values_list("pk", flat=True))
        assert listed == {a.pk for a in (photo, note, minutes) if can_see(user, a)}, user.username


def test_page_serves_image_inline(district, client_for, photo):
    r = client_for(district.member1).get(reverse("files:attachment", args=[photo.pk]))
    assert r.status_code == 200
    assert r["Content-Type"] == "image/jpeg"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Disposition"].startswith("inline")
    assert "private" in r["Cache-Control"] and "public" not in r["Cache-Control"]
    assert b"".join(r.streaming_content) == image_bytes()


def test_page_serves_pdf_as_download(district, client_for, note):
    r = client_for(district.squadron1).get(reverse("files:attachment", args=[note.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("attachment")
    assert "%E7%97%85%E5%81%87" in r["Content-Disposition"]  # 病假 in the RFC 5987 file name


def test_page_not_modified(district, client_for, photo):
    r = client_for(district.member1).get(reverse("files:attachment", args=[photo.pk]),
                                         HTTP_IF_NONE_MATCH=f'"{photo.sha256}"')
    assert r.status_code == 304


def test_page_out_of_scope_is_404(district, client_for, photo):
    assert client_for(district.squadron2).get(reverse("files:attachment", args=[photo.pk])).status_code == 404
    assert client_for(district.nobody).get(reverse("files:attachment", args=[photo.pk])).status_code == 404
    assert client_for(district.admin).get(reverse("files:attachment", args=[photo.pk + 99])).status_code == 404


def test_page_missing_file_is_404(district, client_for, photo):
    photo.file.storage.delete(photo.file.name)
    assert client_for(district.admin).get(reverse("files:attachment", args=[photo.pk])).status_code == 404


def test_page_anonymous_goes_to_login(district, client_for, photo):
    r = client_for(None).get(reverse("files:attachment", args=[photo.pk]))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_api_list_and_detail(district, client_for, photo, note, minutes, django_assert_max_num_queries):
    c = client_for(district.squadron1)
    with django_assert_max_num_queries(9):
        r = c.get("/api/v1/files/")
    assert r.status_code == 200
    body = r.json()
    ids = {row["id"] for row in body.get("results", body)}
    assert ids == {photo.pk, note.pk}
    r = c.get(f"/api/v1/files/{photo.pk}/")
    assert r.status_code == 200 and r.json()["url"] == f"/files/{photo.pk}/"
    assert c.get(f"/api/v1/files/{minutes.pk}/").status_code == 404
    assert c.get("/api/v1/files/?purpose=leave_note").json()
    assert client_for(None).get("/api/v1/files/").status_code in (401, 403)


def test_api_list_query_count_does_not_grow(district, client_for, photo, django_assert_max_num_queries):
    for i in range(15):
        attachment_store(upload=upload(f"{i}.png", image_bytes("PNG")), purpose="patrol",
                         uploaded_by=district.squadron1, member=district.m1, at=AT)
    c = client_for(district.bureau_user)
    with django_assert_max_num_queries(9):
        r = c.get("/api/v1/files/")
    assert r.status_code == 200


def test_api_upload(district, client_for):
    c = client_for(district.member1)
    r = c.post("/api/v1/files/", {"file": upload("p.jpg", image_bytes()), "purpose": "uniform",
                                  "member": district.m1.pk})
    assert r.status_code == 201, r.content
    att = Attachment.objects.get(pk=r.json()["id"])
    assert att.member == district.m1 and att.uploaded_by == district.member1
    r = c.post("/api/v1/files/", {"file": upload("p.jpg", image_bytes()), "purpose": "uniform",
                                  "member": district.m2.pk})
    assert r.status_code == 400 and "member" in r.json()
    r = c.post("/api/v1/files/", {"file": upload("x.jpg", b"hello"), "purpose": "uniform"})
    assert r.status_code == 400 and r.json()["file"][0].startswith("照片“x.jpg”：")
    assert client_for(district.nobody).post("/api/v1/files/", {"file": upload("p.jpg", image_bytes()),
                                                               "purpose": "x"}).status_code == 403
    assert client_for(None).post("/api/v1/files/", {"purpose": "x"}).status_code in (401, 403)
    assert Attachment.objects.count() == 1


def test_clean_uploads_reports_each_bad_file():
    good = upload("a.jpg", image_bytes())
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        clean_uploads([good, upload("b.jpg", b"text"), upload("c.png", b"")])
    msgs = exc.value.messages
    assert len(msgs) == 2 and msgs[0].startswith("照片“b.jpg”") and msgs[1] == "照片“c.png”：文件为空"
    assert clean_uploads([good]) == [good]
    with pytest.raises(ValidationError) as exc:
        clean_uploads([good] * 3, max_files=2)
    assert "最多" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        clean_uploads([], required=True)


def test_photos_field_in_a_form():
    from django import forms

    class F(forms.Form):
        photos = PhotosField(required=False)
        notes = UploadsField(required=False)

    from django.utils.datastructures import MultiValueDict

    files = MultiValueDict({"photos": [upload("a.jpg", image_bytes()), upload("b.webp", image_bytes("WEBP"))],
                            "notes": [upload("n.pdf", PDF)]})
    f = F(data={}, files=files)
    assert f.is_valid(), f.errors
    assert [u.name for u in f.cleaned_data["photos"]] == ["a.jpg", "b.webp"]
    f = F(data={}, files=MultiValueDict({"photos": [upload("n.pdf", PDF)]}))
    assert not f.is_valid() and f.errors["photos"][0].startswith("照片“n.pdf”")
    assert 'multiple' in str(F()["photos"]) and 'accept="image/jpeg,image/png,image/webp"' in str(F()["photos"])


def test_thumbs_tag(district, photo, note):
    html = Template("{% load files %}{% attachment_thumbs items %}").render(Context({"items": [photo, note]}))
    assert f'<img src="/files/{photo.pk}/thumb/"' in html and 'alt="现场照片.jpg"' in html
    assert f'href="/files/{note.pk}/"' in html and "病假证明.pdf" in html
    assert Template("{% load files %}{% attachment_thumbs items %}").render(Context({"items": []})).strip() == ""


def test_thumb_is_small_upright_jpeg_in_scope(district, client_for):
    from io import BytesIO

    from PIL import Image

    big = attachment_store(upload=upload("大图.png", image_bytes("PNG", size=(800, 400))), purpose="patrol",
                           uploaded_by=district.squadron1, member=district.m1, at=AT)
    c = client_for(district.member1)
    r = c.get(reverse("files:thumb", args=[big.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    assert r["X-Content-Type-Options"] == "nosniff" and "private" in r["Cache-Control"]
    im = Image.open(BytesIO(b"".join(r.streaming_content)))
    assert im.format == "JPEG" and im.size == (160, 80)
    assert c.get(reverse("files:thumb", args=[big.pk])).status_code == 200  # served from the kept file
    assert client_for(district.squadron2).get(reverse("files:thumb", args=[big.pk])).status_code == 404
    assert client_for(None).get(reverse("files:thumb", args=[big.pk])).status_code == 302


def test_thumb_of_a_pdf_is_404(district, client_for, note):
    assert client_for(district.admin).get(reverse("files:thumb", args=[note.pk])).status_code == 404


def test_schema_lists_the_files_api_without_warnings(db):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "/api/v1/files/" in schema["paths"] and "/api/v1/files/{id}/" in schema["paths"]
    warnings = [w for w in str(GENERATOR_STATS).splitlines() if "files" in w.lower() or "attachment" in w.lower()]
    assert not warnings, warnings
