import pytest


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """The district's nine users need no slow PBKDF2 rounds here; login behaviour is the same."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
