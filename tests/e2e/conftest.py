"""Browser tests: a real daphne server started here, Debian's Chromium driven by
Playwright, axe-core from the npm registry for accessibility.

Run on their own (`make test-e2e`): pytest-asyncio and Playwright's loop do not mix in
one process. A missing browser fails the run; nothing is skipped.
"""

import email
import email.policy
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("GWD_CHROMIUM", "/usr/bin/chromium")
AXE_VERSION = "4.14.1"
AXE_DIR = ROOT / "var" / "e2e-tools"
ARTIFACTS = ROOT / "test-results"
# The home page after signing in: the site root, not just any URL ending in "/".
HOME = re.compile(r"^https?://[^/]+/$")
PASSWORD = "gwd-demo-2026"

FIXTURES = """
import datetime as dt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from groups.models import Group, User
from meetings import services as meetings

group = Group.objects.get(slug="efektywnosc-energetyczna-ua")
organiser = User.objects.get(email="r.dabrowski@plock.gwd.example")
# A meeting at 10:00 Warsaw time on a day without a clock change.
day = timezone.localdate() + dt.timedelta(days=10)
starts = meetings.local_to_utc(day, dt.time(10), "Europe/Warsaw")
meetings.meeting_schedule(
    actor=organiser, group=group, title="Spotkanie E2E", starts_at=starts,
    ends_at=starts + dt.timedelta(hours=1), time_zone="Europe/Warsaw",
    online_url="https://meet.example.org/e2e",
)
from resources import services as library

library.document_upload(
    actor=User.objects.get(email="m.kowalski@kielce.gwd.example"),
    group=Group.objects.get(slug="gwd-miejska"),
    upload=SimpleUploadedFile("procedura.txt", "Procedura: podatek od nieruchomości".encode()),
    title="Procedura wymiaru podatku",
)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, installed from the npm registry on first use."""
    script = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        if shutil.which("npm") is None:
            pytest.fail("npm is needed to install axe-core for the accessibility checks")
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(AXE_DIR),
                f"axe-core@{AXE_VERSION}",
            ],
            check=True,
            timeout=300,
        )
    return script.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """GWD on daphne with DEBUG off, its own SQLite database and demo data."""
    work = tmp_path_factory.mktemp("e2e")
    mail_dir = work / "mail"
    mail_dir.mkdir()
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(work),
        "SECRET_KEY": "e2e-only-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "GWD_VAR_DIR": str(work),
        "STATIC_ROOT": str(work / "static"),
        "EMAIL_URL": f"file://{mail_dir}",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "MESSAGE_RATE": "100/10seconds",
        "LOGIN_RATE": "600/m/ip",  # every test signs in from 127.0.0.1
        "TASKS_BACKEND": "immediate",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (
        ["migrate", "-v0"],
        ["collectstatic", "--no-input", "-v0"],
        ["compile_catalogues"],
        ["seed_demo", "--allow-production"],
        ["search_reindex"],
        ["shell", "-c", FIXTURES],
    ):
        subprocess.run(
            [*manage, *command],
            env=env,
            cwd=ROOT,
            check=True,
            timeout=300,
            stdout=subprocess.DEVNULL,
        )
    log = (work / "daphne.log").open("w")
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gwd.server"),  # how GWD runs daphne
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "gwd.asgi:application",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    else:
        process.terminate()
        pytest.fail("daphne did not start")
    yield {"url": f"http://127.0.0.1:{port}", "mail": mail_dir, "env": env, "work": work}
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser(chromium_path):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def open_browser(request, browser, server):
    """open_browser(locale="pl-PL", **context options) → a page; on failure each page's
    screenshot and HTML are kept in test-results/."""
    contexts = []

    def make(locale: str = "pl-PL", **options):
        context = browser.new_context(locale=locale, base_url=server["url"], **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield make
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for n, context in enumerate(contexts):
            for m, page in enumerate(context.pages):
                stem = ARTIFACTS / f"{request.node.name}-{n}-{m}"
                try:
                    page.screenshot(path=f"{stem}.png", full_page=True)
                    Path(f"{stem}.html").write_text(page.content(), encoding="utf-8")
                except Exception:
                    continue
    for context in contexts:
        context.close()


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(HOME)


def last_mail_to(mail_dir: Path, address: str) -> str:
    """The decoded plain text of the newest e-mail the server sent to `address`."""
    for path in sorted(mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True):
        raw_messages = path.read_text(encoding="utf-8").split("-" * 79)
        for raw in reversed(raw_messages):
            message = email.message_from_string(raw.strip(), policy=email.policy.default)
            if address in str(message.get("To", "")):
                return message.get_body(preferencelist=("plain",)).get_content()
    raise AssertionError(f"no e-mail to {address}")


__all__ = ["PASSWORD", "json", "last_mail_to", "sign_in"]
