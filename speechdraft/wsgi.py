import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "speechdraft.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Load jieba and the 查重 index now: with gunicorn --preload this runs once, before the workers
    fork, so they share the memory and no user waits seconds for the first check."""
    from speechdraft.checks.index import warm_up

    try:
        warm_up()
    except Exception:  # a missing table on a fresh database must not stop the server from starting
        import logging

        logging.getLogger(__name__).exception("查重索引未能预先加载")


_warm_up()
