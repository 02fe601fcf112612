import pytest

from rarebone.knowledge import load


@pytest.fixture(scope="session")
def kb():
    return load()
