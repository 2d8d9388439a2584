"""Settings shared by every environment. Everything that differs between the embedded default
(SQLite, immediate tasks) and a deployment at scale (PostgreSQL, Redis, RQ workers) is read
from the environment; see `.env.example` and the README."""

import base64
import hashlib
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer's .env file, if any; real deployments set the environment itself.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Project apps, lowest layer first (see docs/architecture.md).
    "accounts",
    "progress",
    "h5p",
    "courses",
    "quizzes",
    "schools",
    "certificates",
    "elearning",
    # Wagtail
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Tasks
    "django_tasks",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "elearning.csp.PolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise, which answers static files (precompressed) before this is reached.
    "elearning.middleware.CompressPagesMiddleware",
    "h5p.middleware.H5PContentOriginMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "elearning.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "elearning.middleware.StaffTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# What a page may ask of the device, for every response (django-permissions-policy): nothing, but
# full screen and autoplay for the site's own frames (an H5P activity's full-screen button, an
# interactive video). No camera, microphone or location: a child's page never needs them, and an
# uploaded H5P package runs script in the site's origin. Referrer-Policy and
# Cross-Origin-Opener-Policy are Django's own (SecurityMiddleware), set explicitly here.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "ambient-light-sensor": [],
    "autoplay": ["self"],
    "bluetooth": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "fullscreen": ["self"],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "picture-in-picture": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

ROOT_URLCONF = "elearning.urls"
CSRF_FAILURE_VIEW = "elearning.views.errors.csrf_failure"
WSGI_APPLICATION = "elearning.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "elearning" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite by default. WAL lets readers work while one writer writes; IMMEDIATE takes the write
# lock when a transaction starts, so concurrent writers queue behind the busy timeout instead
# of failing with "database is locked" when a read lock cannot be upgraded (measured: with
# Django's DEFERRED default a concurrent score endpoint failed 22-52 % of requests).
SQLITE_OPTIONS = {
    "init_command": ("PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"),
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Seconds; a database host that does not answer gives a 503 page, not a hung worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ---------------------------------------------------------------------
# Rate limits live in the cache, so it must be shared by every worker process: the database by
# default, Redis at scale, never per-process memory. A Redis outage makes the cache a miss, not
# a 500 (elearning.cache says what then fails open and why). Sessions are in the database in
# both ways of running, so that a Redis outage never signs anyone out.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "elearning.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "elearning",
            # Seconds; an unreachable host must not hold a request for the OS's two minutes.
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=0.5),
                "socket_timeout": env.float("REDIS_TIMEOUT", default=1.0),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }
# Template fragments ({% cache %}) are keyed by the content version (courses.cache), which every
# change of content replaces: each process keeps its own, with no round trip to Redis and no
# fragment that could outlive a change.
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "template-fragments",
    "TIMEOUT": 60 * 60,
    "OPTIONS": {"MAX_ENTRIES": 2000},
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Tasks ----------------------------------------------------------------------------------
# "immediate" runs a task in the request that enqueues it; "rq" hands it to RQ workers on Redis
# (`python manage.py taskworker`).
TASKS_BACKEND = env("TASKS_BACKEND", default="immediate")
TASK_QUEUES = ["interactive", "default"]
if TASKS_BACKEND == "rq":
    if not REDIS_URL:
        raise environ.ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL.")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    # A Redis host that does not answer fails an enqueue within seconds (the callers then fall
    # back: elearning.mail sends in the request, a certificate's PDF is drawn on download). RQ's
    # worker raises its own socket timeout above its blocking wait for jobs.
    _separator = "&" if "?" in REDIS_URL else "?"
    # "interactive": what someone is waiting for (a certificate's PDF, an e-mail); workers take
    # it before "default" (search indexing and other bulk work), see `manage.py taskworker`.
    _queue = {"URL": f"{REDIS_URL}{_separator}socket_connect_timeout=0.5&socket_timeout=5", "DEFAULT_TIMEOUT": 600}
    RQ_QUEUES = dict.fromkeys(TASK_QUEUES, _queue)
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": TASK_QUEUES}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": TASK_QUEUES}}
else:
    raise environ.ImproperlyConfigured(f"TASKS_BACKEND must be 'immediate' or 'rq', not {TASKS_BACKEND!r}.")

# How long the audit log of staff actions on children's data is kept (schools.audit), in days:
# two school years, long enough to answer a family's question about last year.
AUDIT_LOG_DAYS = env.int("AUDIT_LOG_DAYS", default=730)
# How long a pupil's "I want to talk" request is kept after the adult marked it handled, in days
# (schools.TalkRequest; purge_talk_requests deletes it): the platform rings the bell, the school's
# safeguarding record keeps the case. Long enough to follow up, short enough to hold little.
TALK_REQUEST_DAYS = env.int("TALK_REQUEST_DAYS", default=30)

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# Where a pupil signs in (class code, name, picture or PIN): lessons for children link here.
PUPIL_LOGIN_URL = "schools:signin"
# Where a teacher lands after signing in or confirming their e-mail, with no page asked for.
TEACHER_HOME_URL = "schools:staff_home"
LOGIN_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_DISPLAY = "accounts.adapter.user_display"
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# allauth's default rate limits (ACCOUNT_RATE_LIMITS) stay on; they count in the shared cache
# above. A settings test guards that nobody turns them off.

# Pupils sign in with their class code, their name and a picture password or PIN
# (accounts.credentials): the secret is an HMAC under this key (by default derived from
# SECRET_KEY; set it to keep cards valid when SECRET_KEY rotates). Wrong tries in a row before a
# pupil is locked out until their teacher resets them (a right try does not clear them):
PUPIL_CREDENTIAL_KEY = env("PUPIL_CREDENTIAL_KEY", default="")
PUPIL_SIGNIN_MAX_FAILURES = env.int("PUPIL_SIGNIN_MAX_FAILURES", default=5)
# Wrong pictures or PINs in one class in an hour before its sign-in pauses for everyone until the
# teacher taps "Unlock them all" (schools.signin_limits).
PUPIL_SIGNIN_MAX_FAILURES_PER_CLASS = env.int("PUPIL_SIGNIN_MAX_FAILURES_PER_CLASS", default=60)
# Wrong class codes one IP address may type in 10 minutes and in a day; beyond either, every code
# typed there is refused, the right one too, so the limit tells a guesser nothing (a whole class
# behind one school IP types the right code; a teacher there lifts it with one tap).
CLASS_CODE_MAX_FAILURES_PER_IP = env.int("CLASS_CODE_MAX_FAILURES_PER_IP", default=30)
CLASS_CODE_MAX_FAILURES_PER_IP_PER_DAY = env.int("CLASS_CODE_MAX_FAILURES_PER_IP_PER_DAY", default=200)
# Pupils share phones and tablets: their sessions last this long (adults keep Django's default).
PUPIL_SESSION_SECONDS = env.int("PUPIL_SESSION_SECONDS", default=4 * 60 * 60)
# Work a pupil did offline (a finished lesson, an H5P activity, a quiz) is sent when the device is
# online again, for that pupil only: with the offline pass the site signed for them (accounts.offline),
# or the quiz form's own token, accepted this many days after the site signed it.
OFFLINE_PASS_DAYS = env.int("OFFLINE_PASS_DAYS", default=7)
# Behind a reverse proxy every request comes from the proxy's address: tell allauth (and so the
# per-IP limits, pupils' class codes included) how many proxies set X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Certificate look-ups (/certificates/verify/<code>/) one IP address may make in a minute.
CERTIFICATE_VERIFY_PER_MINUTE = env.int("CERTIFICATE_VERIFY_PER_MINUTE", default=30)

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="An toàn trên mạng")

# Mail is rendered in the request and delivered by a task (elearning.mail) through the backend
# that EMAIL_URL names: smtp+tls://user:password@host:587, or consolemail:// for development.
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
EMAIL_DELIVERY_BACKEND = EMAIL_CONFIG.pop("EMAIL_BACKEND")
globals().update(EMAIL_CONFIG)
EMAIL_BACKEND = "elearning.mail.TaskEmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="An toàn trên mạng <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Certificate PDFs and exports: outside MEDIA_ROOT, never served as public media (a shared volume,
# or another private storage, when workers and web servers are different machines).
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")
PRIVATE_STORAGE = {
    "BACKEND": "certificates.storage.PrivateFileSystemStorage",
    "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
}
H5P_ROOT = env.path("H5P_ROOT", default=BASE_DIR / "h5p-files")
H5P_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(H5P_ROOT)},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": PRIVATE_STORAGE,
    # Extracted H5P packages (h5p/<sha256>/...): any Django storage, e.g. S3 through
    # django-storages. Not under MEDIA_ROOT: only the site's H5P view serves them, with its
    # headers (a web server serving /media/ would not add them).
    "h5p": H5P_STORAGE,
}
# The H5P player (npm's h5p-standalone, installed by `make setup`) is served as static files.
STATICFILES_DIRS = [("h5p-standalone", BASE_DIR / "node_modules" / "h5p-standalone" / "dist")]
# Uploads stay small enough to hold in memory on a 2-core, shared server.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- H5P --------------------------------------------------------------------------------------
# An uploaded .h5p package larger than this is refused before it is read.
H5P_MAX_UPLOAD_MB = env.int("H5P_MAX_UPLOAD_MB", default=50)
# Serve the packages' files from another origin (e.g. "https://h5p.example.org", a host name
# that points at this same application and is listed in ALLOWED_HOSTS, which then serves
# nothing else), with a strict Content-Security-Policy and no cookies of the site, so that a
# package's file opened directly can do nothing. It does not isolate the player: h5p-standalone
# runs a package's scripts in the page's own origin, so an uploaded package is trusted code.
# Empty: the site's own origin.
H5P_CONTENT_ORIGIN = env("H5P_CONTENT_ORIGIN", default="").rstrip("/")
# The H5P core API that the pinned player (h5p-standalone 3.8) provides: a library whose
# library.json asks for a newer one is refused. Its core has H5P.OfflineRequestQueue, which
# came with core API 1.24.
H5P_PLAYER_CORE_API = (1, 24)
# xAPI: the site's canonical address, under which activities are named and learners' accounts
# live (never the address a request came to; empty: WAGTAILADMIN_BASE_URL); the key that makes
# a learner's account name (an HMAC of their id: it cannot be reversed or matched outside the
# site; changing it changes every learner's name in a Learning Record Store).
XAPI_BASE_URL = env("XAPI_BASE_URL", default="")
XAPI_ACTOR_KEY = env("XAPI_ACTOR_KEY", default="") or f"xapi-actor:{SECRET_KEY}"
# Statements one learner's players may send in a minute (a question set sends a few per answer).
H5P_STATEMENTS_PER_MINUTE = env.int("H5P_STATEMENTS_PER_MINUTE", default=120)
# The largest xAPI statement and saved player state the site accepts, in bytes.
H5P_STATEMENT_MAX_BYTES = env.int("H5P_STATEMENT_MAX_BYTES", default=16 * 1024)
H5P_STATE_MAX_BYTES = env.int("H5P_STATE_MAX_BYTES", default=64 * 1024)
# A Learning Record Store that kept statements are forwarded to (h5p.lrs): its xAPI base, e.g.
# "https://lrs.example.org/xapi/" (statements go to <endpoint>statements), and the key and secret
# of its HTTP Basic auth. Empty: nothing leaves the site. A statement the LRS has not taken after
# LRS_MAX_ATTEMPTS tries becomes a dead letter (Reports in the admin); each try waits at most
# LRS_TIMEOUT_SECONDS for the LRS (with immediate tasks, inside a learner's request).
LRS_ENDPOINT = env("LRS_ENDPOINT", default="")
LRS_KEY = env("LRS_KEY", default="")
LRS_SECRET = env("LRS_SECRET", default="")
LRS_MAX_ATTEMPTS = env.int("LRS_MAX_ATTEMPTS", default=8)
LRS_TIMEOUT_SECONDS = env.float("LRS_TIMEOUT_SECONDS", default=3.0)

# --- Content-Security-Policy (django-csp; elearning/csp.py picks one of these per response) ----
# Video hosts a lesson's video block may frame (Wagtail embeds from YouTube or Vimeo).
CSP_VIDEO_FRAME_HOSTS = env.list(
    "CSP_VIDEO_FRAME_HOSTS",
    default=["https://www.youtube-nocookie.com", "https://www.youtube.com", "https://player.vimeo.com"],
)
# Pictures and uploads served from elsewhere (a CDN or S3 bucket in front of MEDIA_URL).
CSP_MEDIA_HOSTS = env.list("CSP_MEDIA_HOSTS", default=[])
_H5P_FILES = [H5P_CONTENT_ORIGIN] if H5P_CONTENT_ORIGIN else []
# Every page of the site: nothing inline, nothing evaluated, nothing from elsewhere but videos
# in frames and, with H5P_CONTENT_ORIGIN, the packages' files that "Save on this device"
# fetches (connect-src). A page may be framed by no one (clickjacking); forms post only to the
# site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        # The service worker (/sw.js, elearning.views.service_worker): said outright rather than
        # left to fall back on script-src.
        "worker-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *CSP_MEDIA_HOSTS],
        "font-src": ["'self'"],
        "media-src": ["'self'", *CSP_MEDIA_HOSTS],
        "connect-src": ["'self'", *_H5P_FILES],
        "frame-src": ["'self'", *CSP_VIDEO_FRAME_HOSTS],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}


# The H5P player's own document (h5p/views.py, `h5p_player`), framed by the lesson. An
# H5P package is other people's code; its document gets only what real content types need:
# - script-src: the player and the package's libraries (from the site, or H5P_CONTENT_ORIGIN),
#   and one inline script by its hash: h5p-standalone writes the content's frame with
#   `document.write`, ending in this fixed line, and that frame inherits this policy.
#   No 'unsafe-inline' and no 'unsafe-eval' for scripts.
# - style-src 'unsafe-inline': H5P's core and its content types build markup with style
#   attributes (sizes, positions of draggables, progress bars); without it they lay out broken.
#   Styles cannot run script, and the document shows nothing of the site's.
# - img, media and font from the package (and data:/blob:, which content types make of pictures
#   and recordings); connect-src for the package's JSON and the learner's state and statements.
# - frame-src 'self': the content's own frame (about:blank, written by the player).
# - frame-ancestors 'self': only the site's lessons may frame it.
def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


H5P_PLAYER_INLINE_SCRIPT = (
    "H5PIntegration = window.parent.H5PIntegration; var H5P = H5P || {}; H5P.externalEmbed = false;"
)
CONTENT_SECURITY_POLICY_H5P_PLAYER = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'", *_H5P_FILES, f"'sha256-{_sha256(H5P_PLAYER_INLINE_SCRIPT)}'"],
        "style-src": ["'self'", *_H5P_FILES, "'unsafe-inline'"],
        "img-src": ["'self'", *_H5P_FILES, "data:", "blob:", *CSP_MEDIA_HOSTS],
        "media-src": ["'self'", *_H5P_FILES, "data:", "blob:"],
        "font-src": ["'self'", *_H5P_FILES, "data:"],
        "connect-src": ["'self'", *_H5P_FILES],
        "frame-src": ["'self'"],
        "form-action": ["'none'"],
        "frame-ancestors": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
# What some packages' libraries need beyond that, given only to a player of such a package
# (H5PActivity.player_needs), found by playing real published packages (docs/security.md):
# - "eval": EmbeddedJS 1.0, loaded by H5P.QuestionSet 1.x, compiles its templates with
#   `new Function`; without 'unsafe-eval' a question set shows nothing.
# - "youtube": H5P.Video plays a YouTube source through YouTube's iframe API (a script from
#   www.youtube.com that frames the video and shows its thumbnails).
CONTENT_SECURITY_POLICY_H5P_PLAYER_NEEDS = {
    "eval": {"script-src": ["'unsafe-eval'"]},
    "youtube": {
        "script-src": ["https://www.youtube.com"],
        "frame-src": ["https://www.youtube.com", "https://www.youtube-nocookie.com"],
        "img-src": ["https://i.ytimg.com"],
    },
}
# The Wagtail admin: the site's policy plus what Wagtail's editing screens need, measured by the
# admin's browser journeys (tests/browser/test_admin.py, which fail on any violation). Wagtail 8
# is not yet written for a strict policy (wagtail/wagtail#7053); the admin is for staff with two
# factors, and shows no markup written by learners.
# - script-src 'unsafe-inline': the explorer and the StreamField's blocks carry inline scripts
#   (some inserted with the block's markup by jQuery); no 'unsafe-eval';
# - style-src 'unsafe-inline': Wagtail's templates and widgets write style attributes;
# - img-src blob:: the upload previews of images and documents;
# - frame-ancestors 'self': the live preview panel frames the admin's own preview of a page.
_SITE_POLICY = CONTENT_SECURITY_POLICY["DIRECTIVES"]
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **_SITE_POLICY,
        "script-src": [*_SITE_POLICY["script-src"], "'unsafe-inline'"],
        "style-src": [*_SITE_POLICY["style-src"], "'unsafe-inline'"],
        "img-src": [*_SITE_POLICY["img-src"], "blob:"],
        "frame-ancestors": ["'self'"],
    }
}

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "An toàn trên mạng"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
# The public address printed on certificates (text and QR code) for their verification page.
CERTIFICATE_VERIFY_BASE_URL = env("CERTIFICATE_VERIFY_BASE_URL", default=WAGTAILADMIN_BASE_URL)
# The public address under the family page's QR code on the classroom kit (empty: the request's).
FAMILY_PAGE_BASE_URL = env("FAMILY_PAGE_BASE_URL", default=WAGTAILADMIN_BASE_URL)
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "pptx", "xlsx", "txt"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No Gravatar: it would send a hash of each editor's e-mail to another company with every admin
# page (and the admin's Content-Security-Policy allows no outside pictures). Initials instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# The curriculum's illustrations are SVG drawings; Wagtail serves them unchanged (preserve-svg).
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "svg"]

# --- Courses --------------------------------------------------------------------------------
# Where the quick-exit button of a sensitive lesson goes: a neutral page that says nothing
# about what the learner was reading.
QUICK_EXIT_URL = env("QUICK_EXIT_URL", default="https://www.google.com.vn/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"database_unavailable": {"()": "elearning.logging.DatabaseUnavailableFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # A database outage answers 503 and is logged as one line per request, not a traceback.
        "django.request": {"filters": ["database_unavailable"]},
        "django.db.backends": {"level": "WARNING"},
        # One line per task and per page action is noise at INFO.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        # WeasyPrint narrates every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# `manage.py load_demo` creates the demo accounts (known passwords) only where this is on.
DEMO_ACCOUNTS = env.bool("DEMO_ACCOUNTS", default=False)
