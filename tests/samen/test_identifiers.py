import random

import pytest
from django.core.exceptions import ValidationError

from samen.identifiers import generate_bsn, normalize_bsn, normalize_postcode


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("111222333", "111222333"), ("12345672", "012345672"), ("1112.22.333", "111222333")],
)
def test_valid_bsns_are_stored_as_nine_digits(typed, stored):
    assert normalize_bsn(typed) == stored


@pytest.mark.parametrize(
    "typed", ["111222334", "123456789", "1234567", "abcdefghi", "", "0000000000"]
)
def test_invalid_bsns_are_refused_in_dutch(typed):
    with pytest.raises(ValidationError) as error:
        normalize_bsn(typed)
    assert "11-proef" in str(error.value.messages) or "elfproef" in str(error.value.messages)


def test_generated_bsns_pass_the_11_proof():
    rng = random.Random(1)
    for _ in range(200):
        assert normalize_bsn(generate_bsn(rng))


@pytest.mark.parametrize(
    ("typed", "stored"), [("9735 ab", "9735AB"), ("9735AB", "9735AB"), (" 9791  xz ", "9791XZ")]
)
def test_postcodes_are_normalised(typed, stored):
    assert normalize_postcode(typed) == stored


@pytest.mark.parametrize("typed", ["0735AB", "9735", "9735 SS", "97355AB", "AB9735"])
def test_bad_postcodes_are_refused(typed):
    with pytest.raises(ValidationError):
        normalize_postcode(typed)
