"""The pl, uk and en catalogues are complete: nothing missing, nothing fuzzy, every
plural form there — for the server's strings (django.po) and the browser's (djangojs.po,
served by Django's JavaScript catalogue).

makemessages runs over a copy of the source, so a string added to the code but not to
the catalogues fails here just like an untranslated or fuzzy entry.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import allauth
import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["pl", "uk", "en"]
DOMAINS = ["django", "djangojs"]
SOURCES = [
    "gwd",
    "groups",
    "meetings",
    "resources",
    "decisions",
    "indicators",
    "search",
    "templates",
    "static",
    "locale",
    "manage.py",
]
# As `make messages` runs it.
MAKEMESSAGES = {
    "django": [],
    "djangojs": ["-d", "djangojs", "--ignore=node_modules", "--ignore=static/vendor"],
}
# Polish and Ukrainian have three forms for whole numbers (1; 2–4, 22–24…; the rest).
NPLURALS = {"pl": 3, "uk": 3, "en": 2}


def catalogue_problems(po_path: Path) -> list[str]:
    catalogue = polib.pofile(str(po_path))
    problems = [f"missing: {e.msgid!r}" for e in catalogue.untranslated_entries()]
    problems += [f"fuzzy: {e.msgid!r}" for e in catalogue.fuzzy_entries()]
    nplurals = int(re.search(r"nplurals=(\d+)", catalogue.metadata["Plural-Forms"]).group(1))
    problems += [
        f"plural forms: {e.msgid!r} has {len(e.msgstr_plural)}, not {nplurals}"
        for e in catalogue
        if e.msgid_plural and sorted(e.msgstr_plural) != list(range(nplurals))
    ]
    return problems


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_shipped_catalogue_is_complete(language, domain):
    po_path = ROOT / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
    assert po_path.exists(), f"{po_path} is missing"
    assert catalogue_problems(po_path) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_browser_catalogue_has_the_languages_plural_forms(language):
    catalogue = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "djangojs.po"))
    assert f"nplurals={NPLURALS[language]};" in catalogue.metadata["Plural-Forms"]


@pytest.fixture(scope="module")
def regenerated_locale(tmp_path_factory) -> Path:
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.fail("GNU gettext is needed to extract strings: apt-get install gettext")
    copy = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, copy / name)
    for options in MAKEMESSAGES.values():
        result = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                *options,
                "--no-location",
                "--no-obsolete",
                *[f"-l{language}" for language in LANGUAGES],
            ],
            cwd=copy,
            env={
                "PATH": "/usr/bin:/bin",
                "SECRET_KEY": "x" * 60,
                "DEBUG": "1",
                "GWD_VAR_DIR": str(copy / "var"),
            },
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
    return copy / "locale"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_in_the_code_is_in_the_catalogue(regenerated_locale, language, domain):
    po_path = regenerated_locale / language / "LC_MESSAGES" / f"{domain}.po"
    assert catalogue_problems(po_path) == []


# The names xgettext looks for (Django's makemessages keywords); a translation function
# imported under any other name is invisible to it, and its strings stay in English.
EXTRACTED = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext"}
EXTRACTED |= {"pgettext_lazy", "npgettext", "npgettext_lazy", "gettext_noop"}
ALIASED = re.compile(r"^from django\.utils\.translation import .*\b(\w+) as (\w+)", re.M)


def test_translation_functions_keep_names_the_extraction_knows():
    aliases = [
        f"{path.relative_to(ROOT)}: {name} as {alias}"
        for package in (
            "gwd",
            "groups",
            "meetings",
            "resources",
            "decisions",
            "indicators",
            "search",
        )
        for path in (ROOT / package).rglob("*.py")
        for name, alias in ALIASED.findall(path.read_text())
        if name in EXTRACTED and alias not in EXTRACTED
    ]
    assert aliases == []


def test_allauths_misspelt_polish_is_corrected():
    from django.utils import translation

    with translation.override("pl"):
        assert translation.gettext("Enter your password:") == "Wprowadź hasło:"
        assert translation.gettext("Enter Password Reset Code") == "Wprowadź kod resetowania hasła"


ALLAUTH_LOCALE = Path(allauth.__file__).parent / "locale"
# The allauth pages and e-mail GWD shows: accounts and two-factor authentication with an
# authenticator app and recovery codes (no social accounts, security keys or sessions).
ALLAUTH_SHOWN = re.compile(r"^(account|mfa|templates/(account|mfa|allauth))/")
ALLAUTH_NOT_SHOWN = re.compile(r"webauthn|socialaccount|usersessions|headless|idp|phone")
CYRILLIC_WORD = re.compile(r"[А-ЯЄІЇҐа-яєіїґ'’]+")
PROPER_NOUNS = {"України"}


def allauth_entries_shown(language: str) -> list[polib.POEntry]:
    catalogue = polib.pofile(str(ALLAUTH_LOCALE / language / "LC_MESSAGES" / "django.po"))
    return [
        entry
        for entry in catalogue
        if not entry.obsolete
        and not entry.msgid_plural
        and any(
            ALLAUTH_SHOWN.match(path) and not ALLAUTH_NOT_SHOWN.search(path + entry.msgid)
            for path, _line in entry.occurrences
        )
    ]


def title_case_words(text: str) -> list[str]:
    """Capitalised words inside a sentence: 'Додаток Для Аутентифікації' → two."""
    words = []
    for match in CYRILLIC_WORD.finditer(text):
        before = text[: match.start()]
        sentence_start = (
            not before.strip() or before.rstrip()[-1] in '.!?:"«>-' or ("\n\n" in before[-4:])
        )
        word = match.group()
        capitalised = word[0].isupper() and not word.isupper() and word not in PROPER_NOUNS
        if capitalised and not sentence_start:
            words.append(word)
    return words


def test_allauths_ukrainian_is_in_sentence_case_with_one_term_for_authentication():
    from django.utils import translation

    with translation.override("uk"):
        shown = {
            entry.msgid: translation.gettext(entry.msgid) for entry in allauth_entries_shown("uk")
        }
    assert len(shown) > 100  # the scan reads allauth's catalogue, not an empty list
    wrong = {
        msgid: text
        for msgid, text in shown.items()
        if "аутентиф" in text.lower() or title_case_words(text)
    }
    assert wrong == {}


def test_none_of_allauths_polish_is_misspelt_wprowadz():
    from django.utils import translation

    with translation.override("pl"):
        wrong = [
            entry.msgid
            for entry in allauth_entries_shown("pl")
            if "Wprowadż" in translation.gettext(entry.msgid)
        ]
    assert wrong == []
