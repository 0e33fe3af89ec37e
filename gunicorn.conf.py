"""gunicorn's configuration (read from the working directory, or `gunicorn -c gunicorn.conf.py`).

No personal data in log lines (docs/privacy.md): the access log has the path without the
query string, and gunicorn's loggers pass through the same filter as Django's
(samen/logfilters.py). The application's own logging is settings.LOGGING.
"""

# Access lines on stdout, error lines on stderr (the container's log).
accesslog = "-"
errorlog = "-"

# The combined log format with the path (%(U)s) instead of the request line (%(r)s, which
# has the query string), and "-" for the referrer, a full URL with its query string.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "-" "%(a)s"'

_MASK = ["mask_personal_data"]

# Replaces gunicorn's own handlers. No "level" on gunicorn.error, so --log-level still counts.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "samen.logfilters.MaskPersonalData"}},
    "formatters": {
        "generic": {
            "format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s",
            "datefmt": "[%Y-%m-%d %H:%M:%S %z]",
        },
        "access": {"format": "%(message)s"},
    },
    "handlers": {
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "stream": "ext://sys.stderr",
            "filters": _MASK,
        },
        "access_console": {
            "class": "logging.StreamHandler",
            "formatter": "access",
            "stream": "ext://sys.stdout",
            "filters": _MASK,
        },
    },
    "root": {"level": "INFO", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"handlers": ["error_console"], "propagate": False, "filters": _MASK},
        "gunicorn.access": {"handlers": ["access_console"], "propagate": False, "filters": _MASK},
    },
}
