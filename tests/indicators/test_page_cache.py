"""The comparison and the profile are computed once and then served from the cache until
what they show changes: a figure of the group, the member municipalities, an indicator,
the reader's language. What depends on the reader (who may file a report, the form's
CSRF token, the units chosen for the year-by-year chart) is never taken from the cache."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from groups.models import Role
from groups.services.units import group_unit_leave
from indicators import comparisons
from indicators.models import Indicator

# What differs from one response to the next whatever the cache: the CSRF token and the
# scripts' nonce.
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"|nonce="[^"]*"')


@pytest.fixture
def computed(monkeypatch):
    """The comparisons and profiles computed, as the views asked for them."""
    calls: list[str] = []
    for name in ("comparison_get", "profile_get", "series_get"):
        compute = getattr(comparisons, name)

        def spy(*args, _compute=compute, _name=name, **kwargs):
            calls.append(_name)
            return _compute(*args, **kwargs)

        monkeypatch.setattr(comparisons, name, spy)
    return calls


def _comparison(group, indicator, **query) -> str:
    url = reverse("indicators:comparison", kwargs={"slug": group.slug})
    return url + "?" + "&".join(f"{k}={v}" for k, v in {"indicator": indicator.pk, **query}.items())


def _profile(group, unit) -> str:
    return reverse("indicators:profile", kwargs={"slug": group.slug, "unit_id": unit.pk})


def _ranked(page) -> list[str]:
    """The municipalities of the page's ranking rows, in order."""
    return re.findall(r'<th scope="row" data-label="[^"]*"><a href="[^"]*">([^<]*)</a>', page)


def test_the_ranking_asked_again_is_not_computed_again(
    login, group, member, catalogue, figures, computed
):
    client = login(member)
    url = _comparison(group, catalogue["roads"], year=2025)
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200
    assert TOKEN.sub(b"", second.content) == TOKEN.sub(b"", first.content)
    assert second.context["year"] == 2025
    assert computed == ["comparison_get"]
    assert _ranked(second.content.decode()) == ["Kielce", "Lublin", "Житомир", "Вінниця"]


def test_the_profile_asked_again_is_not_computed_again(
    login, group, member, cities, catalogue, figures, computed
):
    client = login(member)
    url = _profile(group, cities["lublin"])
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200
    assert TOKEN.sub(b"", second.content) == TOKEN.sub(b"", first.content)
    assert second.context["year"] == 2025
    assert computed == ["profile_get"]


def test_a_changed_figure_computes_both_pages_anew(
    login, group, member, cities, catalogue, figures, computed
):
    client = login(member)
    url = _comparison(group, catalogue["roads"], year=2025)
    client.get(url)
    client.get(_profile(group, cities["vinnytsia"]))
    figures("vinnytsia", "roads", 2025, 95)
    assert _ranked(client.get(url).content.decode())[0] == "Вінниця"
    profile = client.get(_profile(group, cities["vinnytsia"])).content.decode()
    assert ">95 <" in profile
    assert computed == ["comparison_get", "profile_get", "comparison_get", "profile_get"]


def test_a_unit_that_left_is_no_longer_ranked_on_a_page_read_before(
    login, group, facilitator, member, cities, catalogue, figures
):
    client = login(member)
    url = _comparison(group, catalogue["roads"], year=2025)
    assert "Вінниця" in _ranked(client.get(url).content.decode())
    group_unit_leave(actor=facilitator, group=group, unit=cities["vinnytsia"])
    assert _ranked(client.get(url).content.decode()) == ["Kielce", "Lublin", "Житомир"]


def test_a_renamed_indicator_is_shown_with_its_new_name(
    login, group, member, user_factory, catalogue, figures
):
    client = login(member)
    url = _comparison(group, catalogue["roads"], year=2025)
    client.get(url)
    Indicator.objects.filter(pk=catalogue["roads"].pk).update(name_pl="Drogi utwardzone")
    assert "Drogi utwardzone" in client.get(url).content.decode()


def test_each_reader_reads_the_page_in_their_language(
    client, login, group, member, member_factory, catalogue, figures
):
    reader = member_factory(group, Role.MEMBER, email="reader@kyiv.gwd.test", language="uk")
    url = _comparison(group, catalogue["roads"], year=2025)
    login(member)
    client.get(url)
    login(reader)
    page = client.get(url).content.decode()
    with translation.override("uk"):
        assert gettext("Change on the previous year") in page
    with translation.override("pl"):
        assert gettext("Change on the previous year") not in page


def test_who_may_file_the_report_is_not_taken_from_the_cache(
    client, login, group, facilitator, observer, catalogue, figures
):
    url = _comparison(group, catalogue["roads"], year=2025)
    save = reverse("indicators:report-save", kwargs={"slug": group.slug})
    login(facilitator)
    assert save in client.get(url).content.decode()
    login(observer)
    page = client.get(url)
    assert page.status_code == 200 and save not in page.content.decode()


def test_the_units_chosen_for_the_chart_are_computed_for_each_reader(
    login, group, member, cities, catalogue, figures, computed
):
    client = login(member)
    chosen = f"{cities['kielce'].pk}"
    url = _comparison(group, catalogue["roads"], year=2025, unit=chosen)
    first, second = client.get(url), client.get(url)
    assert f'value="{chosen}" id="unit-{chosen}" checked' in second.content.decode()
    assert TOKEN.sub(b"", second.content) == TOKEN.sub(b"", first.content)
    assert computed == ["comparison_get", "series_get", "series_get"]
    plain = client.get(_comparison(group, catalogue["roads"], year=2025)).content.decode()
    assert "checked" not in plain
