"""§5.3 / issue 6 item 9: pure checks on an upload's bytes (no Django).

``sniff(head)`` names the type found in the first bytes of a file, whatever its name says.
"""

from __future__ import annotations

JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
PDF = "application/pdf"

#: Bytes to read from the start of a file to recognise it.
HEAD_BYTES = 16

EXTENSIONS = {JPEG: ".jpg", PNG: ".png", WEBP: ".webp", PDF: ".pdf"}
PIL_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}


def sniff(head: bytes) -> str | None:
    """The content type the leading bytes show (JPEG, PNG, WebP or PDF), or None for anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def pdf_complete(tail: bytes) -> bool:
    """A whole PDF ends with ``%%EOF`` (possibly followed by line ends or a little padding)."""
    return b"%%EOF" in tail


def human_size(n: int) -> str:
    """1536 → '1.5 KB'; used in error messages."""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} {unit}" if unit == "B" else f"{size:.1f} {unit}".replace(".0 ", " ")
        size /= 1024
    return f"{n} B"  # pragma: no cover
