import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Django's default hasher takes ~0.4 s per password; the district fixture makes nine users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Messages made outside a request (commands, services) use the thread's language, which a
    request with another Accept-Language elsewhere in the suite may have left switched."""
    with translation.override("zh-hans"):
        yield
