import pytest


@pytest.fixture(autouse=True)
def _no_static_index(settings):
    # Every test client builds its own middleware, and WhiteNoise with finders then indexes the static
    # files. Drafting's view tests fetch none, so they skip that work.
    settings.WHITENOISE_USE_FINDERS = False
    settings.STATIC_ROOT = None
