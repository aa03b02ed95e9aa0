import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_social.settings")
application = get_wsgi_application()

from .heap import settle  # noqa: E402

settle()  # after every start-up import: full GC passes stay off the request path (heap.py)
