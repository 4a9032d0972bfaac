import pytest


@pytest.fixture(autouse=True)
def fresh_cache():
    """The engine is pure and keeps no cache: these tests need no Django settings at all."""
    yield
