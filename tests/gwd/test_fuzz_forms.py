# ruff: noqa: F811 — the isolation walk's scene fixture, imported, is redefined as an argument
"""No odd input is a server error.

A signed-in facilitator of a group with data opens every group page the isolation walk
finds, and their own pages; every form on them is collected (its action and fields,
with the values the page filled in). Then each form is sent again with odd values in
its fields — huge and negative numbers, digits that are not ASCII, NUL, CR/LF, bidi
controls, very long text, dates like 9999-12-31 and 0000-00-00 — first one field and
one value at a time for the values that broke GWD before, then in combinations that
hypothesis draws. No answer may be a 500.

Each request runs in a savepoint that is rolled back, so every one starts from the same
group. Hypothesis derives its examples from the test's name (derandomize): a failure is
the same on every run and every machine.
"""

import datetime as dt
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groups import services
from groups.models import Message, Notification
from gwd import ratelimit
from meetings import services as meeting_services
from meetings.models import Meeting
from resources import services as library_services
from resources.models import Document
from tests.groups.test_isolation import GROUP_URLS, scene, url_for  # noqa: F401

# The values that gave 500s before, sent to every field of every form one by one.
SWEEP = ["9" * 25, "²", "-1", "9999-12-31", "a\r\nb", "\x00", "\u202ex"]

ODD = [
    *SWEEP,
    "0000-00-00",
    str(2**63),
    str(2**64),
    "-9999999999999999999999",
    "0",
    "١٢",
    "1e5",
    "1.5",
    "a\x00b",
    "x" * 20_000,
    "\r",
    "\n\n",
    "\u202eexe.fdp",
    "\u2066\u2069\u200f\u061c",
    "0001-01-01",
    "2027-02-30",
    "9999-12",
    "-1-01",
    "25:99",
    "23:59:60",
    "javascript:alert(1)",
    "https://evil.example/phish",
    "//evil.example/phish",
    "x" * 300 + "@gwd.test",
    "",
    "   ",
    '=HYPERLINK("https://evil.example/")',
]
odd_value = st.one_of(
    st.sampled_from(ODD),
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40),
    st.integers().map(str),
)
odd_values = st.one_of(odd_value, st.lists(odd_value, min_size=2, max_size=3))

# Query parameters that pages read without a form.
QUERY_FIELDS = ["month", "ids", "q", "before", "page", "kind", "role", "folder", "offset"]

PERSONAL_PAGES = [
    "groups:profile",
    "groups:notifications",
    "groups:notification-settings",
    "groups:group-list",
    "meetings:calendar-feeds",
    "resources:template-list",
    "home",
]

fuzzing = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=4,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# --- Finding the forms ------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)

    def add(self, name: str, value: str) -> None:
        self.fields.setdefault(name, [])
        if value is not None:
            self.fields[name].append(value)


class FormParser(HTMLParser):
    """The POST forms of a page: action and fields, with what the page put in them."""

    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None
        self.first_option: str | None = None
        self.selected = False
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self.form = Form(urljoin(self.page_url, a.get("action") or self.page_url))
                self.forms.append(self.form)
            return
        if self.form is None or (not a.get("name") and tag != "option"):
            return
        name = a.get("name")
        if name == "csrfmiddlewaretoken":  # the test client does not check it
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                self.form.files.add(name)
                self.form.fields.setdefault(name, [])
            elif kind in ("checkbox", "radio"):
                self.form.add(name, a.get("value", "on") if "checked" in a else None)
            elif kind not in ("submit", "button", "image", "reset"):
                self.form.add(name, a.get("value", ""))
        elif tag == "button" and a.get("value") is not None:
            self.form.add(name, a["value"])
        elif tag == "textarea":
            self.textarea = name
            self.form.add(name, "")
        elif tag == "select":
            self.select, self.first_option, self.selected = name, None, False
            self.form.fields.setdefault(name, [])
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.first_option is None:
                self.first_option = value
            if "selected" in a:
                self.form.add(self.select, value)
                self.selected = True

    def handle_data(self, data):
        if self.form is not None and self.textarea:
            self.form.fields[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.form is not None and self.select:
            if not self.selected and self.first_option is not None:
                self.form.add(self.select, self.first_option)
            self.select = None


def _is_ours(url: str) -> bool:
    path = urlsplit(url).path
    try:
        resolve(path)
    except Resolver404:
        return False
    return not path.startswith(("/accounts/", "/admin/"))


def collect_forms(client, pages: list[str]) -> dict[str, Form]:
    """action → form, over every page in `pages` (the first form found for an action,
    merged with the fields of later ones)."""
    forms: dict[str, Form] = {}
    for page in pages:
        response = client.get(page)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = FormParser(f"http://testserver{page}")
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = form.action.removeprefix("http://testserver")
            if not _is_ours(action):
                continue
            known = forms.setdefault(action, Form(action))
            for name, values in form.fields.items():
                known.fields.setdefault(name, values)
            known.files |= form.files
    return forms


# --- The group with data and the client -------------------------------------------------------


@pytest.fixture
def pages(scene, group, facilitator):
    # Something on every list: an agenda (the document picker), minutes, a report.
    meeting_id = scene["ids"]["meeting_id"]
    meeting = Meeting.objects.get(pk=meeting_id)
    meeting_services.agenda_replace(
        actor=facilitator, meeting=meeting, items=[{"title": "Powitanie"}]
    )
    message = Message.objects.get(pk=scene["ids"]["message_id"])
    services.report_create(actor=scene["actors"]["observer"], message=message, reason="spam")
    Notification.objects.create(
        user=facilitator, kind="mention", url=message.thread.get_absolute_url()
    )
    # A draft (the publish form) and a document in the trash (the restore form).
    starts = timezone.now() + dt.timedelta(days=20)
    draft = meeting_services.meeting_schedule(
        actor=facilitator,
        group=group,
        title="Szkic",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        time_zone="Europe/Warsaw",
        draft=True,
    )
    upload = SimpleUploadedFile("stara.txt", b"Stara umowa", "text/plain")
    old = library_services.document_upload(
        actor=facilitator, group=group, upload=upload, title="Stara umowa"
    )
    library_services.document_trash(actor=facilitator, document=old)
    urls = [
        url_for(name, pattern, group.slug, scene["ids"])
        for name, pattern in GROUP_URLS
        if pattern.callback.group_capability != "join"
    ]
    # The group's document as a model template: its page has the "adapt" form.
    Document.objects.filter(pk=scene["ids"]["document_id"]).update(
        is_template=True, shared_with_all=True
    )
    urls.append(
        reverse("resources:template-detail", kwargs={"document_id": scene["ids"]["document_id"]})
    )
    urls.append(
        reverse("meetings:meeting-detail", kwargs={"slug": group.slug, "meeting_id": draft.pk})
    )
    return urls + [reverse(name) for name in PERSONAL_PAGES]


@pytest.fixture
def fuzz(client, scene):
    client.force_login(scene["actors"]["facilitator"])
    client.raise_request_exception = False  # a 500 is counted, and the walk goes on
    return client


def send(client, method: str, url: str, data: dict, files=()) -> int:
    cache.clear()
    ratelimit.reset()
    with transaction.atomic():
        if method == "post":
            uploads = {
                name: SimpleUploadedFile("umowa.txt", b"Umowa ESCO", "text/plain")
                for name in files
                if name not in data
            }
            response = client.post(url, {**data, **uploads})
        else:
            response = client.get(url, data)
        transaction.set_rollback(True)
    return response.status_code


def sent(form: Form) -> dict:
    return {
        name: values if len(values) > 1 else (values or [""])[0]
        for name, values in form.fields.items()
    }


# --- The tests --------------------------------------------------------------------------------


def test_the_walk_finds_the_forms_of_every_part_of_the_site(fuzz, pages):
    forms = collect_forms(fuzz, pages)
    names = {resolve(urlsplit(action).path).view_name for action in forms}
    expected = {
        "meetings:meeting-create",
        "meetings:action-item-toggle",
        "meetings:meeting-attendance",
        "groups:reports-decide",
        "groups:thread-create",
        "groups:group-settings",
        "groups:profile",
        "groups:notifications-read",
        "groups:member-role",
        "groups:message-moderate",
        "meetings:meeting-publish",
        "meetings:calendar-feed-rotate",
        "resources:document-upload",
        "resources:document-restore",
        "resources:document-share",
        "resources:template-adapt",
        "set-language",
    }
    assert expected <= names, expected - names


def test_every_field_of_every_form_survives_each_value_that_broke_gwd(fuzz, pages):
    """One field, one value at a time, the rest as the page filled them in."""
    failures = []
    for action, form in sorted(collect_forms(fuzz, pages).items()):
        base = sent(form)
        for name in sorted(form.fields):
            for value in SWEEP:
                if send(fuzz, "post", action, {**base, name: value}, form.files) == 500:
                    failures.append(f"POST {action} {name}={value!r}")
    # A page reads one or two of the query parameters: all of them at once, per value.
    for page in pages:
        for value in SWEEP:
            if send(fuzz, "get", page, dict.fromkeys(QUERY_FIELDS, value)) == 500:
                failures.append(f"GET {page} with every query parameter {value!r}")
    assert not failures, "\n".join(failures)


def test_no_combination_of_odd_values_is_a_server_error(fuzz, pages):
    failures = []
    for action, form in sorted(collect_forms(fuzz, pages).items()):
        if form.fields:
            try:
                combinations(fuzz, action, form)()
            except AssertionError as failure:
                failures.append(str(failure).splitlines()[0][:2000])
    assert not failures, "\n".join(failures)


def combinations(client, action: str, form: Form):
    """A hypothesis test of one form: odd values in one to four of its fields, with or
    without the values the page filled in for the others."""
    base = sent(form)

    @fuzzing
    @given(
        odd=st.dictionaries(st.sampled_from(sorted(form.fields)), odd_values, max_size=4),
        keep=st.booleans(),
    )
    def check(odd, keep):
        data = {**base, **odd} if keep else odd
        assert send(client, "post", action, data, form.files) != 500, f"POST {action} {data!r}"

    return check


HUGE_IDS = [n for n, p in GROUP_URLS if len(p.pattern.regex.groupindex) > 1]


@pytest.mark.parametrize("name", HUGE_IDS)
def test_an_id_beyond_any_table_in_a_url_is_not_found(fuzz, scene, group, name):
    pattern = dict(GROUP_URLS)[name]
    url = url_for(name, pattern, group.slug, dict.fromkeys(scene["ids"], 10**25))
    assert send(fuzz, "get", url, {}) in (404, 405)
    assert send(fuzz, "post", url, {"title": "x"}) == 404
