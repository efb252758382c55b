"""Date-poll slots: typed in the organiser's zone, read in each voter's with the
organiser's beside it, right on both sides of a change of daylight saving time."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import translation

from decisions.slots import slot_instant, slot_label, slot_time
from gwd.errors import ServiceError

WARSAW, KYIV, NEW_YORK = "Europe/Warsaw", "Europe/Kyiv", "America/New_York"


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def test_a_slot_typed_in_warsaw_is_stored_at_its_instant_on_both_sides_of_the_october_change():
    # 2027: the clocks go back on Sunday 31 October, at 01:00 UTC.
    before = slot_instant(dt.date(2027, 10, 29), dt.time(10, 0), WARSAW)
    after = slot_instant(dt.date(2027, 11, 2), dt.time(10, 0), WARSAW)
    assert before == utc("2027-10-29T08:00")  # CEST, UTC+2
    assert after == utc("2027-11-02T09:00")  # CET, UTC+1


def test_warsaw_and_kyiv_change_their_clocks_at_the_same_instant():
    # Checked against the tz database rather than assumed: both leave summer time at
    # 01:00 UTC on 31 October 2027 and start it at 01:00 UTC on 28 March 2027, so at
    # every instant around the changes Kyiv is exactly one hour ahead of Warsaw.
    def offset(zone: str, instant: dt.datetime) -> dt.timedelta | None:
        return instant.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()

    instant = utc("2027-03-27T00:00")
    while instant < utc("2027-11-03T00:00"):
        assert offset(KYIV, instant) - offset(WARSAW, instant) == dt.timedelta(hours=1)
        instant += dt.timedelta(minutes=30)
    for zone, summer in ((WARSAW, 2), (KYIV, 3)):
        assert offset(zone, utc("2027-03-28T00:59")) == dt.timedelta(hours=summer - 1)
        assert offset(zone, utc("2027-03-28T01:00")) == dt.timedelta(hours=summer)
        assert offset(zone, utc("2027-10-31T00:59")) == dt.timedelta(hours=summer)
        assert offset(zone, utc("2027-10-31T01:00")) == dt.timedelta(hours=summer - 1)


@pytest.mark.parametrize(
    ("day", "kyiv_clock"),
    [(dt.date(2027, 10, 29), "11:00–12:00"), (dt.date(2027, 11, 2), "11:00–12:00")],
)
def test_a_voter_in_kyiv_sees_the_warsaw_organisers_slot_an_hour_later_with_warsaws_beside_it(
    day, kyiv_clock
):
    starts = slot_instant(day, dt.time(10, 0), WARSAW)
    slot = slot_time(
        starts, starts + dt.timedelta(hours=1), viewer_zone=KYIV, organiser_zone=WARSAW
    )
    assert slot.starts_at.strftime("%H:%M") == "11:00"
    assert not slot.same_clock
    with translation.override("uk"):
        label = slot_label(slot)
    assert label.clock == kyiv_clock
    assert label.organiser_clock == "10:00–11:00"
    assert str(label).endswith("11:00–12:00 Київ (10:00–11:00 Варшава)")
    with translation.override("en"):
        assert str(slot_label(slot)).endswith("11:00–12:00 Kyiv (10:00–11:00 Warsaw)")


def test_the_label_names_the_day_in_the_voters_language():
    starts = slot_instant(dt.date(2027, 11, 2), dt.time(10, 0), WARSAW)
    slot = slot_time(starts, None, viewer_zone=KYIV, organiser_zone=WARSAW)
    with translation.override("pl"):
        assert str(slot_label(slot)) == "Wtorek, 2 listopada 2027, 11:00 Kijów (10:00 Warszawa)"
    with translation.override("uk"):
        assert str(slot_label(slot)).startswith("Вівторок, 2 листопада 2027, 11:00 Київ")


def test_a_voter_in_the_organisers_zone_sees_one_time():
    starts = slot_instant(dt.date(2027, 11, 2), dt.time(10, 0), WARSAW)
    slot = slot_time(
        starts, starts + dt.timedelta(minutes=90), viewer_zone=WARSAW, organiser_zone=WARSAW
    )
    with translation.override("pl"):
        label = slot_label(slot)
    assert slot.same_clock and label.organiser_clock == ""
    assert str(label) == "Wtorek, 2 listopada 2027, 10:00–11:30 Warszawa"


def test_between_two_zones_changes_the_difference_follows_the_instant():
    # New York leaves summer time a week after Europe (7 November 2027): between the two
    # changes it is five hours behind Warsaw instead of six. No fixed difference is
    # assumed anywhere.
    slots = {
        day: slot_time(
            slot_instant(day, dt.time(10, 0), WARSAW),
            None,
            viewer_zone=NEW_YORK,
            organiser_zone=WARSAW,
        )
        for day in (dt.date(2027, 10, 29), dt.date(2027, 11, 2), dt.date(2027, 11, 8))
    }
    assert [s.starts_at.strftime("%H:%M") for s in slots.values()] == ["04:00", "05:00", "04:00"]


def test_the_organisers_day_is_named_when_it_is_another_than_the_voters():
    # 23:30 in Warsaw is 00:30 the next day in Kyiv.
    starts = slot_instant(dt.date(2027, 11, 2), dt.time(23, 30), WARSAW)
    slot = slot_time(starts, None, viewer_zone=KYIV, organiser_zone=WARSAW)
    with translation.override("pl"):
        label = slot_label(slot)
    assert label.day == "Środa, 3 listopada 2027"
    assert label.organiser_clock == "2 listopada 23:30"


def test_a_slot_ending_on_another_day_names_the_days_end():
    starts = slot_instant(dt.date(2027, 11, 2), dt.time(22, 0), WARSAW)
    slot = slot_time(
        starts, starts + dt.timedelta(hours=3), viewer_zone=WARSAW, organiser_zone=WARSAW
    )
    with translation.override("pl"):
        assert slot_label(slot).clock == "22:00 – 3 listopada 01:00"


def test_the_hour_that_happens_twice_in_october_is_taken_the_first_time():
    # 02:30 on 31 October 2027 happens twice in Warsaw (and 03:30 twice in Kyiv).
    starts = slot_instant(dt.date(2027, 10, 31), dt.time(2, 30), WARSAW)
    assert starts == utc("2027-10-31T00:30")
    slot = slot_time(starts, None, viewer_zone=KYIV, organiser_zone=WARSAW)
    assert slot.starts_at.strftime("%H:%M %z") == "03:30 +0300"


def test_the_hour_the_clocks_skip_in_march_is_refused():
    with pytest.raises(ServiceError) as refused:
        slot_instant(dt.date(2027, 3, 28), dt.time(2, 30), WARSAW)
    assert refused.value.code == "invalid"


def test_an_unknown_zone_is_refused():
    with pytest.raises(ServiceError):
        slot_time(utc("2027-11-02T09:00"), None, viewer_zone="Mars/Olympus", organiser_zone=WARSAW)
