"""A system check: the message traffic needs the official schemas at run time."""

from pathlib import Path

from django.conf import settings
from django.core import checks

from .codes import MESSAGE_CODES


@checks.register()
def schemas_present(app_configs, **kwargs):
    """ijw.W001: IJW_XSD_DIR misses schemas. Only a warning: everything else works, and a
    message received meanwhile is refused with a Dutch reason, never half-stored."""
    directory = Path(settings.IJW_XSD_DIR)
    missing = [
        name
        for name in [*MESSAGE_CODES, "basisschema"]
        if not (directory / f"{name}.xsd").is_file()
    ]
    if not missing:
        return []
    return [
        checks.Warning(
            f"IJW_XSD_DIR ({directory}) lacks the iJw 3.2 schemas: {', '.join(missing)}.",
            hint="Mount the official schemas of iStandaarden (iJw 3.2) and set IJW_XSD_DIR.",
            id="ijw.W001",
        )
    ]
