"""A system check: the retention settings within the law and sense (docs/deploy.md)."""

from django.conf import settings
from django.core import checks

from .models import RetentionFrom
from .retention import LEGAL_MINIMUM_YEARS, SENSIBLE_MAXIMUM_YEARS


@checks.register()
def retention_settings_sensible(app_configs, **kwargs):
    """rights.W001: FILE_RETENTION_YEARS below the law's 20 years or beyond a lifetime;
    rights.W002: FILE_RETENTION_FROM unknown. Warnings, so the site still starts; the
    monthly job refuses to run on an unusable value (rights.retention.retention_settings)."""
    problems = []
    years = settings.FILE_RETENTION_YEARS
    if not isinstance(years, int) or not LEGAL_MINIMUM_YEARS <= years <= SENSIBLE_MAXIMUM_YEARS:
        problems.append(
            checks.Warning(
                f"FILE_RETENTION_YEARS is {years!r}: a youth-care file is kept at least "
                f"{LEGAL_MINIMUM_YEARS} years (Jeugdwet art. 7.3.8).",
                hint=f"Set FILE_RETENTION_YEARS between {LEGAL_MINIMUM_YEARS} and "
                f"{SENSIBLE_MAXIMUM_YEARS}; the default is 20.",
                id="rights.W001",
            )
        )
    if settings.FILE_RETENTION_FROM not in RetentionFrom.values:
        problems.append(
            checks.Warning(
                f"FILE_RETENTION_FROM is {settings.FILE_RETENTION_FROM!r}, not one of "
                f"{', '.join(RetentionFrom.values)}: the retention review will not run.",
                hint="Set FILE_RETENTION_FROM to last_record (the default) or end_of_help.",
                id="rights.W002",
            )
        )
    return problems
