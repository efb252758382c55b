"""Meetings in a browser: a series edited without retyping, the agenda as rows, the
reminders a facilitator sets and a member turns off, and time zones named in the
language of the page. Each at a desk's width and a phone's."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

ANNA = "a.nowak@lublin.gwd.example"  # member of GWD miejska
MAREK = "m.kowalski@kielce.gwd.example"  # facilitator of GWD miejska
OLENA = "o.kovalenko@zhytomyr.gwd.example"  # Ukrainian facilitator, Kyiv time
MEETINGS = "/groups/gwd-miejska/meetings/"
VIEWPORTS = {
    "desk": {"width": 1280, "height": 900},
    "phone": {"width": 390, "height": 844},
}
FIELDS = """form => {
    const values = {};
    for (const [name, value] of new FormData(form)) {
        if (name !== "csrfmiddlewaretoken" && name !== "apply_to") {
            values[name] = values[name] === undefined ? value : values[name] + "," + value;
        }
    }
    return values;
}"""


def schedule_series(page, title: str) -> int:
    """Schedule a weekly series of three through the form; the first meeting's id."""
    page.goto(f"{MEETINGS}new/")
    day = dt.date.today() + dt.timedelta(days=10)
    page.fill("input[name=title]", title)
    page.fill("textarea[name=description]", "Co tydzień, w sali 5.")
    page.fill("input[name=start_date]", day.isoformat())
    page.fill("input[name=start_time]", "10:00")
    page.fill("input[name=end_time]", "11:30")
    page.fill("input[name=place]", "Urząd Miasta Kielce, sala 5")
    page.fill("input[name=capacity]", "25")
    page.check("input[name=reminders][value='60']")
    page.fill("input[name=agenda-0-title]", "Powitanie")
    page.fill("input[name=agenda-0-presenter]", "Marek Kowalski")
    page.fill("input[name=agenda-0-duration_minutes]", "10")
    page.select_option("select[name=repeat]", "weekly")
    page.fill("input[name=repeat_count]", "3")
    page.locator("main form button.button--primary[type=submit]").click()
    page.wait_for_url(re.compile(r"/meetings/\d+/$"))
    return int(re.search(r"/meetings/(\d+)/$", page.url).group(1))


def edit_values(page, meeting_id: int) -> dict[str, str]:
    page.goto(f"{MEETINGS}{meeting_id}/edit/")
    return page.locator("main form.card").evaluate(FIELDS)


def save(page, meeting_id: int, *, future: bool) -> None:
    if future:
        page.check("input[name=apply_to][value=future]")
    page.locator("main form button.button--primary[type=submit]").click()
    page.wait_for_url(f"**{MEETINGS}{meeting_id}/")
    expect(page.locator(".errorlist")).to_have_count(0)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_facilitator_edits_a_series_without_retyping_anything(open_browser, viewport):
    marek = open_browser("pl-PL", viewport=VIEWPORTS[viewport])
    sign_in(marek, MAREK)
    first = schedule_series(marek, f"Dyżur podatkowy ({viewport})")
    second, third = first + 1, first + 2
    before = {meeting: edit_values(marek, meeting) for meeting in (first, second, third)}
    assert before[second]["reminders"] == "60,1440"  # the group's day before, and an hour
    assert before[second]["agenda-0-title"] == "Powitanie"
    assert before[second]["start_time"] == "10:00"

    # Save the series from its second meeting without touching anything: nothing moves.
    edit_values(marek, second)
    save(marek, second, future=True)
    assert {meeting: edit_values(marek, meeting) for meeting in before} == before

    # Change one field for the rest of the series: only that field changes.
    edit_values(marek, second)
    marek.fill("input[name=place]", "Sala 12")
    save(marek, second, future=True)
    after = {meeting: edit_values(marek, meeting) for meeting in before}
    assert after[first] == before[first]
    for meeting in (second, third):
        assert after[meeting]["place"] == "Sala 12"
        assert {**after[meeting], "place": ""} == {**before[meeting], "place": ""}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_agenda_is_edited_as_rows(open_browser, viewport):
    marek = open_browser("pl-PL", viewport=VIEWPORTS[viewport])
    sign_in(marek, MAREK)
    first = schedule_series(marek, f"Porządek obrad ({viewport})")
    marek.goto(f"{MEETINGS}{first}/edit/")
    rows = marek.locator(".agenda-row")
    expect(rows).to_have_count(4)  # the item and three empty rows
    marek.fill("input[name=agenda-1-title]", "Stawki 2027")
    marek.fill("input[name=agenda-1-duration_minutes]", "45")
    marek.fill("input[name=agenda-2-title]", "Do usunięcia")
    marek.fill("input[name=agenda-3-title]", "Wolne wnioski")
    # More rows than the page brought, with the button JavaScript shows.
    marek.locator("[data-agenda-add]").click()
    expect(rows).to_have_count(5)
    expect(marek.locator("input[name=agenda-4-title]")).to_be_focused()
    marek.fill("input[name=agenda-4-title]", "Zamknięcie")
    marek.locator("label[for=id_agenda-2-DELETE]").click()
    save(marek, first, future=False)
    items = marek.locator("ol.agenda > li")
    expect(items).to_have_count(4)
    texts = [re.sub(r"\s+", " ", t).strip() for t in items.all_inner_texts()]
    assert texts[0].startswith("Powitanie — Marek Kowalski")
    for text, title in zip(texts[1:], ["Stawki 2027", "Wolne wnioski", "Zamknięcie"], strict=True):
        assert text.startswith(title), text
    assert "45" in texts[1]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_member_turns_off_the_reminder_of_a_meeting(open_browser, viewport):
    marek = open_browser("pl-PL", viewport=VIEWPORTS[viewport])
    sign_in(marek, MAREK)
    first = schedule_series(marek, f"Przypomnienia ({viewport})")
    anna = open_browser("pl-PL", viewport=VIEWPORTS[viewport])
    sign_in(anna, ANNA)
    anna.goto(f"{MEETINGS}{first}/")
    anna.locator("button[name=status][value=going]").click()
    settings = anna.locator("form[data-reminders]")
    expect(settings).to_have_attribute("data-reminders", "on")
    settings.locator("button[name=scope][value=meeting]").click()
    expect(anna.locator("form[data-reminders]")).to_have_attribute("data-reminders", "off")
    # The other meetings of the series still remind her, once she registers.
    anna.goto(f"{MEETINGS}{first + 1}/")
    anna.locator("button[name=status][value=going]").click()
    expect(anna.locator("form[data-reminders]")).to_have_attribute("data-reminders", "on")


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize(
    "locale, email, group, warsaw, kyiv, own",
    [
        ("pl-PL", MAREK, "gwd-miejska", "Warszawa (GMT+", "Kijów (GMT+", "Warszawa, GMT+"),
        (
            "uk-UA",
            OLENA,
            "efektywnosc-energetyczna-ua",
            "Варшава (GMT+",
            "Київ (GMT+",
            "Київ, GMT+",
        ),
    ],
)
def test_time_zones_are_named_in_the_language_of_the_page(
    open_browser, viewport, locale, email, group, warsaw, kyiv, own
):
    page = open_browser(locale, viewport=VIEWPORTS[viewport])
    sign_in(page, email)
    page.goto("/profile/")
    options = page.locator("select[name=time_zone] option")
    assert options.nth(0).get_attribute("value") == "Europe/Warsaw"
    assert options.nth(1).get_attribute("value") == "Europe/Kyiv"
    assert options.nth(0).inner_text().startswith(warsaw)
    assert options.nth(1).inner_text().startswith(kyiv)
    values = options.evaluate_all("options => options.map(o => o.value)")
    assert "localtime" not in values and "W-SU" not in values and len(values) < 80
    page.goto(f"/groups/{group}/meetings/")
    expect(page.locator(".zone-label").first).to_contain_text(own)
