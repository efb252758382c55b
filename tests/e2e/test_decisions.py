"""Polls in the browser: started in a thread, voted in live (the other reader's card
changes without a reload), closed with an outcome, and a date poll that becomes its
meeting — at a desk's width and a phone's, in Polish and Ukrainian. Screenshots of each
step are kept in test-results/screenshots/ (see the conftest for the set-up)."""

import re

import pytest
from playwright.sync_api import Error, expect

from tests.e2e.conftest import ARTIFACTS, sign_in

SCREENSHOTS = ARTIFACTS / "screenshots"
ANNA = "a.nowak@lublin.gwd.example"  # member of GWD miejska, Warsaw
MAREK = "m.kowalski@kielce.gwd.example"  # facilitator of GWD miejska, Warsaw
ROBERT = "r.dabrowski@plock.gwd.example"  # facilitator of the Ukrainian group, Warsaw
OLENA = "o.kovalenko@zhytomyr.gwd.example"  # facilitator of the Ukrainian group, Kyiv
IHOR = "i.bondarenko@vinnytsia.gwd.example"  # member of the Ukrainian group, Kyiv

# language: (group, thread, facilitator, voter)
CASES = {
    "pl": ("gwd-miejska", "Podatek od nieruchomości", MAREK, ANNA),
    "uk": ("efektywnosc-energetyczna-ua", "Umowa ESCO", OLENA, IHOR),
}
VIEWPORTS = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}
WAIT = 10_000  # ms: the longest any live change may take here


def shoot(page, name: str, locator=None) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"polls-live-{name}.png"
    if locator is None:
        page.screenshot(path=path, full_page=True)
        return
    # A live card may be put afresh in place while it is being shot: shoot the new one.
    for attempt in range(3):
        try:
            locator.scroll_into_view_if_needed()
            locator.screenshot(path=path)
            return
        except Error:
            if attempt == 2:
                raise


def open_thread(page, group: str, title: str) -> str:
    page.goto(f"/groups/{group}/threads/")
    page.get_by_role("link", name=re.compile(title)).first.click()
    page.locator("#connection.connection--online").wait_for()
    return page.url


def start_poll(page, thread_url: str, *, kind: str, title: str, options: str) -> int:
    """Start a poll from the thread's link; returns its id."""
    page.goto(thread_url)
    page.locator("a[href*='/decisions/new/?thread=']").click()
    page.select_option("select[name=kind]", kind)
    page.fill("input[name=title]", title)
    page.fill("textarea[name=options]", options)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/decisions/\d+/$"))
    return int(page.url.rstrip("/").rsplit("/", 1)[-1])


def no_overflow(page) -> None:
    """Nothing sticks out sideways: the page is as wide as the window."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"page is {width}px wide"


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", CASES)
def test_a_vote_shows_at_once_in_the_other_browser_and_so_does_the_outcome(
    open_browser, language, viewport
):
    group, thread, facilitator_email, voter_email = CASES[language]
    locale = "pl-PL" if language == "pl" else "uk-UA"
    size = VIEWPORTS[viewport]
    facilitator = open_browser(locale=locale, viewport=size)
    voter = open_browser(locale=locale, viewport=size)
    sign_in(facilitator, facilitator_email)
    sign_in(voter, voter_email)
    url = open_thread(facilitator, group, thread)
    title = f"Gdzie spotkanie {language}-{viewport}?"
    poll_id = start_poll(
        facilitator, url, kind="single", title=title, options="Kielce\nŻytomierz\nLublin"
    )

    facilitator.goto(url)
    facilitator.locator("#connection.connection--online").wait_for()
    voter.goto(url)
    voter.locator("#connection.connection--online").wait_for()
    watched = facilitator.locator(f".poll-card[data-poll='{poll_id}']")
    card = voter.locator(f".poll-card[data-poll='{poll_id}']")
    first = card.locator("input[name=option]").first
    option_id = first.get_attribute("value")
    row = watched.locator(f"li[data-result='{option_id}']")
    expect(row.locator(".poll-bar__number")).to_have_text("0")
    shoot(voter, f"{language}-{viewport}-card-before", card)

    first.check()
    card.locator("button[type=submit]").click()
    # The voter's card counts the vote; so does the facilitator's, without a reload.
    expect(card.locator(f"li[data-result='{option_id}'] .poll-bar__number")).to_have_text(
        "1", timeout=WAIT
    )
    expect(row.locator(".poll-bar__number")).to_have_text("1", timeout=WAIT)
    expect(card.locator("button[type=submit]")).to_be_enabled(timeout=WAIT)
    expect(row).to_have_class(re.compile("poll-bar--leading"))
    expect(row.locator("meter")).to_have_attribute("value", "100")
    expect(watched.locator("[data-poll-voters]")).to_contain_text("1")
    shoot(facilitator, f"{language}-{viewport}-card-live", watched)
    no_overflow(voter)
    no_overflow(facilitator)

    # The facilitator closes the poll and writes the decision on another tab; the voter's
    # card shows it without a reload.
    desk = facilitator.context.new_page()
    desk.set_viewport_size(size)
    desk.goto(f"/groups/{group}/decisions/{poll_id}/")
    desk.locator("form[action$='/close/'] button[type=submit]").click()
    desk.locator("a[href$='/outcome/']").click()
    decision = f"Spotkanie w Kielcach ({language}-{viewport})."
    desk.fill("textarea[name=outcome]", decision)
    desk.locator("main form button[type=submit]").click()
    desk.wait_for_url(re.compile(rf"/decisions/{poll_id}/$"))
    shoot(desk, f"{language}-{viewport}-poll-page")
    no_overflow(desk)
    expect(card.locator(".poll__outcome")).to_contain_text(decision, timeout=WAIT)
    expect(card.locator("form[data-poll-vote]")).to_have_count(0)
    shoot(voter, f"{language}-{viewport}-card-decided", card)
    assert not voter.errors and not facilitator.errors


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_date_poll_becomes_its_meeting_and_each_reads_it_in_their_zone(open_browser, viewport):
    """Robert types the slots in Warsaw; Ihor, in Kyiv, reads them an hour later with
    Warsaw's time beside; the slot after the October change becomes the meeting."""
    group, thread = CASES["uk"][:2]
    size = VIEWPORTS[viewport]
    robert = open_browser(locale="pl-PL", viewport=size)
    ihor = open_browser(locale="uk-UA", viewport=size)
    olena = open_browser(locale="uk-UA", viewport=size)
    for page, address in ((robert, ROBERT), (ihor, IHOR), (olena, OLENA)):
        sign_in(page, address)
    url = open_thread(robert, group, thread)
    title = f"Termin spotkania ESCO {viewport}"
    poll_id = start_poll(
        robert,
        url,
        kind="date",
        title=title,
        options="2027-10-29 10:00-11:00\n2027-11-02 10:00-11:00",
    )
    robert_card = robert.locator(f".poll-card[data-poll='{poll_id}']")
    expect(robert_card).to_contain_text("2 listopada 2027, 10:00–11:00 Warszawa")
    shoot(robert, f"pl-{viewport}-date-poll")

    ihor.goto(url)
    ihor.locator("#connection.connection--online").wait_for()
    card = ihor.locator(f".poll-card[data-poll='{poll_id}']")
    # Kyiv is an hour ahead of Warsaw before the change (29 October) and after it (2 November).
    expect(card).to_contain_text("29 жовтня 2027, 11:00–12:00 Київ (10:00–11:00 Варшава)")
    expect(card).to_contain_text("2 листопада 2027, 11:00–12:00 Київ (10:00–11:00 Варшава)")
    radios = card.locator("input[type=radio][value='2']")  # "yes" to each slot
    for index in range(radios.count()):
        radios.nth(index).check()
    card.locator("button[type=submit]").click()
    slots = card.locator("li[data-result]")
    expect(slots.first).to_contain_text("1", timeout=WAIT)
    # The card comes back as a reload shows it: the vote taken, the button ready again.
    expect(card.locator("button[type=submit]")).to_be_enabled(timeout=WAIT)
    shoot(ihor, f"uk-{viewport}-date-card", card)
    no_overflow(ihor)

    olena.goto(f"/groups/{group}/decisions/{poll_id}/")
    form = olena.locator("form[action$='/meeting/']")
    later_slot = form.locator("label", has_text="2 листопада 2027")
    later_slot.locator("input").check()
    shoot(olena, f"uk-{viewport}-date-schedule", form)
    # Scheduling tells every member at once (the test server sends its e-mail in the
    # request): allow it time on a busy machine.
    form.locator("button[type=submit]").click(no_wait_after=True)
    olena.wait_for_url(re.compile(r"/meetings/\d+/$"), timeout=60_000)
    expect(olena.locator("main")).to_contain_text(title)
    expect(olena.locator("main")).to_contain_text("11:00–12:00")
    shoot(olena, f"uk-{viewport}-meeting")
    no_overflow(olena)

    # Ihor's card, never reloaded, now links the meeting.
    meeting_link = card.locator(".poll-meeting a")
    expect(meeting_link).to_be_visible(timeout=WAIT)
    meeting_link.click()
    ihor.wait_for_url(re.compile(r"/meetings/\d+/$"))
    main = ihor.locator("main")
    expect(main).to_contain_text("11:00–12:00")
    expect(main).to_contain_text("10:00–11:00")  # Warsaw's, beside
    expect(main.locator(f"a[href$='/decisions/{poll_id}/']")).to_be_visible()
    shoot(ihor, f"uk-{viewport}-meeting-voter")
    assert not ihor.errors and not olena.errors and not robert.errors


def test_without_a_script_the_card_still_votes(open_browser):
    group, thread, facilitator_email, voter_email = CASES["pl"]
    facilitator = open_browser()
    sign_in(facilitator, facilitator_email)
    url = open_thread(facilitator, group, thread)
    poll_id = start_poll(facilitator, url, kind="single", title="Bez skryptu?", options="Tak\nNie")
    voter = open_browser(java_script_enabled=False)
    sign_in(voter, voter_email)
    voter.goto(url)
    card = voter.locator(f".poll-card[data-poll='{poll_id}']")
    option_id = card.locator("input[name=option]").first.get_attribute("value")
    card.locator("input[name=option]").first.check()
    card.locator("button[type=submit]").click()
    voter.wait_for_load_state()
    voter.goto(url)
    card = voter.locator(f".poll-card[data-poll='{poll_id}']")
    expect(card.locator(f"li[data-result='{option_id}'] .poll-bar__number")).to_have_text("1")
