"""§11 Runs on an isolated intranet: no page refers to an asset outside the app."""

import re
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2]
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)


def test_no_template_loads_an_external_asset():
    offenders = []
    for tpl in PKG.rglob("templates/**/*.html"):
        for n, line in enumerate(tpl.read_text(encoding="utf-8").splitlines(), 1):
            if EXTERNAL.search(line):
                offenders.append(f"{tpl.relative_to(PKG)}:{n}: {line.strip()}")
    assert offenders == []


def test_no_static_file_fetches_from_outside():
    offenders = []
    for f in list(PKG.rglob("static/**/*.js")) + list(PKG.rglob("static/**/*.css")):
        text = f.read_text(encoding="utf-8", errors="replace")
        if re.search(r"(?:url\(|fetch\(|import\s)[\"']?(?:https?:)?//", text):
            offenders.append(str(f.relative_to(PKG)))
    assert offenders == []


@pytest.mark.django_db
def test_api_docs_are_served_from_the_app(client_for, district):
    html = client_for(district.bureau_user).get("/api/docs/").content.decode()
    assert "swagger" in html.lower()
    assert not EXTERNAL.search(html), "the API docs must not load Swagger UI from a CDN"


@pytest.mark.django_db
def test_login_page_renders_in_chinese_by_default(client):
    html = client.get("/accounts/login/").content.decode()
    assert "登录" in html
    assert 'lang="zh-hans"' in html


@pytest.mark.django_db
def test_english_is_available(client):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log in" in html
