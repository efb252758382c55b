"""The decision pages, without a script: start, vote, results, close, outcome, the
register and its exports, the settings, and a thread's polls."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions.models import Ballot, DecisionSettings, Participation, Poll, PollStarters
from groups import services as group_services

pytestmark = pytest.mark.django_db


def url(name, poll=None, group=None, **kwargs):
    group = group or poll.group
    if poll is not None:
        kwargs["poll_id"] = poll.pk
    return reverse(f"decisions:{name}", kwargs={"slug": group.slug, **kwargs})


def option_ids(poll):
    return list(poll.options.values_list("pk", flat=True))


def test_a_facilitator_starts_a_ranked_poll_from_the_form(login, facilitator, group):
    client = login(facilitator)
    assert client.get(url("poll-create", group=group)).status_code == 200
    response = client.post(
        url("poll-create", group=group),
        {
            "kind": "ranked",
            "title": "Kolejność inwestycji",
            "options": "Oświetlenie LED\nTermomodernizacja szkół\nFotowoltaika",
            "results": "live",
            "allow_change": "on",
        },
    )
    poll = Poll.objects.get()
    assert response.status_code == 302 and response.url == poll.get_absolute_url()
    assert [o.label for o in poll.options.all()] == [
        "Oświetlenie LED",
        "Termomodernizacja szkół",
        "Fotowoltaika",
    ]


def test_the_form_shows_what_is_wrong_and_writes_nothing(login, facilitator, group):
    response = login(facilitator).post(
        url("poll-create", group=group),
        {"kind": "single", "title": "Pytanie", "options": "Tylko", "results": "live"},
    )
    assert response.status_code == 200
    assert "at least two options" in response.content.decode()
    assert not Poll.objects.exists()


def test_a_date_poll_takes_slots_in_the_organisers_zone(login, facilitator, group):
    facilitator.time_zone = "Europe/Warsaw"
    facilitator.save()
    login(facilitator).post(
        url("poll-create", group=group),
        {
            "kind": "date",
            "title": "Termin spotkania",
            "options": "2027-10-29 10:00-11:30\n2027-11-02 10:00",
            "results": "live",
        },
    )
    first, second = Poll.objects.get().options.all()
    assert first.starts_at == dt.datetime(2027, 10, 29, 8, 0, tzinfo=dt.UTC)  # CEST
    assert first.ends_at == dt.datetime(2027, 10, 29, 9, 30, tzinfo=dt.UTC)
    assert second.starts_at == dt.datetime(2027, 11, 2, 9, 0, tzinfo=dt.UTC)  # CET


def test_a_bad_slot_line_is_named_and_nothing_is_written(login, facilitator, group):
    response = login(facilitator).post(
        url("poll-create", group=group),
        {"kind": "date", "title": "Termin", "options": "jutro rano", "results": "live"},
    )
    assert "jutro rano" in response.content.decode()
    assert not Poll.objects.exists()


def test_a_member_may_not_start_a_poll_unless_the_group_says_so(login, member, group):
    client = login(member)
    assert client.get(url("poll-create", group=group)).status_code == 403
    DecisionSettings.objects.create(group=group, poll_starters=PollStarters.MEMBERS)
    assert client.get(url("poll-create", group=group)).status_code == 200


def test_a_member_votes_and_sees_the_results_without_a_script(login, member, poll_factory):
    poll = poll_factory("single")
    ids = option_ids(poll)
    client = login(member)
    response = client.post(url("poll-vote", poll), {"option": str(ids[1])})
    assert response.status_code == 302
    page = client.get(url("poll-detail", poll)).content.decode()
    assert "Your vote has been counted." in page
    assert f'value="{ids[1]}" checked' in page
    assert "1 vote" in page


@pytest.mark.parametrize(
    "kind, form_of",
    [
        ("proposal", lambda ids: {"stance": "disagree", "reason": "Za drogo"}),
        ("multiple", lambda ids: {"option": [str(ids[0]), str(ids[2])]}),
        ("score", lambda ids: {f"score-{i}": "3" for i in ids}),
        ("ranked", lambda ids: {f"rank-{ids[2]}": "1", f"rank-{ids[0]}": "2"}),
    ],
)
def test_each_kind_votes_through_its_form(login, member, poll_factory, kind, form_of):
    poll = poll_factory(kind)
    response = login(member).post(url("poll-vote", poll), form_of(option_ids(poll)))
    assert response.status_code == 302
    assert Ballot.objects.filter(poll=poll, user=member).exists()


def test_a_date_poll_votes_through_its_form(login, member, poll_factory):
    start = timezone.now() + dt.timedelta(days=9)
    poll = poll_factory("date", slots=[(start, None), (start + dt.timedelta(days=1), None)])
    ids = option_ids(poll)
    login(member).post(url("poll-vote", poll), {f"slot-{ids[0]}": "2", f"slot-{ids[1]}": "1"})
    assert Ballot.objects.get().marks == {str(ids[0]): 2, str(ids[1]): 1}


@pytest.mark.parametrize(
    "form", [{"option": "abc"}, {"option": "999999"}, {}, {"stance": "agree", "option": "\x00"}]
)
def test_a_vote_that_cannot_be_read_is_refused_clearly(login, member, poll_factory, form):
    poll = poll_factory("single")
    client = login(member)
    response = client.post(url("poll-vote", poll), form, follow=True)
    assert response.status_code == 200
    assert response.context["messages"] and not Participation.objects.exists()


def test_the_script_gets_json_answers(login, member, poll_factory):
    poll = poll_factory("single")
    client = login(member)
    bad = client.post(
        url("poll-vote", poll), {"option": "x"}, headers={"Accept": "application/json"}
    )
    assert bad.status_code == 400 and bad.json()["error"]
    good = client.post(
        url("poll-vote", poll),
        {"option": str(option_ids(poll)[0])},
        headers={"Accept": "application/json"},
    )
    assert good.json() == {"ok": True}


def test_an_observer_sees_the_poll_but_a_vote_is_refused_and_writes_nothing(
    login, observer, poll_factory
):
    poll = poll_factory("single")
    client = login(observer)
    page = client.get(url("poll-detail", poll)).content.decode()
    assert "Observers follow this poll" in page and 'name="option"' not in page
    response = client.post(url("poll-vote", poll), {"option": str(option_ids(poll)[0])})
    assert response.status_code == 403
    assert not Participation.objects.exists()


def test_an_outsider_gets_404_for_a_poll_and_its_vote(login, outsider, poll_factory):
    poll = poll_factory("single")
    client = login(outsider)
    assert client.get(url("poll-detail", poll)).status_code == 404
    response = client.post(url("poll-vote", poll), {"option": str(option_ids(poll)[0])})
    assert response.status_code == 404
    assert not Participation.objects.exists()


def test_a_poll_of_another_group_is_404_under_this_groups_address(
    login, member, poll_factory, other_group, member_factory, group
):
    other = member_factory(other_group, "facilitator")
    foreign = poll_factory(actor=other, target_group=other_group)
    client = login(member)
    address = reverse("decisions:poll-detail", kwargs={"slug": group.slug, "poll_id": foreign.pk})
    assert client.get(address).status_code == 404


def test_results_after_close_stay_hidden_until_then(login, member, facilitator, poll_factory):
    poll = poll_factory("single", results="after_close")
    client = login(member)
    client.post(url("poll-vote", poll), {"option": str(option_ids(poll)[0])})
    page = client.get(url("poll-detail", poll)).content.decode()
    assert "Results are shown when the poll closes." in page and "poll-bar__number" not in page
    login(facilitator).post(url("poll-close", poll))
    page = login(member).get(url("poll-detail", poll)).content.decode()
    assert "poll-bar__number" in page


def test_an_anonymous_polls_page_shows_nobodys_vote(login, member, facilitator, poll_factory):
    poll = poll_factory("single", anonymous=True)
    login(member).post(url("poll-vote", poll), {"option": str(option_ids(poll)[0])})
    page = login(facilitator).get(url("poll-detail", poll)).content.decode()
    assert "Who voted what" not in page and member.full_name not in page


def test_a_named_polls_page_shows_who_voted_what(login, member, facilitator, poll_factory):
    poll = poll_factory("single")
    login(member).post(url("poll-vote", poll), {"option": str(option_ids(poll)[1])})
    page = login(facilitator).get(url("poll-detail", poll)).content.decode()
    assert "Who voted what" in page and member.full_name in page and "Model B" in page


def test_the_ranked_page_shows_the_rounds(login, member, poll_factory):
    poll = poll_factory("ranked")
    ids = option_ids(poll)
    login(member).post(url("poll-vote", poll), {f"rank-{ids[1]}": "1"})
    page = login(member).get(url("poll-detail", poll)).content.decode()
    assert "Round 1" in page and "Winner after the runoff: Model B" in page


def test_close_then_write_the_outcome(login, facilitator, member, poll_factory):
    poll = poll_factory("proposal")
    client = login(facilitator)
    assert client.post(url("poll-outcome", poll), {"outcome": "Za wcześnie"}).status_code == 200
    assert not Poll.objects.get().outcome
    client.post(url("poll-close", poll))
    response = client.post(url("poll-outcome", poll), {"outcome": "Przyjmujemy model A."})
    assert response.status_code == 302
    assert Poll.objects.get().outcome == "Przyjmujemy model A."


def test_members_may_not_close_anothers_poll_or_write_an_outcome(login, member, poll_factory):
    poll = poll_factory("single")
    client = login(member)
    assert client.post(url("poll-close", poll)).status_code == 403
    assert client.get(url("poll-outcome", poll)).status_code == 403
    assert Poll.objects.get().state == Poll.State.OPEN


def test_the_register_searches_and_filters(login, member, facilitator, poll_factory, group):
    poll_factory("single", title="Oświetlenie uliczne LED")
    closed = poll_factory("proposal", title="Budżet obywatelski")
    login(facilitator).post(url("poll-close", closed))
    client = login(member)
    page = client.get(url("register", group=group), {"q": "oświetlenie"}).content.decode()
    assert "Oświetlenie uliczne LED" in page and "Budżet obywatelski" not in page
    page = client.get(url("register", group=group), {"state": "closed"}).content.decode()
    assert "Budżet obywatelski" in page and "Oświetlenie uliczne LED" not in page
    page = client.get(url("register", group=group), {"kind": "single"}).content.decode()
    assert "Oświetlenie uliczne LED" in page and "Budżet obywatelski" not in page


def test_the_register_runs_a_fixed_number_of_queries(
    login, member, poll_factory, group, django_assert_max_num_queries
):
    client = login(member)
    for n in range(3):
        poll_factory("single", title=f"Pytanie {n}")
    with django_assert_max_num_queries(20) as few:
        client.get(url("register", group=group))
    for n in range(3, 20):
        poll_factory("single", title=f"Pytanie {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("register", group=group))


def test_the_register_downloads_as_csv_with_outcomes_and_links(
    login, facilitator, member, poll_factory, group
):
    poll = poll_factory("proposal", title="=HYPERLINK(1)")
    client = login(facilitator)
    client.post(url("poll-close", poll))
    client.post(url("poll-outcome", poll), {"outcome": "Przyjęto jednogłośnie"})
    response = login(member).get(url("register-csv", group=group))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == "'=HYPERLINK(1)"  # no formula in a spreadsheet
    assert rows[1][5] == "Przyjęto jednogłośnie"
    assert rows[1][8].endswith(poll.get_absolute_url())


def test_the_register_downloads_as_pdf(login, member, poll_factory, group):
    poll_factory("single", title="Zakup energii")
    response = login(member).get(url("register-pdf", group=group))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_settings_are_the_managers(login, facilitator, member, group):
    assert login(member).get(url("settings", group=group)).status_code == 403
    client = login(facilitator)
    client.post(url("settings", group=group), {"poll_starters": "members", "observers_vote": "on"})
    settings = DecisionSettings.objects.get(group=group)
    assert (settings.poll_starters, settings.observers_vote) == ("members", True)


def test_a_bad_setting_is_refused(login, facilitator, group):
    response = login(facilitator).post(url("settings", group=group), {"poll_starters": "all"})
    assert response.status_code == 200 and not DecisionSettings.objects.exists()


def test_a_thread_shows_its_polls_as_cards_that_vote(
    login, facilitator, member, group, poll_factory
):
    thread, _message = group_services.thread_create(
        actor=facilitator, group=group, title="Oświetlenie", body="Dzień dobry", client_id="c1"
    )
    poll = poll_factory("single", thread=thread, title="Który wariant?")
    page = login(member).get(thread.get_absolute_url()).content.decode()
    assert f'data-poll="{poll.pk}"' in page and "Który wariant?" in page
    assert url("poll-vote", poll) in page


def test_a_facilitator_may_start_a_poll_from_a_thread(login, facilitator, group):
    thread, _message = group_services.thread_create(
        actor=facilitator, group=group, title="Oświetlenie", body="Dzień dobry", client_id="c1"
    )
    client = login(facilitator)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert f"?thread={thread.pk}" in page
    client.post(
        url("poll-create", group=group) + f"?thread={thread.pk}",
        {"kind": "proposal", "title": "Przyjmujemy?", "results": "live", "thread": thread.pk},
    )
    assert Poll.objects.get().thread == thread


def test_a_kyiv_voter_reads_a_warsaw_slot_after_the_october_change_in_both_zones(
    login, facilitator, member, group
):
    """The organiser in Warsaw types 10:00 on 2 November 2027 (after both zones left
    summer time on 31 October): the voter in Kyiv reads 11:00 with 10:00 Warsaw beside it,
    and the same for a slot before the change."""
    facilitator.time_zone = "Europe/Warsaw"
    facilitator.save()
    member.time_zone = "Europe/Kyiv"
    member.language = "en"
    member.save()
    login(facilitator).post(
        url("poll-create", group=group),
        {
            "kind": "date",
            "title": "Termin",
            "options": "2027-10-29 10:00-11:00\n2027-11-02 10:00-11:00",
            "results": "live",
        },
    )
    poll = Poll.objects.get()
    assert poll.time_zone == "Europe/Warsaw"
    page = login(member).get(url("poll-detail", poll), headers={"Accept-Language": "en"})
    text = page.content.decode()
    assert "11:00–12:00 Kyiv (10:00–11:00 Warsaw)" in text
    assert "2 November 2027" in text and "29 October 2027" in text


def test_the_demo_has_a_decided_proposal_and_an_open_choice(db):
    import io

    from django.core.management import call_command

    call_command("seed_demo", "--allow-production", stdout=io.StringIO())
    call_command("seed_demo", "--allow-production", stdout=io.StringIO())  # once only
    polls = Poll.objects.filter(group__slug="gwd-miejska")
    assert polls.count() == 2
    proposal = polls.get(kind="proposal")
    assert proposal.state == Poll.State.CLOSED and proposal.outcome and proposal.thread
    assert polls.get(kind="single").is_open
    assert (
        Poll.objects.filter(group__slug="efektywnosc-energetyczna-ua", kind="ranked").count() == 1
    )


def test_a_poll_past_its_closing_time_is_listed_as_closed_before_the_task_runs(
    login, member, poll_factory, group
):
    poll = poll_factory(
        "single", title="Po terminie", closes_at=timezone.now() + dt.timedelta(hours=1)
    )
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    client = login(member)
    assert (
        "Po terminie"
        not in client.get(url("register", group=group), {"state": "open"}).content.decode()
    )
    assert (
        "Po terminie"
        in client.get(url("register", group=group), {"state": "closed"}).content.decode()
    )


def test_a_member_is_offered_a_poll_in_a_thread_only_where_members_may_start_one(
    login, facilitator, member, group
):
    thread, _message = group_services.thread_create(
        actor=facilitator, group=group, title="Oświetlenie", body="Dzień dobry", client_id="c1"
    )
    client = login(member)
    assert f"?thread={thread.pk}" not in client.get(thread.get_absolute_url()).content.decode()
    DecisionSettings.objects.create(group=group, poll_starters=PollStarters.MEMBERS)
    assert f"?thread={thread.pk}" in client.get(thread.get_absolute_url()).content.decode()


@pytest.mark.parametrize("kind", ["single", "ranked", "proposal"])
def test_a_polls_page_runs_the_same_queries_however_many_voted(
    login, facilitator, member_factory, group, poll_factory, access_of, kind
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from decisions import services

    poll = poll_factory(kind)
    ids = option_ids(poll)

    def add_voters(n):
        for _ in range(n):
            person = member_factory(group, "member")
            services.vote_cast(
                actor=person,
                access=access_of(person, group),
                poll=poll,
                stance="disagree",
                reason="Za drogo",
                marks={ids[0]: 1} if ids else None,
            )

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("poll-detail", poll)).status_code == 200
        return len(queries)

    client = login(facilitator)
    add_voters(2)
    few = count()
    add_voters(15)
    assert count() == few


def test_a_question_with_control_characters_is_stored_clean(login, facilitator, group):
    login(facilitator).post(
        url("poll-create", group=group),
        {
            "kind": "single",
            "title": "Budżet\x00 \u202eobywatelski",
            "options": "Tak\x00\nNie",
            "results": "live",
        },
    )
    poll = Poll.objects.get()
    assert poll.title == "Budżet obywatelski"
    assert [o.label for o in poll.options.all()] == ["Tak", "Nie"]
