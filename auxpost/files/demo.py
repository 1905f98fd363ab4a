"""Demo helpers for the apps that attach photos and notes in the demo district (§5.3).

``sample_photo(name)`` and ``sample_pdf(name)`` make small but real uploads (a JPEG that decodes,
a whole PDF) for ``attachment_store``/``attachments_store``; the files app has no data of its own.
"""

from __future__ import annotations

import io
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

PALETTE = [(70, 120, 180), (90, 150, 90), (180, 120, 60), (150, 80, 130), (110, 110, 110)]


def sample_photo(name: str = "现场照片.jpg", *, seed: int = 0, size: tuple[int, int] = (320, 240)) -> SimpleUploadedFile:
    """A real JPEG (a coloured picture with a few shapes), different for each ``seed``."""
    from PIL import Image, ImageDraw

    color = PALETTE[seed % len(PALETTE)]
    im = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(im)
    w, h = size
    r = zlib.crc32(f"{name}{seed}".encode()) & 0xFFFF
    draw.rectangle([w // 8 + r % 30, h // 3, w // 2, h - h // 6], fill=(230, 230, 220))
    draw.ellipse([w // 2 + r % 20, h // 6, w - w // 8, h // 2], fill=(250, 210, 90))
    buf = io.BytesIO()
    im.save(buf, format="JPEG", quality=70)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def sample_pdf(name: str = "证明.pdf") -> SimpleUploadedFile:
    """A minimal whole PDF (one blank page)."""
    body = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")
    return SimpleUploadedFile(name, body, content_type="application/pdf")
