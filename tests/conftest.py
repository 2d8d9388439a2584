import pytest

from elearning.demo import load_site


@pytest.fixture
def home_page(db):
    """The Vietnamese home page as the site root, with its English translation."""
    return load_site()
