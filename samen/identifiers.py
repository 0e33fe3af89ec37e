"""Dutch identifiers: BSN (11-proof, via python-stdnum) and postcodes."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn as stdnum_bsn

POSTCODE = re.compile(r"^[1-9][0-9]{3}(?!SA|SD|SS)[A-Z]{2}$")


def normalize_bsn(value: str) -> str:
    """A valid BSN as 9 digits (the 8-digit form gets its leading zero), or ValidationError."""
    try:
        compact = stdnum_bsn.validate(value or "")
    except StdnumError as exc:
        raise ValidationError(
            _("This is not a valid BSN: it must be 8 or 9 digits and pass the 11-proof."),
            code="invalid_bsn",
        ) from exc
    return compact.zfill(9)


def validate_bsn(value: str) -> None:
    normalize_bsn(value)


def normalize_postcode(value: str) -> str:
    """'9731 ab' -> '9731AB', or ValidationError."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if not POSTCODE.match(compact):
        raise ValidationError(
            _("Enter a Dutch postcode: 4 digits and 2 letters, for example 9731 AB."),
            code="invalid_postcode",
        )
    return compact


def generate_bsn(rng) -> str:
    """An invented BSN that passes the 11-proof (for demo data and tests only)."""
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        check = total % 11
        if check < 10:
            candidate = "".join(map(str, [*digits, check]))
            if stdnum_bsn.is_valid(candidate):
                return candidate


def search_form(text: str) -> str:
    """A name as the search compares it: lower case, without diacritics, single spaces
    ('Zoë  Dijkstra-Bakker' -> 'zoe dijkstra-bakker'). PostgreSQL's unaccent() cannot be
    indexed, so the client keeps this form in a column of its own (Client.search_name)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())
