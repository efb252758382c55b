"""Indicators in the browser, the second half of a round: an official imports the
round's XLSX template with a bad row (reported, the rest kept), fills the missing figure
and submits, the facilitator verifies, and a member sees the ranking and its charts and
files the PDF report in the library — in Polish in the urban group; in Ukrainian a member
of the Polish-Ukrainian group reads its comparison (money ranked per country), a
municipality's profile, and files a report. Each page is looked at at a phone's and a
desk's width (screenshots in test-results/screenshots/)."""

import io
import re
import subprocess
import sys

import pypdf
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, ROOT, sign_in
from tests.e2e.test_accessibility import serious_violations
from tests.e2e.test_layout import BROKEN_WORDS, DESKTOP, OVERFLOW, PHONE

SCREENSHOTS = ARTIFACTS / "screenshots"
IMAGES_LOADED = """() => [...document.querySelectorAll('figure.chart img')]
    .map(img => img.complete && img.naturalWidth > 0)"""


def look(page, language: str, name: str) -> list[str]:
    problems = []
    page.set_viewport_size(PHONE)
    page.screenshot(path=SCREENSHOTS / f"{language}-390-compare-{name}.png", full_page=True)
    if (overflow := page.evaluate(OVERFLOW)) > 0:
        problems.append(f"{name}: {overflow}px wider than the phone")
    if broken := page.evaluate(BROKEN_WORDS):
        problems.append(f"{name}: words broken letter by letter: {broken[:5]}")
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=SCREENSHOTS / f"{language}-1280-compare-{name}.png", full_page=True)
    return problems


def shell(server, code: str) -> str:
    return (
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "shell", "-c", code],
            env=server["env"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        .stdout.strip()
        .splitlines()[-1]
    )


def charts_loaded(page) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('figure.chart img')]"
        ".every(img => img.complete && img.naturalWidth > 0)",
        timeout=10_000,
    )
    assert all(page.evaluate(IMAGES_LOADED))


def test_a_spreadsheet_with_a_bad_row_then_the_ranking_and_a_report_in_the_library(
    open_browser, server, axe_source, tmp_path
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    ids = shell(
        server,
        "from indicators.models import DataRound; from groups.models import TerritorialUnit;"
        "r = DataRound.objects.get(group__slug='gwd-miejska', title='Dane za 2025');"
        "u = TerritorialUnit.objects.get(code='0461011');"
        "print(r.pk, u.pk, r.indicators.order_by('domain', 'code').first().pk)",
    )
    round_id, unit_id, indicator_id = ids.split()
    base = "/groups/gwd-miejska/indicators/"

    # Bydgoszcz's official downloads the template and sends it back with one bad figure.
    official = open_browser("pl-PL", viewport=DESKTOP, bypass_csp=True)  # axe runs inline
    sign_in(official, "k.wojcik@bydgoszcz.gwd.example")
    official.goto(f"{base}rounds/{round_id}/import/")
    problems += look(official, "pl", "import")
    with official.expect_download() as info:
        official.locator(f"a[href$='/rounds/{round_id}/template.xlsx']").click()
    with open(info.value.path(), "rb") as file:
        workbook = load_workbook(io.BytesIO(file.read()))
    sheet = workbook.active
    rows = list(sheet.iter_rows(min_row=2))
    assert rows and {row[0].value for row in rows} == {"0461011"}
    for n, row in enumerate(rows):
        row[6].value = "sporo" if n == 0 else 40 + n * 5.5  # plausible for each indicator
    filled = tmp_path / "bydgoszcz.xlsx"
    workbook.save(filled)
    official.set_input_files("input[type=file]", str(filled))
    official.locator("main form button[type=submit]").click()
    expect(official.locator(".result--not_a_number")).to_have_count(1)
    expect(official.locator(".result--not_a_number")).to_contain_text("sporo")
    assert serious_violations(official, axe_source) == []
    problems += look(official, "pl", "import-result")

    # The refused figure is typed into the grid, and the form is submitted.
    official.goto(f"{base}rounds/{round_id}/units/{unit_id}/")
    empty = official.locator("input[inputmode=decimal]")
    missing = [i for i in range(empty.count()) if not empty.nth(i).input_value()]
    assert len(missing) == 1
    empty.nth(missing[0]).fill("1 234,5")
    official.locator("button[name=action][value=submit]").click()
    expect(official.locator(".messages .message--success")).to_be_visible()

    # The facilitator verifies.
    lead = open_browser("pl-PL", viewport=DESKTOP)
    sign_in(lead, "m.kowalski@kielce.gwd.example")
    lead.goto(f"{base}rounds/{round_id}/units/{unit_id}/review/")
    lead.locator("button[name=action][value=verify]").click()
    expect(lead.locator(".messages .message--success")).to_be_visible()

    # A member sees Bydgoszcz ranked for 2025, the charts, and files the report.
    member = open_browser("pl-PL", viewport=DESKTOP)
    sign_in(member, "p.wisniewski@poznan.gwd.example")
    member.goto(f"{base}compare/?indicator={indicator_id}&year=2025&unit={unit_id}")
    expect(member.locator("table.table--cards th[scope=row]", has_text="Bydgoszcz")).to_be_visible()
    charts_loaded(member)  # under the site's own Content-Security-Policy
    problems += look(member, "pl", "ranking")
    checker = open_browser("pl-PL", viewport=DESKTOP, bypass_csp=True)  # axe runs inline
    sign_in(checker, "p.wisniewski@poznan.gwd.example")
    checker.goto(member.url)
    assert serious_violations(checker, axe_source) == []
    with member.expect_download() as info:
        member.locator("a[href*='report/?format=pdf']").click()
    with open(info.value.path(), "rb") as file:
        text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(file.read())).pages)
    assert "Bydgoszcz" in text
    member.locator("form[action*='report/save/'] button[type=submit]").click()
    member.wait_for_url(re.compile(r"/groups/gwd-miejska/library/\d+/$"))
    expect(member.locator("main")).to_contain_text("2025")
    problems += look(member, "pl", "report-in-library")
    assert not problems, problems


def test_a_ukrainian_member_reads_the_comparison_and_a_profile_and_files_a_report(
    open_browser, server, axe_source
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    slug = "efektywnosc-energetyczna-ua"
    money, unit_id = shell(
        server,
        "from groups.models import Group, TerritorialUnit\n"
        "from indicators.models import Indicator\n"
        f"group = Group.objects.get(slug={slug!r})\n"
        "i = Indicator.objects.of_group(group).filter(measure='money').order_by('code')[0]\n"
        "u = TerritorialUnit.objects.of_group(group).filter(country='UA').order_by('name')[0]\n"
        "print(i.pk, u.pk)",
    ).split()
    page = open_browser("uk-UA", viewport=DESKTOP)
    sign_in(page, "i.bondarenko@vinnytsia.gwd.example")
    page.goto(f"/groups/{slug}/indicators/compare/?indicator={money}")
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    # Money is in złoty and hryvnia: Poland and Ukraine are ranked apart.
    expect(page.locator("section.card table.table--cards")).to_have_count(2)
    charts_loaded(page)  # under the site's own Content-Security-Policy
    problems += look(page, "uk", "ranking-money")
    page.goto(f"/groups/{slug}/indicators/units/{unit_id}/profile/")
    expect(page.locator("main table.table--cards tbody tr").first).to_be_visible()
    problems += look(page, "uk", "profile")
    checker = open_browser("uk-UA", viewport=DESKTOP, bypass_csp=True)  # axe runs inline
    sign_in(checker, "i.bondarenko@vinnytsia.gwd.example")
    for url in (f"/groups/{slug}/indicators/compare/?indicator={money}", page.url):
        checker.goto(url)
        assert serious_violations(checker, axe_source) == [], url
    page.goto(f"/groups/{slug}/indicators/compare/?indicator={money}")
    page.locator("form[action*='report/save/'] button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/groups/{slug}/library/\d+/$"))
    problems += look(page, "uk", "report-in-library")
    assert not problems, problems
