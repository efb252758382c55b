"""A chart is drawn once and then served from the cache until what it shows changes: a
figure of the group, the indicator, a municipality's name, the units chosen or the
reader's language."""

import pytest
from django.urls import reverse

from groups.models import GroupUnit
from indicators import charts
from indicators.models import ValueStatus
from tests.indicators.conftest import _unit


@pytest.fixture
def drawn(monkeypatch):
    """The charts Matplotlib drew, by kind, as the views asked for them."""
    calls: list[str] = []
    for kind in ("bar", "box", "line"):
        draw = getattr(charts, f"{kind}_chart")

        def spy(*args, _draw=draw, _kind=kind, **kwargs):
            calls.append(_kind)
            return _draw(*args, **kwargs)

        monkeypatch.setattr(charts, f"{kind}_chart", spy)
    return calls


def _chart(group, **query) -> str:
    url = reverse("indicators:chart", kwargs={"slug": group.slug})
    return url + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_the_same_chart_asked_again_is_not_drawn_again(
    login, group, member, catalogue, figures, drawn
):
    client = login(member)
    url = _chart(group, kind="bar", indicator=catalogue["roads"].pk, year=2025)
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert second["Content-Type"] == "image/svg+xml"
    assert second.content == first.content
    assert drawn == ["bar"]


def test_every_kind_of_chart_is_kept(login, group, member, cities, catalogue, figures, drawn):
    client = login(member)
    roads = catalogue["roads"].pk
    chosen = f"unit={cities['kielce'].pk}&unit={cities['lublin'].pk}"
    for url in (
        _chart(group, kind="box", indicator=roads, year=2025),
        _chart(group, kind="line", indicator=roads) + "&" + chosen,
    ):
        assert client.get(url).content == client.get(url).content
    assert drawn == ["box", "line"]


def test_a_changed_figure_draws_the_chart_anew(login, group, member, catalogue, figures, drawn):
    client = login(member)
    url = _chart(group, kind="bar", indicator=catalogue["roads"].pk, year=2025)
    assert "Kielce 70" in client.get(url).content.decode()
    figures("kielce", "roads", 2025, 75)
    assert "Kielce 75" in client.get(url).content.decode()
    assert drawn == ["bar", "bar"]


def test_a_figure_verified_since_draws_the_chart_anew(
    login, group, member, catalogue, figures, drawn
):
    client = login(member)
    url = _chart(group, kind="bar", indicator=catalogue["roads"].pk, year=2024)
    figures("vinnytsia", "roads", 2024, 20, status=ValueStatus.SUBMITTED)
    assert "Вінниця" not in client.get(url).content.decode()
    figures("vinnytsia", "roads", 2024, 20, status=ValueStatus.VERIFIED)
    assert "Вінниця 20" in client.get(url).content.decode()


def test_each_language_has_its_own_chart(login, group, member, catalogue, figures, drawn):
    client = login(member)
    url = _chart(group, kind="bar", indicator=catalogue["tax_cost"].pk, year=2025, section=1)
    polish = client.get(url).content.decode()
    member.language = "en"
    member.save(update_fields=["language"])
    english = client.get(url).content.decode()
    assert "1\u00a0100" in polish and "1,100" in english
    assert drawn == ["bar", "bar"]


def test_other_units_in_the_line_chart_draw_it_anew(
    login, group, member, cities, catalogue, figures, drawn
):
    client = login(member)
    line = _chart(group, kind="line", indicator=catalogue["roads"].pk)
    client.get(f"{line}&unit={cities['kielce'].pk}")
    other = client.get(f"{line}&unit={cities['lublin'].pk}").content.decode()
    assert "Lublin" in other
    assert drawn == ["line", "line"]


def test_a_renamed_municipality_or_a_new_member_draws_the_chart_anew(
    login, group, member, cities, catalogue, figures, drawn
):
    client = login(member)
    url = _chart(group, kind="bar", indicator=catalogue["roads"].pk, year=2025)
    client.get(url)
    cities["kielce"].name = "Kielce (miasto)"
    cities["kielce"].save(update_fields=["name"])
    assert "Kielce (miasto)" in client.get(url).content.decode()
    GroupUnit.objects.create(group=group, unit=_unit("Gdynia", "2262011"))
    client.get(url)
    assert drawn == ["bar", "bar", "bar"]


def test_a_section_that_is_not_there_is_not_found_after_a_kept_chart(
    login, group, member, catalogue, figures, drawn
):
    client = login(member)
    query = {"kind": "bar", "indicator": catalogue["tax_cost"].pk, "year": 2025}
    assert client.get(_chart(group, **query, section=1)).status_code == 200
    assert client.get(_chart(group, **query, section=2)).status_code == 404
    assert client.get(_chart(group, **query, section="x")).status_code == 404
    assert client.get(_chart(group, **query, section=1)).status_code == 200
    assert drawn == ["bar"]


def test_a_chart_of_another_group_is_never_served_from_the_cache(
    login, group, other_group, member, catalogue, figures, drawn
):
    client = login(member)
    url = _chart(group, kind="bar", indicator=catalogue["roads"].pk, year=2025)
    client.get(url)
    elsewhere = url.replace(group.slug, other_group.slug)
    assert client.get(elsewhere).status_code == 404


def test_years_without_figures_share_the_latest_years_chart(
    login, group, member, catalogue, figures, drawn
):
    client = login(member)
    roads = catalogue["roads"].pk
    bodies = {
        client.get(_chart(group, kind="bar", indicator=roads, year=year)).content
        for year in ("1", "2", "9999", "2025", "x")
    }
    assert len(bodies) == 1
    assert drawn == ["bar"]
