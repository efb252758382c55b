"""Words as the index keeps them: lemmatised, lower-case, diacritics folded.

Polish words go through simplemma (with a few forms it gets wrong), Ukrainian ones
through pymorphy3's Ukrainian dictionary; the script of a word says which. Each word is
kept as its folded form and its folded lemma, and a query word matches either: a word
the lemmatiser does not know still finds itself. Measured in docs/search.md.
"""

import functools
import re
import unicodedata

import simplemma

WORD = re.compile(r"\w+", re.UNICODE)
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# NFKD does not take the stroke off these.
STROKES = str.maketrans({"ł": "l", "Ł": "l", "đ": "d", "ø": "o", "ß": "ss"})

# Polish forms simplemma 2.0.0 leaves as they are (docs/search.md).
POLISH_EXCEPTIONS = {
    "stawek": "stawka",
    "gmin": "gmina",
    "umów": "umowa",
}

QUERY_WORDS_MAX = 10
WORD_LENGTH_MAX = 60


def fold(text: str) -> str:
    """Lower case without diacritics: "Łódź" → "lodz", "Житомир" → "житомир"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(STROKES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.lru_cache(maxsize=200_000)
def forms(word: str) -> tuple[str, str]:
    """The folded form and the folded lemma of one word, remembered (the one cache of
    both): an excerpt reads them for every word it passes, and indexing for every word
    of a text."""
    folded = word.casefold()
    return fold(folded), lemma(folded)


@functools.cache
def _ukrainian():
    # Loading the dictionary takes a moment and some memory: once, on first use.
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="uk")


def lemma(word: str) -> str:
    """The folded dictionary form of one lower-case word; `forms` remembers it."""
    if CYRILLIC.search(word):
        found = _ukrainian().parse(word)
        base = found[0].normal_form if found else word
    else:
        # The low-memory dictionary gives the same lemmas: simplemma's default one costs
        # every server process about 350 MB more and twice the time to load.
        base = POLISH_EXCEPTIONS.get(word) or simplemma.lemmatize(word, lang="pl", low_memory=True)
    return fold(base)


def warm() -> None:
    """Read both lemmatisers' dictionaries now. Polish costs 4 s of CPU on first use
    (simplemma indexes its whole stream), holding the interpreter lock: in a server, the
    first message indexed after a start froze every socket of the process. The server
    calls this before it listens (gwd/asgi.py)."""
    # A lookup in the dictionary itself: a lemma may come from simplemma's cache of
    # words already seen, which reads no dictionary.
    simplemma.is_known("umowy", lang="pl", low_memory=True)
    _ukrainian()


def words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.casefold()) if len(w) <= WORD_LENGTH_MAX]


def index_text(*texts: str) -> str:
    """The words of `texts` as the index stores them: each word's folded form and its
    lemma, once each, space-separated and padded with a space at both ends, so that a
    whole word is ` word ` (what SQLite matches with LIKE)."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in words(text):
            folded, base = forms(word)
            seen[folded] = None
            seen[base] = None
    return " " + " ".join(seen) + " " if seen else ""


def query_terms(text: str) -> list[tuple[str, ...]]:
    """What a query asks for: per word, the forms any of which must be in an entry."""
    terms: dict[tuple[str, ...], None] = {}
    for word in words(text)[:QUERY_WORDS_MAX]:
        terms[tuple(dict.fromkeys(forms(word)))] = None
    return list(terms)
