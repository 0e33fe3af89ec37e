"""
Settings for samen: one module, driven by environment variables (django-environ).

Every variable is documented here where it is read and in `.env.example`.
`SAMEN_ENV` says where we run: `production` (the default: fail safe), `development`
(`make demo`) or `test` (`make test`). Production refuses unsafe settings at start-up.
"""

from datetime import date, timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is read when present (never committed); real environment wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# SAMEN_ENV: production | development | test. Default production, so that a forgotten
# variable fails loudly instead of running a government system in debug mode.
ENVIRONMENT = env.str("SAMEN_ENV", default="production")
if ENVIRONMENT not in {"production", "development", "test"}:
    raise ImproperlyConfigured(
        f"SAMEN_ENV must be production, development or test, not {ENVIRONMENT!r}."
    )
IS_PRODUCTION = ENVIRONMENT == "production"

# The key used when none is configured. Production refuses to start with it.
DEVELOPMENT_SECRET_KEY = "development-only-insecure-key-never-use-in-production"  # noqa: S105

# SECRET_KEY: a long random string of your own (50+ characters, not one from .env.example or
# the docs); required in production.
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
# DEBUG: true only on a developer's machine.
DEBUG = env.bool("DEBUG", default=ENVIRONMENT == "development")
# ALLOWED_HOSTS: comma-separated host names this site answers to.
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
# CSRF_TRUSTED_ORIGINS: comma-separated origins (https://samen.example.nl) behind a proxy.
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])


# Files in the repository that show example keys; a key found in any of them is public.
PUBLISHED_FILES = [".env.example", "README.md", "docker-compose.yml", "docs"]


def secret_key_is_published(secret_key: str) -> bool:
    """Does the key appear in the repository's examples or documentation?"""
    for name in PUBLISHED_FILES:
        path = BASE_DIR / name
        files = sorted(path.rglob("*.md")) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and secret_key in file.read_text(encoding="utf-8", errors="ignore"):
                return True
    return False


def check_production_safety(*, environment, debug, secret_key, allowed_hosts):
    """Raise ImproperlyConfigured when a production configuration is unsafe."""
    if environment != "production":
        return
    problems = []
    if debug:
        problems.append("DEBUG is on")
    if (
        not secret_key
        or secret_key == DEVELOPMENT_SECRET_KEY
        or len(secret_key) < 50
        or len(set(secret_key)) < 5
    ):
        problems.append(
            "SECRET_KEY is missing, the development key, shorter than 50 characters or too "
            "simple (generate one: python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    elif secret_key_is_published(secret_key):
        problems.append(
            "SECRET_KEY is one published in .env.example or the documentation: generate your own"
        )
    if not allowed_hosts:
        problems.append("ALLOWED_HOSTS is empty")
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start in production: " + "; ".join(problems) + ". "
            "Set the variables (see .env.example), or SAMEN_ENV=development for local work."
        )


check_production_safety(
    environment=ENVIRONMENT, debug=DEBUG, secret_key=SECRET_KEY, allowed_hosts=ALLOWED_HOSTS
)

# The admin shows who changed what; reverting to an old version is not offered (audit trail).
SIMPLE_HISTORY_REVERT_DISABLED = True

INSTALLED_APPS = [
    "samen.apps.SamenAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "two_factor",
    "axes",
    "mozilla_django_oidc",
    "drf_spectacular",
    "django_htmx",
    "simple_history",
    "samen",
    "referrals",
    "intake",
    "triage",
    "trajectories",
    "plans",
    "indications",
    "openhouse",
    "reporting",
    "audit",
    "accounts",
    "outbox",
    "ijw",
    "rights",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (SECURE_CSP below).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samen.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a second factor (django-otp's, its device
    # read with one plain statement).
    "accounts.middleware.SecondFactorMiddleware",
    # A NUL byte in the query string: the 400 page, before any view or query sees it.
    "samen.middleware.UnusableQueryMiddleware",
    # Every page needs a login, except views marked @login_not_required (login, /health/).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Signed in too long or idle too long: signed out (SESSION_IDLE_MINUTES, SESSION_MAX_HOURS).
    "accounts.middleware.SessionTimeoutMiddleware",
    # Signed in without a second factor: only the pages that set one up (accounts/mfa.py).
    "accounts.middleware.TwoFactorRequiredMiddleware",
    # Cache-Control: no-store, private on every page (static files are served before this).
    "accounts.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a locked-out login into the lockout page (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "samen.urls"
WSGI_APPLICATION = "samen.wsgi.application"
ASGI_APPLICATION = "samen.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "samen.context_processors.navigation",
            ],
        },
    },
]

# DATABASE_URL: postgres://user:password@host:5432/name (psycopg 3). Required everywhere:
# production, the tests and the demo, all on PostgreSQL (exclusion constraints need it).
# `make demo` without it starts an embedded PostgreSQL in var/pgdata and sets it itself.
if not env.str("DATABASE_URL", default=""):
    raise ImproperlyConfigured(
        "DATABASE_URL is required: a PostgreSQL server, e.g. "
        "postgres://postgres@127.0.0.1:5432/samen. For a demo on an embedded PostgreSQL "
        "run `make demo`, which sets DATABASE_URL itself."
    )
DATABASES = {"default": env.db_url("DATABASE_URL")}
if DATABASES["default"].get("ENGINE") != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "DATABASE_URL must point to PostgreSQL (postgres://...): samen runs on PostgreSQL only."
    )
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
# No JIT compilation: PostgreSQL compiles a query whose estimated cost passes jit_above_cost,
# and for the reports' GROUP BYs with EXISTS (help too light?) that took 2.5 s of a 2.6 s
# query on a 2-core machine; no query of ours runs long enough to win it back
# (docs/decisions.md 110).
DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
# Persistent connections; checked before reuse so a restarted server is survived.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# REDIS_URL: redis://host:6379/0, the Celery broker, result backend and the cache.
# Required in production and for the tests; without it the demo runs jobs in-process.
REDIS_URL = env.str("REDIS_URL", default="")
if not REDIS_URL and ENVIRONMENT != "development":
    raise ImproperlyConfigured(
        "REDIS_URL is required (Celery broker and cache), e.g. redis://127.0.0.1:6379/0."
    )

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "samen",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery (samen/celery.py reads every CELERY_* setting) ---
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
# Without a broker (the demo), jobs run in-process at once.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A job is acknowledged only when it has finished: a worker killed mid-run leaves it
# on the queue for another worker. Jobs are idempotent, so a rerun is safe.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker host that does not answer must not hold a request (the outbox hands messages to
# the broker after commit): give up connecting after 2 seconds.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}
CELERY_TIMEZONE = env.str("TIME_ZONE", default="Europe/Amsterdam")
CELERY_ENABLE_UTC = True
# The scheduled jobs (Celery beat), daily early in the morning (TIME_ZONE). Each also runs
# as a management command; each records its runs (JobRun), shown by /health/ and the admin.
CELERY_BEAT_SCHEDULE: dict = {
    "flag-expiring-indications": {
        "task": "indications.flag_expiring",
        "schedule": crontab(hour=5, minute=30),
    },
    "end-indications": {"task": "indications.end", "schedule": crontab(hour=5, minute=45)},
    "check-end-evaluations": {
        "task": "indications.check_evaluations",
        "schedule": crontab(hour=6, minute=0),
    },
    "plan-evaluations-due": {
        "task": "plans.evaluations_due",
        "schedule": crontab(hour=6, minute=15),
    },
    # Requests for allocation still undecided a working day before their deadline are
    # answered "aanvraag in onderzoek" (JW319), so the 5 working days always hold.
    "ijw-answer-deadlines": {
        "task": "ijw.answer_deadlines",
        "schedule": crontab(hour=7, minute=0),
    },
    # The reports' summary tables, counted up to yesterday (reporting/summaries.py), after
    # the indication jobs so that their ends and flags of today's night are in.
    "refresh-report-summaries": {
        "task": "reporting.refresh_summaries",
        "schedule": crontab(hour=6, minute=30),
    },
    "clear-sessions": {"task": "accounts.clear_sessions", "schedule": crontab(hour=3, minute=0)},
    # Monthly, on the 1st: the files past their retention (FILE_RETENTION_YEARS) are put
    # before the privacy officer as destruction requests; nothing is destroyed by the job.
    "rights-retention-review": {
        "task": "rights.retention_review",
        "schedule": crontab(day_of_month=1, hour=4, minute=0),
    },
    # Frequent, not recorded as job runs (samen.health.FREQUENT_TASKS): the outbox's
    # pending and due messages, runs whose process died (no heartbeat), and the figures of
    # Aflopende indicaties and the forecast's re-triages counted ahead
    # (indications.selectors.ending_count, reporting.selectors.forecast_count).
    "outbox-send-due": {"task": "outbox.send_due", "schedule": 60.0},
    "job-runs-sweep": {"task": "samen.job_runs_sweep", "schedule": 300.0},
    "count-ending-indications": {"task": "indications.count_ending", "schedule": 900.0},
    "count-forecast": {"task": "reporting.count_forecast", "schedule": 900.0},
}
# Beat runs once however many machines start it: it sends only while it holds a lock in
# Redis (samen/beat.py, decision 114). BEAT_LOCK_SECONDS: the lock's time to live; a beat
# that died is replaced by a waiting one within this time (default 60).
CELERY_BEAT_SCHEDULER = "samen.beat:SingleBeatScheduler"
BEAT_LOCK_SECONDS = env.int("BEAT_LOCK_SECONDS", default=60)
# --- National youth-care messages (ijw/, docs/ijw.md) ---
# IJW_XSD_DIR: the directory with the official iJw 3.2 schemas (JW301.xsd ... and
# basisschema.xsd), read at run time; never part of the repository or the image (mount
# it). Development and tests: ../shared/ijw beside the project.
IJW_XSD_DIR = env.path("IJW_XSD_DIR", default=BASE_DIR.parent / "shared" / "ijw")
# IJW_MUNICIPALITY_CODE: the municipality's code in the messages (CBS: Groningen 0014).
IJW_MUNICIPALITY_CODE = env.str("IJW_MUNICIPALITY_CODE", default="0014")
# IJW_DECIDE_AUTOMATICALLY: answer a request for allocation at once as the phasing table
# proposes; off (the default), the youth administration reviews every proposal first.
IJW_DECIDE_AUTOMATICALLY = env.bool("IJW_DECIDE_AUTOMATICALLY", default=False)

# --- The family's rights: retention (rights/retention.py, docs/privacy.md) ---
# FILE_RETENTION_YEARS: how long a child's file is kept (default 20: Jeugdwet art. 7.3.8,
# since 1 January 2020 "twintig jaar, te rekenen vanaf het tijdstip waarop zij zijn
# vervaardigd"). After it, the monthly job puts the file before the privacy officer, who
# approves its destruction or refuses with reasons. `manage.py check` warns below 20.
FILE_RETENTION_YEARS = env.int("FILE_RETENTION_YEARS", default=20)
# FILE_RETENTION_FROM: the moment the years count from: "last_record" (default: the date
# of the file's newest record, so every record is kept the term from its own making) or
# "end_of_help" (the end of the last help: the last closed request, ended trajectory or
# indication end). Another value: `manage.py check` warns and the job refuses to run.
FILE_RETENTION_FROM = env.str("FILE_RETENTION_FROM", default="last_record")

# --- Job runs (samen/jobs.py) ---
# JOB_HEARTBEAT_SECONDS: a running job writes a sign of life to its JobRun this often.
JOB_HEARTBEAT_SECONDS = env.int("JOB_HEARTBEAT_SECONDS", default=30)
# JOB_DEAD_AFTER_SECONDS: a run without a sign of life for this long is marked failed
# ("process died"), at the next run's start, by /health/ and by the beat every 5 minutes.
JOB_DEAD_AFTER_SECONDS = env.int("JOB_DEAD_AFTER_SECONDS", default=300)

# --- Outbox (outbox/): every e-mail is queued in the transaction that causes it ---
# OUTBOX_MAX_ATTEMPTS: attempts to send a message before it has failed for good.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=12)
# OUTBOX_RETRY_SECONDS, OUTBOX_RETRY_MAX_SECONDS: the wait after the first failed attempt,
# doubled after each next one, at most the maximum (defaults 1 minute and 6 hours: twelve
# attempts span about a day).
OUTBOX_RETRY_SECONDS = env.int("OUTBOX_RETRY_SECONDS", default=60)
OUTBOX_RETRY_MAX_SECONDS = env.int("OUTBOX_RETRY_MAX_SECONDS", default=6 * 3600)
# OUTBOX_STUCK_MINUTES: /health/ reports messages pending longer than this.
OUTBOX_STUCK_MINUTES = env.int("OUTBOX_STUCK_MINUTES", default=60)
# OUTBOX_PUBLISH_RETRIES: tries to hand a new message to the broker after commit before
# leaving it to the beat job (each connection attempt at most 2 seconds, see above).
OUTBOX_PUBLISH_RETRIES = env.int("OUTBOX_PUBLISH_RETRIES", default=1)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# --- Signing in (docs/security.md) ---
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out user and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Passwords; refuses staff when LOCAL_LOGIN_ENABLED is false (providers always may).
    "accounts.backends.LocalBackend",
    # The municipality's identity provider (OpenID Connect), only on its callback.
    "accounts.oidc.OidcBackend",
]
# --- OpenID Connect (accounts/oidc.py, docs/security.md) ---
# Staff sign in with their municipal account (Entra ID, ADFS, Keycloak): authorization code
# flow with PKCE (S256) and a nonce; the ID token's RS256 signature is checked against the
# provider's JWKS. The endpoints come from the provider's discovery document.
# OIDC_OP_ISSUER: the provider's issuer, e.g. https://login.microsoftonline.com/<tenant>/v2.0
# or https://sso.example.nl/realms/<realm>; its <issuer>/.well-known/openid-configuration
# is read and cached for an hour. Empty: no sign-in through an identity provider.
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")
# OIDC_RP_CLIENT_ID, OIDC_RP_CLIENT_SECRET: this application's registration at the provider
# (redirect URI https://<host>/oidc/callback/, after sign-out https://<host>/login/).
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
# OIDC_RP_SCOPES: the scopes asked for (space-separated).
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_TOKEN_USE_BASIC_AUTH = True  # client_secret_basic at the token endpoint
OIDC_TIMEOUT = 10  # seconds for each call to the provider
OIDC_OP_LOGOUT_URL_METHOD = "accounts.oidc.idp_logout_url"
# OIDC_ROLES_CLAIM: the claim with the user's roles or groups (Entra ID app roles: roles).
OIDC_ROLES_CLAIM = env.str("OIDC_ROLES_CLAIM", default="roles")
# OIDC_ROLE_MAP: provider value=role, comma-separated, e.g.
# samen-medewerker=wij_medewerker,samen-teamleider=wij_teamleider. Roles: wij_medewerker,
# wij_teamleider, gemeente, jeugdadministratie, privacy (never aanbieder). A user whose
# values map to no role is refused; with several, the first of samen.roles.ROLE_PRIORITY.
OIDC_ROLE_MAP = env.dict("OIDC_ROLE_MAP", default={})
# OIDC_TEAMS_CLAIM: the claim with the names of the user's WIJ teams (as in the admin); the
# user's teams follow it on every sign-in. Empty: teams are kept by hand in the admin.
OIDC_TEAMS_CLAIM = env.str("OIDC_TEAMS_CLAIM", default="")
# OIDC_MFA_AMR_VALUES, OIDC_MFA_ACR_VALUES: an `amr` value or the `acr` value that means the
# provider did multi-factor authentication (RFC 8176 "mfa"; Entra ID v1 "mfa"/"ngcmfa";
# ADFS "http://schemas.microsoft.com/claims/multipleauthn"; Keycloak: its level's acr).
OIDC_MFA_AMR_VALUES = env.list(
    "OIDC_MFA_AMR_VALUES",
    default=["mfa", "ngcmfa", "http://schemas.microsoft.com/claims/multipleauthn"],
)
OIDC_MFA_ACR_VALUES = env.list("OIDC_MFA_ACR_VALUES", default=[])
# OIDC_REQUIRE_MFA: refuse a sign-in without the provider's multi-factor authentication
# (true), or let the user add the local second factor (false).
OIDC_REQUIRE_MFA = env.bool("OIDC_REQUIRE_MFA", default=True)
# LOCAL_LOGIN_ENABLED: may staff sign in with a password? Care providers always may.
LOCAL_LOGIN_ENABLED = env.bool("LOCAL_LOGIN_ENABLED", default=True)
# API keys of providers' systems: hashed, with an expiry and a last-used date (accounts.ApiToken).
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105  (a model, not a password)
# knox's own migrations would make a table for its token model, which ours replaces.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    # API_KEY_DAYS: how long an API key works after it was made (default 180 days).
    "TOKEN_TTL": timedelta(days=env.int("API_KEY_DAYS", default=180)),
    # The header stays `Authorization: Token <key>`, as before the keys were hashed.
    "AUTH_HEADER_PREFIX": "Token",
    # One key per provider user: making a new one revokes the old (accounts.services).
    "TOKEN_LIMIT_PER_USER": None,
}
# API_KEY_GRACE_HOURS: after a new API key is made, the old one keeps working this many hours
# (default 24), so that the provider's system can switch; 0 ends it at once.
API_KEY_GRACE_HOURS = env.int("API_KEY_GRACE_HOURS", default=24)

# Two factors (django-two-factor-auth on django-otp): every local account signs in with a
# password and a code from an authenticator app (TOTP), or one of its recovery codes.
# Staff signing in through the identity provider count its own multi-factor authentication.
# The issuer name shown in the authenticator app.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Basis jeugdhulp")
# Seconds between the password and the code on the login page before starting again.
TWO_FACTOR_LOGIN_TIMEOUT = 600
# No "remember this browser": every sign-in asks for the second factor.
TWO_FACTOR_REMEMBER_COOKIE_AGE = None

# Lockout (django-axes, database handler): after AXES_FAILURE_LIMIT wrong passwords for one
# user name from one address, that pair is locked for AXES_COOLOFF_MINUTES. Wrong codes of
# the second factor slow down by themselves (django-otp doubles the wait after each).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# The user name as the login wizard posts it (auth-username) or authenticate() receives it.
AXES_USERNAME_CALLABLE = "accounts.views.lockout_username"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# TRUSTED_PROXY_COUNT: reverse proxies in front of samen that add X-Forwarded-For (the client
# address for the lockout is taken from it); 0 = use the connection's address.
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if AXES_IPWARE_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Sessions, in the database: they end with the browser, after SESSION_IDLE_MINUTES without
# activity (the page warns two minutes before and typing keeps it alive), and at the latest
# SESSION_MAX_HOURS after signing in (accounts.middleware.SessionTimeoutMiddleware).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_MAX_HOURS = env.int("SESSION_MAX_HOURS", default=10)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Language and time ---
# LANGUAGE_CODE: the default interface language (nl); English is the second language.
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="nl")
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
# The second: Dutch that Django's and the admin libraries' own catalogues lack, kept by hand
# (`make messages` writes only to the first).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "django"]
# TIME_ZONE: the zone for dates shown and for "today" in every deadline rule.
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Amsterdam")
# LIBERATION_DAY_OFF: is 5 May (Bevrijdingsdag) a day off every year ("yearly") or only
# every fifth year ("lustrum", as most collective agreements and the `holidays` package)?
LIBERATION_DAY_OFF = env.str("LIBERATION_DAY_OFF", default="lustrum")
if LIBERATION_DAY_OFF not in {"lustrum", "yearly"}:
    raise ImproperlyConfigured("LIBERATION_DAY_OFF must be 'lustrum' or 'yearly'.")
# GOOD_FRIDAY_OFF: is Goede Vrijdag a day off at WIJ? (The `holidays` package counts it;
# the Algemene termijnenwet does not, so statutory terms never skip it.)
GOOD_FRIDAY_OFF = env.bool("GOOD_FRIDAY_OFF", default=True)
# STATUTORY_EXTRA_DAYS_OFF: days the government equates with the recognised holidays of the
# Algemene termijnenwet by decree (art. 3 lid 2), as ISO dates, comma-separated.
STATUTORY_EXTRA_DAYS_OFF = env.list("STATUTORY_EXTRA_DAYS_OFF", default=[])
for _day in STATUTORY_EXTRA_DAYS_OFF:
    try:
        date.fromisoformat(_day)
    except ValueError:
        raise ImproperlyConfigured(
            f"STATUTORY_EXTRA_DAYS_OFF: {_day!r} is not an ISO date (2027-05-07)."
        ) from None

# PLAN_SAFETY_TASK_WORKING_DAYS: after a trajectory starts from a triage with safety
# concerns, the coordinator has this many working days to put safety agreements in the
# family's support plan (the worklist task "plan without safety agreements").
PLAN_SAFETY_TASK_WORKING_DAYS = env.int("PLAN_SAFETY_TASK_WORKING_DAYS", default=5)
if PLAN_SAFETY_TASK_WORKING_DAYS < 1:
    raise ImproperlyConfigured("PLAN_SAFETY_TASK_WORKING_DAYS must be at least 1.")
USE_I18N = True
USE_TZ = True

# --- Static files: our own and the npm packages, served by whitenoise (no CDN) ---
STATIC_URL = "static/"
# STATIC_ROOT: where collectstatic puts the files whitenoise serves (default ./staticfiles).
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/utrecht/components", NODE_MODULES / "@utrecht" / "component-library-css" / "dist"),
    ("vendor/utrecht/tokens", NODE_MODULES / "@utrecht" / "design-tokens" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
# --- Uploaded and generated files (end-evaluations, the rights' copies) ---
# Every file is written and read through Django's storage API, never a local path, so that
# several web and worker machines share one store (docs/deploy.md, decision 113).
# STORAGE_BACKEND: "filesystem" (default: MEDIA_ROOT, one disk or a shared volume) or "s3"
# (an S3-compatible object store through django-storages, the S3_* variables below).
STORAGE_BACKEND = env.str("STORAGE_BACKEND", default="filesystem")
if STORAGE_BACKEND not in {"filesystem", "s3"}:
    raise ImproperlyConfigured(
        f"STORAGE_BACKEND must be filesystem or s3, not {STORAGE_BACKEND!r}."
    )
if STORAGE_BACKEND == "s3":
    # S3_BUCKET (required), S3_ENDPOINT_URL (empty: AWS itself; else e.g. https://s3.example.nl
    # for MinIO, Ceph or a cloud's S3-compatible store), S3_ACCESS_KEY_ID and
    # S3_SECRET_ACCESS_KEY (empty: the machine's own credentials: instance role, ~/.aws),
    # S3_REGION (e.g. eu-central-1), S3_SERVER_SIDE_ENCRYPTION ("" none, "AES256" or
    # "aws:kms"; with aws:kms, S3_KMS_KEY_ID names the key).
    # Files are private: no public ACL and no signed URLs; they are downloaded only through
    # the views that check permission and log the access (the object store is never linked).
    if not env.str("S3_BUCKET", default=""):
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs S3_BUCKET.")
    _s3_options = {
        "bucket_name": env.str("S3_BUCKET"),
        "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
        "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
        "region_name": env.str("S3_REGION", default="") or None,
        "default_acl": None,
        "querystring_auth": False,
        "file_overwrite": False,
        "object_parameters": {},
    }
    _sse = env.str("S3_SERVER_SIDE_ENCRYPTION", default="")
    if _sse:
        _s3_options["object_parameters"]["ServerSideEncryption"] = _sse
        if env.str("S3_KMS_KEY_ID", default=""):
            _s3_options["object_parameters"]["SSEKMSKeyId"] = env.str("S3_KMS_KEY_ID")
    _default_storage = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options}
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# MEDIA_ROOT: uploaded documents (STORAGE_BACKEND=filesystem), outside the web root; served
# only through views that check permission. With several machines: a volume they all mount.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# UPLOAD_MAX_BYTES: the largest end-evaluation a provider may upload (default 20 MB); the
# largest file of any upload (the indication import too).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The limit is enforced while a body is read: a body that cannot fit UPLOAD_MAX_BYTES is
# not read at all, a file that grows past it stops there (openhouse/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "openhouse.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- E-mail ---
# EMAIL_URL: smtp://user:password@host:587 (smtp+tls://... for STARTTLS), or consolemail://
# for development. Turned into Django 6.1's MAILERS setting.
_email = env.email_url(
    "EMAIL_URL", default="consolemail://" if not IS_PRODUCTION else "smtp://localhost:25"
)
_mail_options = {}
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": _email["EMAIL_HOST"],
        "port": _email["EMAIL_PORT"],
        "username": _email["EMAIL_HOST_USER"] or None,
        "password": _email["EMAIL_HOST_PASSWORD"] or None,
        "use_tls": _email.get("EMAIL_USE_TLS", False),
        "use_ssl": _email.get("EMAIL_USE_SSL", False),
        "timeout": 10,
    }
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _mail_options}}
# DEFAULT_FROM_EMAIL: the sender of notices to staff and providers.
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Basis jeugdhulp <noreply@wij.groningen.nl>"
)

# --- API ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Per API key (or signed-in user), and per address for calls without one.
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.authentication.ApiKeyRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        # API_RATE: calls a provider's system may make per key (default 120 a minute).
        "api_key": env.str("API_RATE", default="120/minute"),
        # API_ANON_RATE: calls without a valid key, per address (default 20 a minute).
        "anon": env.str("API_ANON_RATE", default="20/minute"),
    },
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "samen.pagination.Pagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Basis jeugdhulp API",
    "DESCRIPTION": "API of the Basis jeugdhulp case-management system (WIJ Groningen).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # OpenAPI 3.1: its schemas are JSON Schema 2020-12, so responses validate with jsonschema.
    "OAS_VERSION": "3.1.0",
    # Choice sets that share a field name ("status") get a name of their own.
    "ENUM_NAME_OVERRIDES": {"IjwMessageStatusEnum": "ijw.models.Message.Status"},
    # The error answers (400/401/403/404/429) of every operation, documented once.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "samen.openapi.document_error_answers",
    ],
}

# --- Who sees which child (docs/permissions.md, docs/privacy.md) ---
# DATABASE_APP_ROLE: the PostgreSQL role the running application works as (SET ROLE on
# every connection); created by `migrate`, which runs as the owner of the tables. It may
# add to and read the access log, never change or delete it. Empty: no role switch
# (only for a database where the log's guarantees are kept otherwise).
DATABASE_APP_ROLE = env.str("DATABASE_APP_ROLE", default="samen_app")
# BREAK_GLASS_HOURS: how long a reasoned access to a child outside one's teams stays open.
BREAK_GLASS_HOURS = env.int("BREAK_GLASS_HOURS", default=8)
# AUDIT_LOG_RETENTION_MONTHS: how long the access log is kept; older monthly partitions
# are dropped by `manage.py audit_drop_old_partitions` (as the owner). Default 20 years,
# the retention of a youth-care file (Jeugdwet art. 7.3.8), so that every look at a file
# stays known as long as the file itself.
AUDIT_LOG_RETENTION_MONTHS = env.int("AUDIT_LOG_RETENTION_MONTHS", default=240)

# --- Content-Security-Policy (docs/security.md) ---
# Enforced (never report-only) in every environment, so development and the tests see what
# production sends. Scripts and styles come only from our own origin (static files, served
# by whitenoise) or carry the page's nonce (`nonce="{{ csp_nonce }}"`, a new one on every
# response); no 'unsafe-inline', no 'unsafe-eval', so no style="" attribute, no inline
# event handler (onclick, hx-on) and no eval (htmx runs with allowEval off, base.html).
# CSP_FORM_ACTION: extra origins forms may be sent to, comma-separated, besides our own and
# the identity provider's: signing in and out through OpenID Connect posts to our own
# /oidc/ and /logout/, which redirect the browser to the provider, and Chromium applies
# form-action to those redirects too. The origin of OIDC_OP_ISSUER is always allowed; add
# the provider's authorization or end-session endpoint here only when it lives elsewhere.
CSP_FORM_ACTION = env.list("CSP_FORM_ACTION", default=[])


def csp_origin(url: str) -> str:
    """https://sso.example.nl/realms/wij -> https://sso.example.nl (a CSP source)."""
    scheme, _sep, rest = url.strip().partition("://")
    if scheme not in {"https", "http"} or not rest.split("/")[0]:
        raise ImproperlyConfigured(f"Not an http(s) URL for the Content-Security-Policy: {url!r}")
    return f"{scheme}://{rest.split('/')[0]}"


_csp_form_action = [CSP.SELF] + [
    csp_origin(url) for url in [env.str("OIDC_OP_ISSUER", default=""), *CSP_FORM_ACTION] if url
]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": list(dict.fromkeys(_csp_form_action)),
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# --- Security (production) ---
SESSION_COOKIE_HTTPONLY = True
# The CSRF token reaches scripts through the page (hx-headers), never through the cookie.
CSRF_COOKIE_HTTPONLY = True
if IS_PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Health checks come over plain http from inside the deployment.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    # SECURE_HSTS_INCLUDE_SUBDOMAINS, SECURE_HSTS_PRELOAD: HTTPS only on every subdomain too,
    # and fit for the browsers' preload list (as the Dutch government's HTTPS standard asks).
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    # Every log line goes through the one console handler, whose filter masks personal data
    # (samen/logfilters.py, docs/privacy.md). The Celery worker and beat use this too
    # (samen/celery.py); gunicorn's own loggers are set up in gunicorn.conf.py.
    "version": 1,
    # Loggers created before this is applied keep working; the ones of Django's own defaults
    # that would bypass the console handler are reconfigured below.
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "samen.logfilters.MaskPersonalData"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's DEFAULT_LOGGING gives "django" a console handler of its own (with DEBUG)
        # and mail_admins, and "django.server" (runserver's access lines, query string
        # included) a handler that does not propagate. Listing them here removes those
        # handlers: their records reach the root's console handler and its filter.
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

FORM_RENDERER = "samen.forms.SamenFormRenderer"
