"""The comparison arithmetic against numbers worked out by hand (the method is stated in
indicators/stats.py: quartiles by statistics.quantiles(method="inclusive"), competition
ranks, index = value / median × 100)."""

from decimal import Decimal as D

from indicators import stats


def test_median_and_quartiles_of_an_odd_count_interpolate_between_order_statistics():
    # Sorted: 2, 4, 4, 5, 7, 9, 10. n = 7, m = n - 1 = 6.
    # Q1 at position 6 × 1/4 = 1.5 → 4 + 0.5 × (4 − 4) = 4
    # Q2 at position 3 → 5; Q3 at position 4.5 → 7 + 0.5 × (9 − 7) = 8
    summary = stats.summarise([D(9), D(4), D(2), D(10), D(5), D(4), D(7)])
    assert summary == stats.Summary(7, D(2), D(4), D(5), D(8), D(10))


def test_median_and_quartiles_of_an_even_count():
    # Sorted: 10, 20, 30, 40. m = 3. Q1 at 0.75 → 10 + 0.75 × 10 = 17.5;
    # Q2 at 1.5 → 25; Q3 at 2.25 → 30 + 0.25 × 10 = 32.5.
    summary = stats.summarise([D(40), D(10), D(30), D(20)])
    assert (summary.q1, summary.median, summary.q3) == (D("17.5"), D(25), D("32.5"))
    assert (summary.minimum, summary.maximum, summary.count) == (D(10), D(40), 4)


def test_decimal_values_stay_exact():
    summary = stats.summarise([D("0.1"), D("0.2")])
    assert summary.median == D("0.15")


def test_one_value_is_its_own_median_and_no_values_have_no_summary():
    assert stats.summarise([D(3)]) == stats.Summary(1, D(3), D(3), D(3), D(3), D(3))
    assert stats.summarise([]) is None


def test_ties_share_the_best_rank_and_the_next_rank_skips():
    values = {"kielce": D(50), "lublin": D(70), "poznan": D(70), "kutno": D(30), "blonie": D(50)}
    assert stats.ranks(values, "higher") == {
        "lublin": 1,
        "poznan": 1,
        "kielce": 3,
        "blonie": 3,
        "kutno": 5,
    }


def test_lower_is_better_ranks_the_smallest_first():
    values = {"kielce": D(50), "lublin": D(70), "poznan": D(70), "kutno": D(30)}
    assert stats.ranks(values, "lower") == {"kutno": 1, "kielce": 2, "lublin": 3, "poznan": 3}


def test_a_neutral_indicator_is_listed_largest_first():
    assert stats.ranks({"a": D(1), "b": D(2)}, "neutral") == {"b": 1, "a": 2}


def test_index_against_the_median_and_its_zero_median():
    assert stats.index_against(D(75), D(50)) == D(150)
    assert stats.index_against(D(40), D(50)) == D(80)
    assert stats.index_against(D(5), D(0)) is None


def test_year_on_year_change_in_per_cent():
    assert stats.change_percent(D(110), D(100)) == D(10)
    assert stats.change_percent(D(90), D(120)) == D(-25)
    # A negative base (a deficit) that shrinks is an improvement of the value.
    assert stats.change_percent(D(-50), D(-100)) == D(50)
    assert stats.change_percent(D(5), None) is None
    assert stats.change_percent(D(5), D(0)) is None


def test_per_capita_per_thousand_inhabitants():
    # 1,842 tax decisions in Kielce (pop. 184,200) → 10 per 1,000 inhabitants.
    assert stats.per_capita(D(1842), D(184200)) == D(10)
    # 50 km of roads in a gmina of 12,500 people → 4 km per 1,000.
    assert stats.per_capita(D(50), D(12500)) == D(4)
    assert stats.per_capita(D(50), D(12500), per=100_000) == D(400)
    assert stats.per_capita(D(50), None) is None
    assert stats.per_capita(D(50), D(0)) is None


def test_ranking_puts_rows_in_rank_order_with_index_and_change():
    result = stats.ranking(
        {"kielce": D(80), "lublin": D(100), "kutno": D(120)},
        "lower",
        previous={"kielce": D(100), "lublin": D(100)},
    )
    assert result.summary.median == D(100)
    assert [(r.key, r.rank, r.index, r.change) for r in result.rows] == [
        ("kielce", 1, D(80), D(-20)),
        ("lublin", 2, D(100), D(0)),
        ("kutno", 3, D(120), None),
    ]
    assert stats.ranking({}, "higher") is None


def test_standing_spreads_ranks_from_best_to_worst():
    assert stats.standing(1, 5) == D(0)
    assert stats.standing(5, 5) == D(1)
    assert stats.standing(3, 5) == D("0.5")
    assert stats.standing(1, 1) == D("0.5")


def test_strongest_and_weakest_do_not_overlap():
    standings = [("a", D("0.1")), ("b", D("0.9")), ("c", D("0.5")), ("d", D(0)), ("e", D(1))]
    assert stats.strongest_and_weakest(standings, count=2) == (["d", "a"], ["e", "b"])
    assert stats.strongest_and_weakest(standings[:3], count=2) == (["a", "c"], ["b"])
