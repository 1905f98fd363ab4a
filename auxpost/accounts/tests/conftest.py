import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Django's default hasher takes ~0.4 s per password; the district fixture makes nine users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
