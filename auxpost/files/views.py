"""§5.3 ``/files/<pk>/`` serves one attachment to those who may see it (``selectors.can_see``); others 404.
``/files/<pk>/thumb/`` serves a small JPEG of an image (made once, kept under ``MEDIA_ROOT/thumbs/`` by
content hash) so that lists on a phone do not download whole photos.

Images are shown inline, PDFs are downloaded; the content type is the one found in the content at
upload, ``X-Content-Type-Options: nosniff`` stops the browser from guessing another, a sandboxing
Content-Security-Policy keeps anything active inert, and only the user's own browser may cache it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers

from auxpost.files.selectors import attachment_for
from auxpost.files.services import thumbnail_path

CACHE_SECONDS = 600


def _headers(response, etag: str):
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, private=True, max_age=CACHE_SECONDS)
    patch_vary_headers(response, ["Cookie"])
    return response


@login_required
def attachment(request, pk: int):
    att = attachment_for(request.user, pk)
    if att is None:
        raise Http404
    etag = f'"{att.sha256}"'
    if request.headers.get("If-None-Match") == etag:
        return _headers(HttpResponseNotModified(), etag)
    try:
        handle = att.file.open("rb")
    except OSError:
        raise Http404 from None
    return _headers(FileResponse(handle, content_type=att.content_type, as_attachment=not att.is_image,
                                 filename=att.original_name), etag)


@login_required
def thumb(request, pk: int):
    att = attachment_for(request.user, pk)
    if att is None or not att.is_image:
        raise Http404
    etag = f'"{att.sha256}-t"'
    if request.headers.get("If-None-Match") == etag:
        return _headers(HttpResponseNotModified(), etag)
    try:
        path = thumbnail_path(att)
    except OSError:
        raise Http404 from None
    return _headers(FileResponse(path.open("rb"), content_type="image/jpeg"), etag)
