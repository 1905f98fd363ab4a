import pytest


@pytest.fixture
def d(district):
    return district
