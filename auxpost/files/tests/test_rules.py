"""§5.3 the pure content sniffing: a property test over arbitrary bytes and the known signatures."""

from hypothesis import given
from hypothesis import strategies as st

from auxpost.files import rules

SIGNATURES = {b"\xff\xd8\xff": rules.JPEG, b"\x89PNG\r\n\x1a\n": rules.PNG, b"%PDF-": rules.PDF}


@given(st.binary(max_size=64))
def test_sniff_only_names_a_type_its_signature_shows(data):
    found = rules.sniff(data)
    if found is None:
        return
    if found == rules.WEBP:
        assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    else:
        sig = next(s for s, t in SIGNATURES.items() if t == found)
        assert data.startswith(sig)


@given(st.sampled_from(sorted(SIGNATURES)), st.binary(max_size=32))
def test_signature_wins_whatever_follows(sig, rest):
    assert rules.sniff(sig + rest) == SIGNATURES[sig]


@given(st.binary(min_size=4, max_size=4), st.binary(max_size=20))
def test_webp(size, rest):
    assert rules.sniff(b"RIFF" + size + b"WEBP" + rest) == rules.WEBP


def test_text_and_html_are_nothing():
    for text in (b"", b"hello", b"<html>", b"GIF89a", b"BM\x00\x00", b"PK\x03\x04"):
        assert rules.sniff(text) is None


@given(st.integers(min_value=0, max_value=2**40))
def test_human_size_is_short_and_has_a_unit(n):
    text = rules.human_size(n)
    assert text.split(" ")[1] in {"B", "KB", "MB", "GB"} and len(text) <= 14
