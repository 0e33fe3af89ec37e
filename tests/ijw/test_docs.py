"""docs/ijw.md shows one example of each message the project reads or writes, as the code
writes them: every ```xml block validates against the official schemas (../shared/ijw)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from ijw import xml

DOC = Path(settings.BASE_DIR) / "docs" / "ijw.md"
BLOCK = re.compile(r"^```xml\n(.*?)^```$", re.MULTILINE | re.DOTALL)
EXPECTED = [
    "JW301", "JW302", "JW305", "JW306", "JW307", "JW308",
    "JW315", "JW316", "JW317", "JW318", "JW319", "JW320",
]  # fmt: skip


def _blocks() -> list[str]:
    return BLOCK.findall(DOC.read_text(encoding="utf-8"))


def test_there_is_one_example_of_each_message():
    types = sorted(xml.parse(block.encode()).message_type for block in _blocks())
    assert types == EXPECTED


@pytest.mark.parametrize("index", range(len(EXPECTED)))
def test_every_example_validates_against_its_schema(index):
    block = _blocks()[index]
    root = xml.etree.fromstring(block.encode())
    message_type = xml.parse(block.encode()).message_type
    assert xml.schema_errors(root, message_type) == []
