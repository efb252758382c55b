"""How well and how fast the lemmatisers find the dictionary form of Polish and Ukrainian
words met in the groups' texts (docs/search.md).

    .venv/bin/python bench/lemmas.py
"""

import sys
import time
from pathlib import Path

import pymorphy3
import simplemma

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from search.lemmas import forms

POLISH = {
    "stawka": "stawka", "stawki": "stawka", "stawek": "stawka", "stawkach": "stawka",
    "stawce": "stawka", "umowa": "umowa", "umowy": "umowa", "umowie": "umowa",
    "umów": "umowa", "umowami": "umowa", "gmina": "gmina", "gminy": "gmina",
    "gmin": "gmina", "gminie": "gmina", "gminach": "gmina", "podatek": "podatek",
    "podatku": "podatek", "podatki": "podatek", "podatków": "podatek",
    "nieruchomości": "nieruchomość", "nieruchomość": "nieruchomość",
    "spotkanie": "spotkanie", "spotkania": "spotkanie", "spotkaniu": "spotkanie",
    "protokół": "protokół", "protokołu": "protokół", "uchwała": "uchwała",
    "uchwały": "uchwała", "uchwale": "uchwała", "opłata": "opłata", "opłaty": "opłata",
    "opłat": "opłata",
}  # fmt: skip
UKRAINIAN = {
    "договір": "договір", "договору": "договір", "договорі": "договір",
    "договори": "договір", "договорів": "договір", "громада": "громада",
    "громади": "громада", "громад": "громада", "громаді": "громада",
    "податок": "податок", "податку": "податок", "податки": "податок",
    "ставка": "ставка", "ставки": "ставка", "ставок": "ставка",
    "засідання": "засідання", "засіданні": "засідання", "рішення": "рішення",
    "рішенні": "рішення", "нерухомості": "нерухомість", "бюджет": "бюджет",
    "бюджету": "бюджет",
}  # fmt: skip


def measure(name, words, lemmatise):
    right = [w for w, expected in words.items() if lemmatise(w) == expected]
    rounds = 2000
    started = time.perf_counter()
    for _ in range(rounds):
        for word in words:
            lemmatise(word)
    per_word = (time.perf_counter() - started) / rounds / len(words) * 1e6
    missed = sorted(set(words) - set(right))
    print(f"{name:22} {len(right)}/{len(words)}  {per_word:6.2f} µs/word  missed: {missed}")


ukrainian = pymorphy3.MorphAnalyzer(lang="uk")
measure("simplemma pl", POLISH, lambda w: simplemma.lemmatize(w, lang="pl"))
measure("simplemma uk", UKRAINIAN, lambda w: simplemma.lemmatize(w, lang="uk"))
measure("pymorphy3 uk", UKRAINIAN, lambda w: ukrainian.parse(w)[0].normal_form)

# What the index uses: simplemma with its exceptions for Polish, pymorphy3 for
# Ukrainian, each word's lemma cached (folded, so "nieruchomość" is "nieruchomosc").


def lemma_of(word: str) -> str:
    return forms(word)[1]


measure("search.lemmas pl", POLISH, lambda w: lemma_of(w) == lemma_of(POLISH[w]) and POLISH[w])
measure(
    "search.lemmas uk", UKRAINIAN, lambda w: lemma_of(w) == lemma_of(UKRAINIAN[w]) and UKRAINIAN[w]
)
