"""Shared pytest fixtures. AUXPOST_TESTING is set by scripts/test.sh; set here too for a bare `pytest`."""

import os
import tempfile

os.environ.setdefault("AUXPOST_TESTING", "1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
os.environ.setdefault("AUXPOST_VAR_DIR", tempfile.mkdtemp(prefix="auxpost-test-var-"))

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402


def pytest_configure(config):
    """Compile the translation catalogues the suite renders (make does it too; a bare pytest may not)."""
    import polib

    for po in Path(__file__).parent.glob("auxpost/*/locale/*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            polib.pofile(str(po)).save_as_mofile(str(mo))


@pytest.fixture
def district(db):
    from auxpost.testing import make_district

    return make_district()


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client logged in as that user (None → anonymous)."""
    from django.test import Client

    def make(user):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Django's default hasher takes ~0.4 s per password and the district fixture makes nine users;
    tests that are about hashing itself set their own hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (a request in English must not leak into the next test)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _shipped_data(request):
    """Data that migrations ship (policy version 1, §6/§7/§10 defaults) is in the database for every
    test that uses it. A transactional test (browser, live server) ends with a flush that empties
    every table, so the next one would start without it: put it back, the way the migration does."""
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        from importlib import import_module

        from django.apps import apps

        import_module("auxpost.policy.migrations.0002_ship_wenjiang_defaults_as_version_1").ship(apps, None)
        # §11 the working-day calendar's package years (2004–2026), as its data migration loads them.
        import_module("auxpost.workcal.migrations.0002_seed_from_chinesecalendar").ship(apps, None)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Each process keeps the working-day calendar in memory (re-checked every few seconds); a test
    that enters a year must not leave it visible to the next test, which may expect it missing."""
    from auxpost.workcal.selectors import clear_cache

    clear_cache()
    yield
    clear_cache()


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    exe = os.environ.get("AUXPOST_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=exe, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    ctx = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.set_default_timeout(15000)
    pg.base_url = live_server.url
    yield pg
    ctx.close()


@pytest.fixture
def phone_page(browser, live_server):
    ctx = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844},
                              is_mobile=True, has_touch=True)
    pg = ctx.new_page()
    pg.set_default_timeout(15000)
    pg.base_url = live_server.url
    yield pg
    ctx.close()


def browser_login(page, username, password=None):
    from auxpost.testing import PASSWORD

    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password or PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
