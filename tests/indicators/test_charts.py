"""Charts are self-describing SVG with the reader's number format and no script."""

from decimal import Decimal as D

from indicators import charts, stats


def test_a_bar_chart_names_itself_and_writes_numbers_as_the_reader_does():
    svg = charts.bar_chart(
        title="Koszt jednej decyzji podatkowej",
        description="Kielce 1234,5 zł, Lublin 2000 zł",
        labels=["Lublin", "Kielce"],
        values=[D(2000), D("1234.5")],
        median=D("1617.25"),
        median_label="Mediana",
        focus=1,
        locale="pl",
    )
    assert svg.startswith('<svg role="img" aria-labelledby="chart-title chart-desc"')
    assert '<title id="chart-title">Koszt jednej decyzji podatkowej</title>' in svg
    assert '<desc id="chart-desc">Kielce 1234,5 zł, Lublin 2000 zł</desc>' in svg
    assert "<script" not in svg
    # Axis ticks in Polish: a non-breaking space groups thousands.
    assert "2\u00a0000</text>" in svg
    assert ">Kielce</text>" in svg


def test_charts_are_the_same_bytes_for_the_same_data():
    def draw():
        return charts.line_chart(
            title="T",
            description="D",
            series={"Kielce": {2022: D(1), 2023: D(2)}, "Житомир": {2022: D(3), 2023: D(4)}},
            locale="uk",
        )

    assert draw() == draw()
    assert "Житомир" in draw()


def test_a_box_chart_draws_the_summaries_it_is_given():
    svg = charts.box_chart(
        title="Rozkład",
        description="Mediana 3,5",
        boxes=[("2024", stats.summarise([D(1), D(2), D(5), D(9)]))],
        locale="en",
    )
    assert "<title" in svg and "Mediana 3,5" in svg


def test_an_empty_series_still_draws_a_labelled_chart():
    svg = charts.line_chart(title="Brak danych", description="Brak danych", series={})
    assert "Brak danych" in svg
