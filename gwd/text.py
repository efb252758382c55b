"""Text that people type, made safe to store, show and export.

Two traps are closed here, once for every app:

- Bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE and its relatives) reorder what
  a browser shows, so "Jan " + U+202E + "gpj.exe" reads as "Jan exe.jpg" and a name can
  pass for another. Polish and Ukrainian text never needs them: they are removed.
- A spreadsheet program runs a CSV cell that starts with "=" (or "+", "-", "@", a tab or a
  carriage return) as a formula, so a name like =HYPERLINK(...) in an export becomes a
  live link. Every cell of every export goes through `spreadsheet_cell`.
"""

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator

from django import forms

# U+061C ARABIC LETTER MARK, U+200E/U+200F LEFT-TO-RIGHT and RIGHT-TO-LEFT MARK,
# U+202A–U+202E the embeddings and overrides, U+2066–U+2069 the isolates.
BIDI_CONTROLS = frozenset(
    map(chr, [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
)
_BIDI = re.compile(f"[{''.join(sorted(BIDI_CONTROLS))}]")

# Line breaks other than "\n" that str.splitlines() knows; in multi-line text they
# become "\n", in single-line text a space.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def strip_bidi(text: str) -> str:
    """`text` without bidirectional control characters; nothing else changes.

    For text whose other characters must stay exactly as written (message bodies in
    Markdown, say). Names and titles want `clean_text`, which also does this.
    """
    return _BIDI.sub("", text)


def clean_text(text: str, *, multiline: bool = False) -> str:
    """What a person typed, fit to store and show: NFC, without bidirectional controls,
    without control characters (NUL, which PostgreSQL cannot store, among them) and
    without lone surrogates.

    Single-line text (a name, a title, a place) also loses its line breaks and tabs, and
    every run of white space becomes one space, without any at either end. Multi-line
    text keeps tabs and its lines, with every line break written as "\\n".
    """
    text = unicodedata.normalize("NFC", _LINE_BREAKS.sub("\n", text))
    kept = "".join(ch for ch in text if _kept(ch))
    if multiline:
        return kept.strip()
    return " ".join(kept.split())


def _kept(ch: str) -> bool:
    if ch in "\n\t":
        return True
    if ch in BIDI_CONTROLS:
        return False
    return unicodedata.category(ch) not in ("Cc", "Cs")


class PlainTextField(forms.CharField):
    """A CharField for names, titles and other text people type: the value is passed
    through `clean_text` before it is validated, so max_length counts what is kept and a
    value that was nothing but control characters counts as empty."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        if multiline:
            kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return clean_text(value, multiline=self.multiline) or self.empty_value


# OWASP's list of what makes a spreadsheet treat a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    """A cell a spreadsheet program shows as text: a string that would start a formula
    gets a leading apostrophe (the spreadsheet convention for "this is text"). Numbers,
    dates and None pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class _Line:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable[object]], *, bom: bool = True) -> Iterator[str]:
    """The lines of a CSV file with every cell passed through `spreadsheet_cell`, for a
    StreamingHttpResponse. The byte-order mark lets spreadsheet programs read UTF-8."""
    writer = csv.writer(_Line())
    if bom:
        yield "\ufeff"
    for row in rows:
        yield writer.writerow([spreadsheet_cell(cell) for cell in row])
