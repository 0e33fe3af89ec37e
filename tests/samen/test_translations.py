"""The interface is Dutch: every message has a Dutch translation, compiled and current."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_compiled_messages_match_their_source(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    compiled = {entry.msgid: entry.msgstr for entry in mo}
    for entry in po.translated_entries():
        assert compiled.get(entry.msgid) == entry.msgstr, f"run `make messages`: {entry.msgid}"


def test_every_message_has_a_dutch_translation():
    po = polib.pofile(str(LOCALE / "nl" / "LC_MESSAGES" / "django.po"))
    missing = [entry.msgid for entry in po if not entry.translated() and not entry.obsolete]
    assert missing == [], "untranslated (or fuzzy) in locale/nl: " + "; ".join(missing)
