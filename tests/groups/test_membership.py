import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups import services
from groups.models import Group, Invitation, JoinRequest, Membership, Role


def url(name, group, **kwargs):
    return reverse(f"groups:{name}", kwargs={"slug": group.slug, **kwargs})


def membership_of(user, group):
    return Membership.objects.get(user=user, group=group)


# --- Creating groups and appointing facilitators ----------------------------------


def test_site_staff_create_a_group_and_appoint_its_facilitators(
    client, login, site_staff, user_factory, django_capture_on_commit_callbacks
):
    existing = user_factory(email="marek@kielce.gwd.test")
    login(site_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("groups:group-create"),
            {
                "first_language": "pl",
                "name_pl": "GWD miejska 2027",
                "slug": "gwd-miejska-2027",
                "kind": "urban",
                "description_pl": "Bydgoszcz, Kielce, Lublin",
                "working_languages": ["pl"],
                "facilitators": "marek@kielce.gwd.test\nnowa@lublin.gwd.test",
            },
        )
    group = Group.objects.get(slug="gwd-miejska-2027")
    assert response.url == group.get_absolute_url()
    # Both are invited, with an account or without: each joins by accepting.
    assert not Membership.objects.filter(user=existing, group=group).exists()
    invitations = Invitation.objects.filter(group=group).order_by("email")
    assert [(i.email, i.role) for i in invitations] == [
        ("marek@kielce.gwd.test", Role.FACILITATOR),
        ("nowa@lublin.gwd.test", Role.FACILITATOR),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["marek@kielce.gwd.test", "nowa@lublin.gwd.test"]


def test_a_group_address_is_unique(client, login, site_staff, group):
    login(site_staff)
    response = client.post(
        reverse("groups:group-create"),
        {"first_language": "pl", "name_pl": "Copy", "slug": group.slug, "kind": "urban"},
    )
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    assert Group.objects.count() == 1


def test_a_group_form_with_bad_values_writes_nothing(client, login, site_staff):
    login(site_staff)
    response = client.post(
        reverse("groups:group-create"),
        {
            "first_language": "pl",
            "name_pl": "",
            "slug": "not a slug!",
            "kind": "city-state",
            "working_languages": ["de"],
        },
    )
    assert set(response.context["form"].errors) == {"name_pl", "slug", "kind", "working_languages"}
    assert not Group.objects.exists()


def test_only_staff_create_groups(client, login, facilitator):
    login(facilitator)
    assert client.get(reverse("groups:group-create")).status_code == 403
    assert client.post(reverse("groups:group-create"), {"name": "x"}).status_code == 403


def test_a_facilitator_appoints_a_co_facilitator_from_the_members(
    client, login, facilitator, member, group
):
    login(facilitator)
    client.post(url("facilitator-appoint", group), {"email": member.email})
    assert membership_of(member, group).role == Role.FACILITATOR


def test_only_staff_archive_a_group(client, login, facilitator, site_staff, group):
    data = {"first_language": "pl", "name_pl": group.name_pl, "archived": "on"}
    login(facilitator)
    client.post(url("group-settings", group), data)
    group.refresh_from_db()
    assert not group.archived
    login(site_staff)
    client.post(url("group-settings", group), data)
    group.refresh_from_db()
    assert group.archived


def test_an_archived_group_is_read_only(client, login, member, group):
    group.archived = True
    group.save()
    login(member)
    assert client.get(url("group-detail", group)).status_code == 200
    with pytest.raises(services.ServiceError):
        services.join_request_create(actor=member, group=group)


# --- Roles, removal, leaving ------------------------------------------------------


def test_a_facilitator_changes_a_members_role(client, login, facilitator, member, group):
    login(facilitator)
    response = client.post(
        url("member-role", group, membership_id=membership_of(member, group).pk),
        {"role": "observer"},
    )
    assert response.status_code == 302
    assert membership_of(member, group).role == Role.OBSERVER


def test_a_bad_role_changes_nothing(client, login, facilitator, member, group):
    login(facilitator)
    client.post(
        url("member-role", group, membership_id=membership_of(member, group).pk),
        {"role": "owner"},
    )
    assert membership_of(member, group).role == Role.MEMBER


def test_the_last_facilitator_cannot_step_down(client, login, facilitator, group):
    login(facilitator)
    response = client.post(
        url("member-role", group, membership_id=membership_of(facilitator, group).pk),
        {"role": "member"},
        follow=True,
    )
    assert membership_of(facilitator, group).role == Role.FACILITATOR
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_a_facilitator_removes_a_member(client, login, facilitator, member, group):
    login(facilitator)
    membership = membership_of(member, group)
    page = client.get(url("member-remove", group, membership_id=membership.pk))
    assert page.status_code == 200
    client.post(url("member-remove", group, membership_id=membership.pk))
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REMOVED
    assert membership.removed_by == facilitator
    client.force_login(member)
    assert client.get(url("group-detail", group)).status_code == 404


def test_a_member_leaves_a_group(client, login, facilitator, member, group):
    login(member)
    assert client.get(url("group-leave", group)).status_code == 200
    response = client.post(url("group-leave", group))
    assert response.url == reverse("home")
    assert not membership_of(member, group).is_active


def test_the_last_facilitator_cannot_leave(client, login, facilitator, member, group):
    login(facilitator)
    client.post(url("group-leave", group))
    assert membership_of(facilitator, group).is_active


def test_a_facilitator_may_leave_when_another_remains(
    client, login, facilitator, member_factory, group
):
    member_factory(group, Role.FACILITATOR, email="second@gwd.test")
    login(facilitator)
    client.post(url("group-leave", group))
    assert not membership_of(facilitator, group).is_active


# --- Join requests ----------------------------------------------------------------


@pytest.fixture
def open_group(group):
    group.accepts_join_requests = True
    group.save()
    return group


def test_an_official_asks_to_join_and_a_facilitator_approves(
    client, login, outsider, facilitator, open_group, django_capture_on_commit_callbacks
):
    login(outsider)
    directory = client.get(reverse("groups:group-list"))
    assert open_group in directory.context["groups"]
    client.post(url("group-join", open_group), {"message": "Pracuję w Sopocie nad PPP."})
    join_request = JoinRequest.objects.get()
    assert join_request.status == JoinRequest.Status.PENDING

    login(facilitator)
    page = client.get(url("join-request-list", open_group))
    assert list(page.context["pending"]) == [join_request]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("join-request-decide", open_group, request_id=join_request.pk),
            {"decision": "approve"},
        )
    assert membership_of(outsider, open_group).role == Role.MEMBER
    assert mail.outbox[0].to == [outsider.email]
    assert open_group.name_pl in mail.outbox[0].subject


def test_a_declined_request_is_told_in_the_applicants_language(
    client, login, user_factory, facilitator, open_group, django_capture_on_commit_callbacks
):
    applicant = user_factory(email="ihor@vinnytsia.gwd.test", language="uk")
    join_request = services.join_request_create(actor=applicant, group=open_group)
    login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("join-request-decide", open_group, request_id=join_request.pk),
            {"decision": "decline"},
        )
    assert not Membership.objects.filter(user=applicant).exists()
    assert "відхилив" in mail.outbox[0].body


def test_one_pending_request_per_person(outsider, open_group):
    services.join_request_create(actor=outsider, group=open_group)
    with pytest.raises(services.ServiceError):
        services.join_request_create(actor=outsider, group=open_group)
    assert JoinRequest.objects.count() == 1


def test_a_group_closed_to_requests_is_not_found(client, login, outsider, group):
    login(outsider)
    assert client.get(url("group-join", group)).status_code == 404
    assert client.post(url("group-join", group), {"message": "hi"}).status_code == 404
    assert not JoinRequest.objects.exists()
    assert group not in client.get(reverse("groups:group-list")).context["groups"]


def test_a_decided_request_cannot_be_decided_again(facilitator, outsider, open_group):
    join_request = services.join_request_create(actor=outsider, group=open_group)
    services.join_request_decide(actor=facilitator, join_request=join_request, approve=False)
    with pytest.raises(services.ServiceError):
        services.join_request_decide(actor=facilitator, join_request=join_request, approve=True)
    assert not Membership.objects.filter(user=outsider).exists()


def test_a_bad_decision_changes_nothing(client, login, facilitator, outsider, open_group):
    join_request = services.join_request_create(actor=outsider, group=open_group)
    login(facilitator)
    client.post(
        url("join-request-decide", open_group, request_id=join_request.pk), {"decision": "maybe"}
    )
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING


# --- Pages and their query counts -------------------------------------------------


def test_my_groups_lists_the_persons_groups(client, login, member, group, other_group):
    login(member)
    response = client.get(reverse("home"))
    assert [m.group for m in response.context["memberships"]] == [group]


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["group-detail", "member-list"])
def test_group_pages_run_a_fixed_number_of_queries(
    client, login, facilitator, group, member_factory, page
):
    for i in range(3):
        member_factory(group, email=f"few{i}@gwd.test")
    login(facilitator)
    few = count_queries(client, url(page, group))
    for i in range(60):
        member_factory(group, email=f"many{i}@gwd.test")
    many = count_queries(client, url(page, group))
    assert few == many
    assert many <= 12


def test_the_directory_and_home_run_a_fixed_number_of_queries(
    client, login, member, group_factory, member_factory
):
    login(member)
    few_home = count_queries(client, reverse("home"))
    few_directory = count_queries(client, reverse("groups:group-list"))
    for i in range(8):
        extra = group_factory(slug=f"group-{i}", accepts_join_requests=True)
        Membership.objects.create(user=member, group=extra)
        member_factory(extra, email=f"peer{i}@gwd.test")
    assert count_queries(client, reverse("home")) == few_home
    assert count_queries(client, reverse("groups:group-list")) == few_directory


def test_the_member_directory_shows_institution_and_role(client, login, facilitator, group):
    login(facilitator)
    html = client.get(url("member-list", group)).content.decode()
    assert "Urząd Miasta Kielce" in html
    assert "Marek Kowalski" in html


def test_the_member_directory_searches_by_institution(client, login, facilitator, member, group):
    login(facilitator)
    response = client.get(url("member-list", group), {"q": "Kielce"})
    assert [m.user for m in response.context["page"]] == [facilitator]


def test_the_directory_counts_every_member_of_ones_own_group(
    client, login, member, facilitator, observer, group
):
    login(member)
    response = client.get(reverse("groups:group-list"))
    counts = {g.slug: g.member_count for g in response.context["groups"]}
    assert counts[group.slug] == 3


def test_only_facilitators_see_who_is_muted(client, login, member, facilitator, group):
    services.member_mute(
        actor=facilitator,
        membership=Membership.objects.get(user=member, group=group),
        minutes=30,
    )
    url = reverse("groups:member-list", kwargs={"slug": group.slug})
    login(facilitator)
    assert "wyciszenie do" in client.get(url).text
    login(member)
    assert "wyciszenie do" not in client.get(url).text
