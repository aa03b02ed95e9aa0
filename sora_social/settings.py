"""Settings, fed by environment variables through one `env` object.

Every variable has an embedded default so that a fresh machine runs with no
services at all: SQLite under var/, Celery eager, the in-memory channel layer
and a local-memory cache. Setting `REDIS_URL` switches Celery, Channels and the
cache to Redis together; `DATABASE_URL` picks the database.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# --- The signing key ----------------------------------------------------------
# It signs access tokens, media URLs and admin sessions: whoever knows it can
# act as any user. It comes from SECRET_KEY, else from the file SECRET_KEY_FILE
# names (default var/secret_key, which `make` writes once per checkout with a
# random key and git ignores). With DEBUG off the process refuses to start
# without one, or with a key that was ever published (this repository's
# history and its old compose fallback) or is too short to resist guessing.
PUBLISHED_SECRET_KEYS = frozenset(
    {
        "dev-only-insecure-key-change-me-in-every-deployment",
        "change-me",
    }
)
MIN_SECRET_KEY_CHARS = 32
SECRET_KEY_FILE = Path(env.str("SECRET_KEY_FILE", default=str(VAR_DIR / "secret_key")))


def _signing_key() -> str:
    key = env.str("SECRET_KEY", default="")
    if not key and SECRET_KEY_FILE.is_file():
        key = SECRET_KEY_FILE.read_text().strip()
    if DEBUG and not key:
        return secrets.token_urlsafe(50)  # debug only: tokens die with the process
    how = (
        "Set SECRET_KEY (or SECRET_KEY_FILE) to a random value of your own, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'; `make secret-key` writes one "
        f"to {VAR_DIR / 'secret_key'} for a local run."
    )
    if not key:
        raise ImproperlyConfigured(f"No SECRET_KEY with DEBUG off. {how}")
    if key in PUBLISHED_SECRET_KEYS:
        raise ImproperlyConfigured(f"SECRET_KEY is a published key: anyone could sign tokens with it. {how}")
    if not DEBUG and len(key) < MIN_SECRET_KEY_CHARS:
        raise ImproperlyConfigured(f"SECRET_KEY is shorter than {MIN_SECRET_KEY_CHARS} characters. {how}")
    return key


SECRET_KEY = _signing_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver", "[::1]"])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "sora_social",
    "accounts",
    "videos",
    "inbox",
    "cameos",
    "generation",
    "feed",
    "moderation",
    "parental",
]

MIDDLEWARE = [
    "sora_social.middleware.JsonErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sora_social.urls"
CSRF_FAILURE_VIEW = "sora_social.middleware.csrf_failure"
ASGI_APPLICATION = "sora_social.asgi.application"
WSGI_APPLICATION = "sora_social.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Eager Celery and daphne's threads write from several threads at once;
    # WAL plus a busy timeout keeps SQLite from answering "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"})
else:
    DB_CONNECT_TIMEOUT = env.int("DB_CONNECT_TIMEOUT", default=5)
    # Bounded waits: a database that refuses, or accepts and never answers, costs a
    # request DB_CONNECT_TIMEOUT seconds and a 503, not a hang; a runaway query is
    # cancelled by the server after DB_STATEMENT_TIMEOUT_MS (0: no limit).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": DB_CONNECT_TIMEOUT,
            "options": f"-c statement_timeout={env.int('DB_STATEMENT_TIMEOUT_MS', default=30000)}",
        }
    )
    # Under ASGI every request runs in a thread of its own, so a connection per thread
    # is a connection per request (and CONN_MAX_AGE strands them until the server's
    # limit is hit: measured, 2 processes x 20 clients exhausted 100). A pool shares
    # DB_POOL_MAX_SIZE connections per process instead; 0 turns it off.
    DB_POOL_MAX_SIZE = env.int("DB_POOL_MAX_SIZE", default=8)
    if DB_POOL_MAX_SIZE > 0:
        if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
            # Django's backend, whose pool drops all its dead connections at the first one found
            # (sora_social/postgresql/base.py): a quiet restart of the server costs no request.
            DATABASES["default"]["ENGINE"] = "sora_social.postgresql"
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps them; Django must not
        # With the pool, this makes it check a connection (one round trip) before handing
        # it out: after the server restarts the pool's old connections are dead, and
        # without the check every request got one and answered 503 until the app restarted.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": 1,
            "max_size": DB_POOL_MAX_SIZE,
            "timeout": DB_CONNECT_TIMEOUT,
            # While the server is down the pool retries with a doubling back-off; by default it
            # keeps at it for 5 minutes, so after a 10 s outage its next try could be 8 s away and
            # requests answered 503 well after the server was back. Giving up a round after
            # DB_CONNECT_TIMEOUT lets the next waiting request start a new one at once.
            "reconnect_timeout": DB_CONNECT_TIMEOUT,
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Redis: Celery, Channels and the cache move together --------------------

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="sora"),
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 times reads out after 5 s by default, the same 5 s that
                # channels_redis blocks in BZPOPMIN: an idle socket's receive loop died.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30}],
                "prefix": env.str("CHANNEL_LAYER_PREFIX", default="sora"),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A render that dies with its worker goes back to the queue instead of being
# lost; tasks are written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=660)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "generation.tasks.*": {"queue": "generation"},
    "generation.sweep": {"queue": "default"},
    "generation.verify_clip": {"queue": "default"},
}
# Publishing waits at most this long for the broker; a job it cannot take waits in
# its table for the sweep (generation/services/outbox.py) instead of failing the request.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Redis redelivers an unacknowledged task after this many seconds; it must
# exceed the longest task or a slow render would run twice in parallel.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 60),
    "socket_connect_timeout": 2,
}
# The generation outbox: a worker beats every quarter of STALE_AFTER; a running job
# silent longer is re-queued by the sweep (a SIGKILLed worker's job runs again
# within STALE_AFTER + SWEEP_EVERY); a queued job handed over REDELIVER_AFTER ago and
# never picked up is sent again (a broker without persistence lost it).
SORA_GENERATION_SWEEP_EVERY = env.float("SORA_GENERATION_SWEEP_EVERY", default=10.0)
SORA_GENERATION_STALE_AFTER = env.float("SORA_GENERATION_STALE_AFTER", default=30.0)
SORA_GENERATION_REDELIVER_AFTER = env.float("SORA_GENERATION_REDELIVER_AFTER", default=300.0)
SORA_GENERATION_SEND_GRACE = 5.0  # seconds between a job's commit and its first send
# The feed's knobs (feed/conf.py reads them; docs/feed.md says what each does).
SORA_FEED_PAGE_SIZE = env.int("SORA_FEED_PAGE_SIZE", default=20)
SORA_FEED_DAILY_LIMIT = env.int("SORA_FEED_DAILY_LIMIT", default=0)  # adults: 0 is no cap
SORA_FEED_CHECKIN_AFTER = env.int("SORA_FEED_CHECKIN_AFTER", default=60)
SORA_FEED_SESSION_GAP_S = env.int("SORA_FEED_SESSION_GAP_S", default=20 * 60)
SORA_FEED_CALM_HOURS = env.int("SORA_FEED_CALM_HOURS", default=3)
SORA_FEED_SEEN_DAYS = env.int("SORA_FEED_SEEN_DAYS", default=14)
SORA_FEED_FRESH_DAYS = env.int("SORA_FEED_FRESH_DAYS", default=14)
SORA_FEED_INDEX_DIR = env.str("SORA_FEED_INDEX_DIR", default="")  # empty: MEDIA_ROOT/var/feed-index
SORA_FEED_HNSW_MIN = env.int("SORA_FEED_HNSW_MIN", default=5000)
SORA_FEED_INDEX_CHECK_S = env.float("SORA_FEED_INDEX_CHECK_S", default=5.0)
SORA_FEED_STEERING_PARSER = env.str("SORA_FEED_STEERING_PARSER", default="embedded")  # or "llm"
SORA_FEED_STEERING_MODEL_PATH = env.str("SORA_FEED_STEERING_MODEL_PATH", default="")
# Per-viewer ranked pools (feed/pool.py), in the cache (Redis; local memory embedded).
SORA_FEED_POOL_SIZE = env.int("SORA_FEED_POOL_SIZE", default=200)
SORA_FEED_POOL_MAX_AGE_S = env.int("SORA_FEED_POOL_MAX_AGE_S", default=60)
SORA_FEED_POOL_TTL_S = env.int("SORA_FEED_POOL_TTL_S", default=24 * 3600)
SORA_FEED_POOL_ACTIVE_S = env.int("SORA_FEED_POOL_ACTIVE_S", default=10 * 60)
SORA_FEED_INDEX_REBUILD_EVERY = env.float("SORA_FEED_INDEX_REBUILD_EVERY", default=900.0)
# Published videos the indexing task never reached (the broker was down) are labelled and
# indexed by this catch-up: the bound on how late a new video reaches the feed's index.
SORA_FEED_CATCH_UP_EVERY = env.float("SORA_FEED_CATCH_UP_EVERY", default=30.0)
CELERY_BEAT_SCHEDULE = {
    "generation-sweep": {"task": "generation.sweep", "schedule": SORA_GENERATION_SWEEP_EVERY},
    "feed-index-rebuild": {"task": "feed.index_rebuild", "schedule": SORA_FEED_INDEX_REBUILD_EVERY},
    "feed-catch-up": {"task": "feed.videos_backfill", "schedule": SORA_FEED_CATCH_UP_EVERY},
    "feed-pools": {"task": "feed.pools_refresh_active", "schedule": float(SORA_FEED_POOL_MAX_AGE_S)},
    "pictures-sweep": {"task": "generation.pictures_sweep", "schedule": 3600.0},
}

# --- Auth, API --------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SORA_AUTH_THROTTLE_RATE = env.str("SORA_AUTH_THROTTLE_RATE", default="20/min")
# Failed logins per username, from any address; the name unlocks when the window ends.
SORA_LOGIN_FAILURE_RATE = env.str("SORA_LOGIN_FAILURE_RATE", default="10/hour")
# POST /verify (no account needed): checks per client address, and the largest upload.
SORA_VERIFY_RATE = env.str("SORA_VERIFY_RATE", default="10/min")
SORA_VERIFY_MAX_BYTES = env.int("SORA_VERIFY_MAX_BYTES", default=50 * 2**20)
# How long POST /verify waits for a worker to read the clip before it answers 503.
SORA_VERIFY_WAIT = env.int("SORA_VERIFY_WAIT", default=20)
# Per-user limits on social writes (429 rate_limited beyond them); "kind=count/period", comma-separated.
SORA_USER_WRITE_RATES = {
    "comment": "30/min",
    "report": "30/hour",
    "follow": "60/hour",
    "message": "60/min",
    "parental_link": "10/day",
    "picture": "60/hour",  # pictures to start a video from (each is searched for faces)
    **env.dict("SORA_USER_WRITE_RATES", default={}),
}
# How many proxies of ours sit in front of the web processes and append to
# X-Forwarded-For. 0 (the default): the socket peer is the client and the
# header, which any client can write, is ignored.
SORA_TRUSTED_PROXIES = env.int("SORA_TRUSTED_PROXIES", default=0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON in; upload endpoints name MultiPartParser themselves.
    "DEFAULT_PARSER_CLASSES": ["sora_social.parsers.BoundedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "sora_social.openapi.ContractSchema",
    "DEFAULT_PAGINATION_CLASS": "sora_social.pagination.CursorPage",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "sora_social.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=30)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=30)),
    "SIGNING_KEY": SECRET_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "UPDATE_LAST_LOGIN": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "sora-social API",
    "DESCRIPTION": "The client contract of sora-social (docs/api.md in the repository has the rules, "
    "the WebSocket events and the error codes). Every 4xx and 5xx body is {error, detail, ...}; "
    "429 and 503 carry Retry-After.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "sora_social.openapi.postprocess",
    ],
    # The docs UI's assets ship in a package: nothing is fetched from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "TopicEnum": "feed.topics.TOPICS",
        "DmPolicyEnum": "accounts.models.DMPolicy",
        "DmCeilingEnum": "parental.models.DMCeiling",
    },
}

# --- Product rules ----------------------------------------------------------

SORA_INVITES_REQUIRED = env.bool("SORA_INVITES_REQUIRED", default=False)
SORA_INVITES_PER_USER = env.int("SORA_INVITES_PER_USER", default=4)
SORA_MIN_AGE = 13
SORA_ADULT_AGE = 18

# --- Static and media -------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))

STORAGES = {
    # Any storage backend works (e.g. "storages.backends.s3.S3Storage" from
    # django-storages, configured by its own AWS_* variables).
    "default": {"BACKEND": env.str("MEDIA_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SORA_MEDIA_URL_TTL = env.int("SORA_MEDIA_URL_TTL", default=3600)

# C2PA signing. With neither path set, a development CA and leaf are made under
# C2PA_CERT_DIR on first use (shared by every worker when the directory is).
# With them set, they are used as they are and never generated.
C2PA_CERT_DIR = env.str("C2PA_CERT_DIR", default=str(VAR_DIR / "c2pa"))
C2PA_SIGN_CERT_PATH = env.str("C2PA_SIGN_CERT_PATH", default="")
C2PA_PRIVATE_KEY_PATH = env.str("C2PA_PRIVATE_KEY_PATH", default="")
C2PA_TSA_URL = env.str("C2PA_TSA_URL", default="")

# --- HTTPS, for a deployment behind a TLS-terminating proxy (docs/deploy.md) ----

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# Load balancers probe over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    # Only behind a proxy that sets X-Forwarded-Proto itself and strips the client's.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

SORA_TEEN_FEED_DAILY_LIMIT = env.int("SORA_TEEN_FEED_DAILY_LIMIT", default=100)
SORA_TEEN_GENERATION_DAILY_LIMIT = env.int("SORA_TEEN_GENERATION_DAILY_LIMIT", default=10)
SORA_GENERATION_DAILY_LIMIT = env.int("SORA_GENERATION_DAILY_LIMIT", default=30)
SORA_GENERATION_MAX_ACTIVE = env.int("SORA_GENERATION_MAX_ACTIVE", default=2)
SORA_GENERATION_STEPS = env.int("SORA_GENERATION_STEPS", default=0)  # 0: the model's default
SORA_REMIX_STRENGTH = env.float("SORA_REMIX_STRENGTH", default=0.9)
SORA_MODEL_CHECKPOINT = env.str("SORA_MODEL_CHECKPOINT", default="")
# Which model renders (generation/backends.py): the in-tree DiT, or an open-weight
# text-to-video pipeline saved for diffusers in the folder SORA_MODEL_CHECKPOINT names.
SORA_MODEL_BACKEND = env.str("SORA_MODEL_BACKEND", default="in-tree")
if SORA_MODEL_BACKEND not in ("in-tree", "diffusers"):
    raise ImproperlyConfigured(f"SORA_MODEL_BACKEND must be in-tree or diffusers, not {SORA_MODEL_BACKEND!r}")
if SORA_MODEL_BACKEND == "diffusers" and not SORA_MODEL_CHECKPOINT:
    raise ImproperlyConfigured("SORA_MODEL_BACKEND=diffusers needs SORA_MODEL_CHECKPOINT, the pipeline's folder")
# How the policy's multilingual encoder runs (moderation/policy/e5.py reads the same variable):
# "blocks", its 4-bit weights as shipped, or "int8", two to three times faster (docs/benchmarks.md).
SORA_E5_ENGINE = env.str("SORA_E5_ENGINE", default="blocks")
if SORA_E5_ENGINE not in ("blocks", "int8"):
    raise ImproperlyConfigured(f"SORA_E5_ENGINE must be blocks or int8, not {SORA_E5_ENGINE!r}")
SORA_DIFFUSERS_SHORT_SIDE = env.int("SORA_DIFFUSERS_SHORT_SIDE", default=480)  # native frames, pixels
SORA_DIFFUSERS_FPS = env.int("SORA_DIFFUSERS_FPS", default=16)
SORA_DIFFUSERS_STEPS = env.int("SORA_DIFFUSERS_STEPS", default=30)
SORA_DIFFUSERS_GUIDANCE = env.float("SORA_DIFFUSERS_GUIDANCE", default=5.0)
SORA_CAMEO_CHALLENGE_TTL = env.int("SORA_CAMEO_CHALLENGE_TTL", default=600)
SORA_CAMEO_CAPTURE_MAX_BYTES = env.int("SORA_CAMEO_CAPTURE_MAX_BYTES", default=20 * 2**20)
SORA_CAMEO_IMAGE_MAX_BYTES = env.int("SORA_CAMEO_IMAGE_MAX_BYTES", default=10 * 2**20)
SORA_GENERATION_IMAGE_MAX_BYTES = env.int("SORA_GENERATION_IMAGE_MAX_BYTES", default=10 * 2**20)
# Uploaded pictures (image to video) are deleted this many days after upload, once no job waits on them.
SORA_PICTURE_KEEP_DAYS = env.int("SORA_PICTURE_KEEP_DAYS", default=30)
# Uploads above this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 2**20
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 2**20
