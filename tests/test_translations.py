"""The translation catalogues: complete in every language, compiled, and current with the code.

`make messages` extracts the strings, `make compilemessages` compiles them; both results are
committed, so a fresh clone serves Norwegian without gettext installed. These tests are the CI
check the Norwegian issue asks for: no untranslated or fuzzy entry, no .mo older than its .po,
and no marked string missing from the catalogues.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import allauth
import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ["nb", "nn"]
CATALOGUE_DIRS = [ROOT / "locale"] + [
    ROOT / app / "locale" for app in ("research", "coding", "cases", "study")
]
# Nynorsk for django-allauth's strings (allauth ships nb only); not extracted from our sources.
ALLAUTH_NN = ROOT / "locale_allauth" / "nn" / "LC_MESSAGES" / "django.po"
CATALOGUES = [
    d / lang / "LC_MESSAGES" / "django.po" for d in CATALOGUE_DIRS for lang in LANGUAGES
] + [ALLAUTH_NN]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return entry.msgctxt, entry.msgid


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=_name)
def test_every_string_is_translated_and_none_is_fuzzy(catalogue):
    po = polib.pofile(str(catalogue))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=_name)
def test_translations_keep_the_placeholders(catalogue):
    wrong = []
    for entry in polib.pofile(str(catalogue)).translated_entries():
        if entry.msgid_plural:
            wanted = set(PLACEHOLDER.findall(entry.msgid_plural))
            forms = entry.msgstr_plural.values()
            # The singular form may say "one" instead of the count.
            if any(set(PLACEHOLDER.findall(form)) - wanted for form in forms):
                wrong.append(entry.msgid)
        elif sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(entry.msgstr)):
            wrong.append(entry.msgid)
    assert not wrong, wrong[:10]


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=_name)
def test_compiled_catalogue_matches_its_source(catalogue):
    compiled = catalogue.with_suffix(".mo")
    assert compiled.exists(), f"{_name(compiled)} is missing: run `make compilemessages`"
    mo = {_key(e): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(compiled)) if e.msgid}
    po = {
        _key(e): (e.msgstr, e.msgstr_plural)
        for e in polib.pofile(str(catalogue)).translated_entries()
    }
    assert mo == po, f"{_name(compiled)} is out of date: run `make compilemessages`"


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="gettext is not installed (apt-get install gettext)"
)
def test_catalogues_hold_every_marked_string(tmp_path):
    """Extract again into a copy of the sources and compare the message ids with the catalogues."""
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns(
        ".venv", ".git", "node_modules", "media", "staticfiles", "*.mo", "__pycache__"
    )
    shutil.copytree(ROOT, copy, ignore=ignore, symlinks=True)
    subprocess.run(
        ["make", "-s", "messages", f"BIN={Path(sys.executable).parent}"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    stale = []
    for catalogue in CATALOGUES:
        fresh = {_key(e) for e in polib.pofile(str(copy / catalogue.relative_to(ROOT)))}
        kept = {_key(e) for e in polib.pofile(str(catalogue)) if not e.obsolete}
        if fresh != kept:
            stale.append(f"{_name(catalogue)}: {len(fresh - kept)} new, {len(kept - fresh)} gone")
    assert not stale, "run `make messages` and translate: " + "; ".join(stale)


def test_the_allauth_nynorsk_catalogue_holds_only_allauth_messages():
    """Each entry is still a message of the installed django-allauth (its Bokmål catalogue
    has the same ids): after an upgrade that renamed one, this says which to redo."""
    allauth_nb = Path(allauth.__file__).parent / "locale" / "nb" / "LC_MESSAGES" / "django.po"
    theirs = {_key(e) for e in polib.pofile(str(allauth_nb))}
    ours = {_key(e) for e in polib.pofile(str(ALLAUTH_NN))}
    assert ours and not ours - theirs, sorted(ours - theirs)[:10]
