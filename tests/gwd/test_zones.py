"""The time-zone picker: the zones people use, Warsaw and Kyiv first, named in the
language of the page with their offset; stored ids stay IANA ids, and one stored before
the list was curated stays valid and selected."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from gwd.zones import TimeZoneField, curated_time_zones, time_zone_choices, zone_label

WINTER = dt.datetime(2027, 1, 15, 12, tzinfo=dt.UTC)


def test_the_list_holds_canonical_zones_only_warsaw_and_kyiv_first():
    zones = curated_time_zones()
    assert zones[:2] == ("Europe/Warsaw", "Europe/Kyiv")
    assert {"Europe/Berlin", "Europe/Vilnius", "Europe/London", "UTC"} <= set(zones)
    for legacy in ("localtime", "W-SU", "Europe/Kiev", "Poland", "Etc/GMT-3", "posixrules"):
        assert legacy not in zones
    assert 30 < len(zones) < 80
    assert len(set(zones)) == len(zones)


@pytest.mark.parametrize(
    "language, warsaw, kyiv",
    [
        ("pl", "Warszawa (GMT+01:00)", "Kijów (GMT+02:00)"),
        ("uk", "Варшава (GMT+01:00)", "Київ (GMT+02:00)"),
        ("en", "Warsaw (GMT+01:00)", "Kyiv (GMT+02:00)"),
    ],
)
def test_zones_are_named_in_the_language_with_their_offset(language, warsaw, kyiv):
    with translation.override(language):
        assert zone_label("Europe/Warsaw", WINTER) == warsaw
        assert zone_label("Europe/Kyiv", WINTER) == kyiv
        labels = dict(time_zone_choices())
    assert "Kyiv" not in labels["Europe/Kyiv"] or language == "en"
    assert "/" not in "".join(labels.values())


def test_the_rest_follow_by_offset():
    with translation.override("pl"):
        zones = [zone for zone, _label in time_zone_choices()][2:]
    assert (
        zones.index("Europe/London") < zones.index("Europe/Berlin") < zones.index("Europe/Helsinki")
    )


def test_a_zone_stored_before_the_list_stays_valid_and_selected():
    field = TimeZoneField()
    assert field.clean("Europe/Kiev") == "Europe/Kiev"
    assert field.clean("Europe/Warsaw") == "Europe/Warsaw"
    html = field.widget.render("time_zone", "Europe/Kiev")
    assert '<option value="Europe/Kiev" selected>' in html
    assert html.count("<option") == len(curated_time_zones()) + 1
    assert "Europe/Kiev" not in TimeZoneField().widget.render("time_zone", "Europe/Warsaw")


@pytest.mark.parametrize("value", ["localtime", "Factory", "Mars/Olympus", "", "Europe/Warsaw\x00"])
def test_what_is_no_zone_is_refused(value):
    with pytest.raises(ValidationError) as refused:
        TimeZoneField().clean(value)
    assert refused.value.code in ("invalid_choice", "required")


def test_the_profile_form_keeps_a_legacy_zone(client, user_factory):
    user = user_factory(time_zone="W-SU")
    client.force_login(user)
    page = client.get(reverse("groups:profile")).content.decode()
    assert '<option value="W-SU" selected>' in page
    assert '<option value="localtime"' not in page
    assert (
        page.index('value="Europe/Warsaw"')
        < page.index('value="Europe/Kyiv"')
        < page.index('value="Europe/Berlin"')
    )
