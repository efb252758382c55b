"""What a person does in a browser, end to end (see the conftest for the set-up)."""

import datetime as dt
import re
import zoneinfo
from urllib.parse import urlsplit

import icalendar

from tests.e2e.conftest import last_mail_to, sign_in

ANNA = "a.nowak@lublin.gwd.example"  # member of GWD miejska
MAREK = "m.kowalski@kielce.gwd.example"  # facilitator of GWD miejska
PIOTR = "p.wisniewski@poznan.gwd.example"  # member of GWD miejska
OLENA = "o.kovalenko@zhytomyr.gwd.example"  # Ukrainian facilitator, Kyiv time
IHOR = "i.bondarenko@vinnytsia.gwd.example"  # Ukrainian member


def open_thread(page, title_part: str = "Podatek od nieruchomości") -> str:
    page.goto("/groups/gwd-miejska/threads/")
    page.get_by_role("link", name=re.compile(title_part)).first.click()
    page.wait_for_selector("#connection.connection--online, #connection:has-text('Połączono')")
    return page.url


def send(page, text: str) -> None:
    page.fill("#reply-form textarea[name=body]", text)
    page.locator("#reply-form button[type=submit]").click()


def test_two_members_see_messages_reactions_and_edits_live(open_browser):
    anna, piotr = open_browser(), open_browser()
    sign_in(anna, ANNA)
    sign_in(piotr, PIOTR)
    url = open_thread(anna)
    piotr.goto(url)
    piotr.wait_for_selector("#connection:has-text('Połączono')")

    send(anna, "Nasza stawka to 1,20 zł")
    message = piotr.locator("article", has_text="Nasza stawka to 1,20 zł")
    message.wait_for()

    message.get_by_role("button", name=re.compile("reakcj", re.I)).first.click()
    piotr.get_by_role("button", name=re.compile("👍")).first.click()
    anna.locator("article", has_text="Nasza stawka").locator(
        ".reactions, .reaction-bar"
    ).get_by_text("👍").first.wait_for()

    mine = anna.locator("article", has_text="Nasza stawka to 1,20 zł")
    mine.get_by_role("button", name=re.compile("Edytuj")).click()
    editor = mine.locator("textarea")
    editor.fill("Nasza stawka to 1,25 zł")
    mine.get_by_role("button", name=re.compile("Zapisz")).click()
    piotr.locator("article", has_text="Nasza stawka to 1,25 zł").wait_for()
    assert not anna.errors and not piotr.errors


def test_a_hidden_message_disappears_from_the_other_browser(open_browser):
    anna, marek = open_browser(), open_browser()
    sign_in(anna, ANNA)
    sign_in(marek, MAREK)
    url = open_thread(anna)
    marek.goto(url)
    marek.wait_for_selector("#connection:has-text('Połączono')")
    send(anna, "Kupcie tanie zegarki dla gmin")
    article = marek.locator("article", has_text="Kupcie tanie zegarki dla gmin")
    article.wait_for()
    article.locator("summary").click()
    article.locator("input[name=reason]").fill("Reklama")
    article.get_by_role("button", name="Ukryj").click()
    anna.locator("article", has_text="Powód: Reklama").wait_for()
    for page in (anna, marek):
        assert page.locator("text=Kupcie tanie zegarki dla gmin").count() == 0


def test_an_offline_member_gets_everything_once_in_order(open_browser):
    anna, piotr = open_browser(), open_browser()
    sign_in(anna, ANNA)
    sign_in(piotr, PIOTR)
    url = open_thread(anna)
    piotr.goto(url)
    piotr.wait_for_selector("#connection:has-text('Połączono')")
    piotr.context.set_offline(True)
    for n in range(4):
        send(anna, f"Podczas przerwy {n}")
        anna.locator("article", has_text=f"Podczas przerwy {n}").locator(
            "xpath=self::*[not(contains(@class,'message--pending'))]"
        ).wait_for()
    piotr.context.set_offline(False)
    piotr.locator("article", has_text="Podczas przerwy 3").wait_for(timeout=45_000)
    bodies = [
        text
        for text in piotr.locator("#messages article .message__body").all_inner_texts()
        if text.startswith("Podczas przerwy")
    ]
    assert bodies == [f"Podczas przerwy {n}" for n in range(4)]


def test_an_upload_shows_progress_and_another_member_downloads_it(open_browser, tmp_path):
    marek, anna = open_browser(), open_browser()
    sign_in(marek, MAREK)
    sign_in(anna, ANNA)
    pdf = tmp_path / "uchwala.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%" + b"0" * (3 * 1024 * 1024) + b"\n%%EOF\n")
    marek.goto("/groups/gwd-miejska/library/")
    session = marek.context.new_cdp_session(marek)
    session.send("Network.enable")
    session.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 1_000_000},
    )
    marek.set_input_files("input[name=file]", str(pdf))
    marek.fill("input[name=title]", "Projekt uchwały")
    marek.locator("form.upload-form button[type=submit]").click()
    marek.wait_for_selector(".upload-progress:not([hidden])")
    marek.wait_for_url(re.compile(r"/library/\d+/$"), timeout=60_000)
    document_url = marek.url

    anna.goto(document_url)
    with anna.expect_download() as info:
        anna.get_by_role("link", name=re.compile("^Pobierz")).first.click()
    download = info.value
    assert download.suggested_filename == "uchwala.pdf"
    assert download.path().read_bytes().startswith(b"%PDF-")


def test_a_large_file_goes_in_chunks_and_resumes_after_a_lost_connection(open_browser, tmp_path):
    marek = open_browser()
    sign_in(marek, MAREK)
    # Fixed bytes that differ from block to block: a chunk stored twice or out of place
    # changes the file, and every run sends the same one.
    filler = b"".join(b"%07x " % n for n in range(12 * 1024 * 1024 // 8))
    content = b"%PDF-1.4\n%" + filler + b"\n%%EOF\n"
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(content)
    dropped = []

    def drop_the_second_chunk_once(route):
        if "offset=0" not in route.request.url and not dropped:
            dropped.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    marek.route(re.compile(r"/library/uploads/\d+/\?offset="), drop_the_second_chunk_once)
    marek.goto("/groups/gwd-miejska/library/")
    marek.set_input_files("input[name=file]", str(pdf))
    marek.fill("input[name=title]", "Plan w kawałkach")
    marek.locator("form.upload-form button[type=submit]").click()
    marek.wait_for_url(re.compile(r"/library/\d+/$"), timeout=60_000)
    assert dropped, "the upload did not go in chunks"
    with marek.expect_download() as info:
        marek.get_by_role("link", name=re.compile("^Pobierz")).first.click()
    assert info.value.path().read_bytes() == content


def test_a_member_registers_and_downloads_the_ics(open_browser):
    ihor = open_browser("uk-UA")
    sign_in(ihor, IHOR)
    ihor.goto("/groups/efektywnosc-energetyczna-ua/meetings/")
    ihor.get_by_role("link", name="Spotkanie E2E").click()
    ihor.locator("button[name=status][value=going]").click()
    ihor.locator(".messages").wait_for()
    with ihor.expect_download() as info:
        ihor.get_by_role("link", name=re.compile(r"\.ics")).click()
    calendar = icalendar.Calendar.from_ical(info.value.path().read_bytes())
    [event] = calendar.walk("VEVENT")
    assert "Spotkanie E2E" in str(event["summary"])
    assert "https://meet.example.org/e2e" in str(event["description"])


def test_a_ukrainian_user_sees_ukrainian_and_kyiv_time(open_browser):
    olena = open_browser("en-US")  # the browser asks for English; the profile says Ukrainian
    sign_in(olena, OLENA)
    assert olena.locator("html").get_attribute("lang") == "uk"
    assert olena.get_by_role("link", name="Мої групи").count() == 1
    olena.goto("/groups/efektywnosc-energetyczna-ua/meetings/")
    olena.get_by_role("link", name="Spotkanie E2E").click()
    when = olena.locator(".facts dd").first.inner_text()
    warsaw_ten = dt.datetime.combine(
        dt.date.today(), dt.time(10), tzinfo=zoneinfo.ZoneInfo("Europe/Warsaw")
    )
    kyiv_hour = warsaw_ten.astimezone(zoneinfo.ZoneInfo("Europe/Kyiv")).hour
    assert f"{kyiv_hour}:00–{kyiv_hour + 1}:00" in when
    # The meeting's own zone beside the reader's, both named in the reader's language.
    assert "(Варшава: 10:00–11:00)" in when and "Київ" in when


def test_an_invitation_link_leads_through_sign_up_to_the_group(open_browser, server):
    marek = open_browser()
    sign_in(marek, MAREK)
    marek.goto("/groups/gwd-miejska/invitations/")
    marek.fill("#id_email", "nowa.urzedniczka@dzierzoniow.gwd.example")
    marek.locator("form[action$='invitations/new/'] button[type=submit]").click()
    marek.locator(".messages").wait_for()

    text = last_mail_to(server["mail"], "nowa.urzedniczka@dzierzoniow.gwd.example")
    link = re.search(r"http://127\.0\.0\.1:\d+/invitations/[^\s]+/", text).group(0)
    newcomer = open_browser()
    newcomer.goto(link)
    newcomer.wait_for_url("**/accounts/signup/")
    assert newcomer.locator("input[name=email]").input_value() == (
        "nowa.urzedniczka@dzierzoniow.gwd.example"
    )
    newcomer.fill("input[name=full_name]", "Maria Nowicka")
    newcomer.fill("input[name=password1]", "a-long-password-2026")
    newcomer.fill("input[name=password2]", "a-long-password-2026")
    newcomer.locator("main button[type=submit]").click()
    newcomer.goto("/")
    newcomer.get_by_role("link", name="GWD miejska").first.click()
    newcomer.wait_for_url("**/groups/gwd-miejska/")
    assert newcomer.get_by_role("heading", name="GWD miejska").count() >= 1


def edit_and_save_the_first_meeting(page, meetings_url: str, save: str) -> tuple[str, str]:
    """Open the first meeting of the list, edit it, save without retyping anything; the
    date and time fields shown, as the browser holds them."""
    page.goto(meetings_url)
    links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    page.goto(next(href for href in links if re.search(r"/meetings/\d+/$", href)))
    detail = page.url
    page.locator(f"a[href='{urlsplit(detail).path}edit/']").click()
    date = page.locator("input[name=start_date]").input_value()
    start = page.locator("input[name=start_time]").input_value()
    page.get_by_role("button", name=save).click()
    page.wait_for_url(detail)
    return date, start


def test_a_facilitator_edits_a_meeting_without_retyping_anything(open_browser):
    olena = open_browser("uk-UA")
    sign_in(olena, OLENA)
    date, start = edit_and_save_the_first_meeting(
        olena, "/groups/efektywnosc-energetyczna-ua/meetings/", "Зберегти"
    )
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", date), date
    assert re.fullmatch(r"\d{2}:\d{2}", start), start
    assert olena.locator(".errorlist").count() == 0


def test_a_facilitator_edits_a_meeting_on_a_phone(open_browser):
    marek = open_browser("pl-PL", viewport={"width": 390, "height": 844})
    sign_in(marek, MAREK)
    date, _start = edit_and_save_the_first_meeting(marek, "/groups/gwd-miejska/meetings/", "Zapisz")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", date), date
    assert marek.locator(".errorlist").count() == 0
