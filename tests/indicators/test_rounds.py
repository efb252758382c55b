"""Data rounds: a facilitator opens one, each municipality's officials fill their form
and submit, the facilitator verifies or sends it back; every change of a figure is kept."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from groups import services as group_services
from groups.models import Country, Institution, Membership, Notification, Role, UnitLevel
from gwd.errors import ServiceError
from indicators import services, tasks
from indicators.models import (
    DataRound,
    Domain,
    Indicator,
    Measure,
    Submission,
    Value,
    ValueChange,
    ValueStatus,
)
from indicators.templatetags.figures import measure_of


@pytest.fixture
def units(db, kielce):
    """Kielce (the facilitator's city) and Lublin (the member's), both of the group."""
    kielce_unit = group_services.unit_get_or_create(
        country=Country.POLAND, level=UnitLevel.CITY_COUNTY, name="Kielce", code="2661011"
    )
    lublin_unit = group_services.unit_get_or_create(
        country=Country.POLAND, level=UnitLevel.CITY_COUNTY, name="Lublin", code="0663011"
    )
    kielce.unit = kielce_unit
    kielce.save(update_fields=["unit"])
    return {"kielce": kielce_unit, "lublin": lublin_unit}


@pytest.fixture
def scene(group, facilitator, member, observer, units):
    """The group's two municipalities with their officials, and two adopted indicators."""
    lublin_office = Institution.objects.create(
        name="Urząd Miasta Lublin", kind="city", code="0663011", unit=units["lublin"]
    )
    Membership.objects.filter(user=member, group=group).update(institution=lublin_office)
    for unit in units.values():
        group_services.group_unit_join(group=group, unit=unit)
    cost = Indicator.objects.create(
        code="tax-decision-cost",
        name_pl="Koszt wydania decyzji podatkowej",
        name_uk="Вартість видачі податкового рішення",
        name_en="Cost of one tax decision",
        domain=Domain.LOCAL_TAXES,
        measure=Measure.MONEY,
        min_value=Decimal(0),
    )
    roads = Indicator.objects.create(
        code="road-km",
        name_pl="Długość dróg gminnych",
        name_uk="Довжина доріг громади",
        name_en="Length of municipal roads",
        domain=Domain.ROADS,
        measure=Measure.KM,
    )
    services.indicator_adopt(actor=facilitator, group=group, indicators=[cost, roads])
    return {"cost": cost, "roads": roads, **units}


def open_round(group, facilitator, scene) -> DataRound:
    return services.round_open(
        actor=facilitator,
        group=group,
        title="Dane za 2025",
        year=2025,
        deadline=timezone.localdate() + dt.timedelta(days=20),
        indicators=[scene["cost"], scene["roads"]],
    )


def grid_url(group, data_round, unit) -> str:
    return reverse(
        "indicators:submission-edit",
        kwargs={"slug": group.slug, "round_id": data_round.pk, "unit_id": unit.pk},
    )


def review_url(group, data_round, unit) -> str:
    return reverse(
        "indicators:submission-review",
        kwargs={"slug": group.slug, "round_id": data_round.pk, "unit_id": unit.pk},
    )


def figures(data_round, unit) -> dict:
    return {
        v.indicator.code: (v.value, v.status)
        for v in Value.objects.filter(round=data_round, unit=unit).select_related("indicator")
    }


# --- Opening ---------------------------------------------------------------------------


def test_a_facilitator_opens_a_round_for_every_member_municipality(
    client, login, group, facilitator, member, scene, django_capture_on_commit_callbacks
):
    login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("indicators:round-create", kwargs={"slug": group.slug}),
            {
                "title": "Dane za 2025",
                "year": "2025",
                "deadline": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
                "indicators": [scene["cost"].pk, scene["roads"].pk],
            },
        )
    data_round = DataRound.objects.get()
    assert response.status_code == 302
    assert set(Submission.objects.values_list("unit__name", flat=True)) == {"Kielce", "Lublin"}
    told = Notification.objects.filter(kind=Notification.Kind.ROUND_OPENED)
    assert [n.user for n in told] == [member]  # the facilitator opened it
    planned = DBTaskResult.objects.filter(task_path=tasks.round_reminder.module_path)
    assert planned.count() == 1
    assert planned.get().run_after.date() == data_round.deadline - dt.timedelta(days=3)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("title", "", "title"),
        ("year", "1800", "year"),
        ("deadline", "2001-01-01", "Ten termin już minął"),  # the page is in Polish
        ("indicators", "999999", "indicators"),
    ],
)
def test_a_round_with_bad_input_is_refused_and_nothing_is_written(
    client, login, group, facilitator, scene, field, value, message
):
    login(facilitator)
    data = {
        "title": "Dane za 2025",
        "year": "2025",
        "deadline": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
        "indicators": [scene["cost"].pk],
        field: value,
    }
    response = client.post(reverse("indicators:round-create", kwargs={"slug": group.slug}), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    # The form's own field errors are Django's words; the rules of the data are ours.
    assert message in errors or message in str(errors.get("__all__"))
    assert not DataRound.objects.exists()


def test_a_round_asks_only_for_the_groups_indicators(group, facilitator, scene):
    foreign = Indicator.objects.create(
        code="other", name_pl="Inny", name_uk="Інший", name_en="Other",
        domain=Domain.ROADS, measure=Measure.KM,
    )  # fmt: skip
    with pytest.raises(ServiceError, match="group's indicators"):
        services.round_open(
            actor=facilitator,
            group=group,
            title="Dane",
            year=2025,
            deadline=timezone.localdate(),
            indicators=[foreign],
        )
    assert not DataRound.objects.exists()


# --- The form --------------------------------------------------------------------------


def test_an_official_saves_figures_typed_the_polish_way_and_comes_back(
    client, login, group, facilitator, member, scene
):
    data_round = open_round(group, facilitator, scene)
    login(member)
    url = grid_url(group, data_round, scene["lublin"])
    page = client.get(url)
    assert page.status_code == 200
    assert 'inputmode="decimal"' in page.content.decode()
    assert len(page.context["missing"]) == 2

    saved = client.post(url, {f"v-{scene['cost'].pk}": "1 234,5", "action": "save"})
    assert saved.status_code == 302
    assert figures(data_round, scene["lublin"]) == {
        "tax-decision-cost": (Decimal("1234.5"), ValueStatus.DRAFT)
    }
    again = client.get(url)
    assert 'value="1\xa0234,5"' in again.content.decode()
    assert [row.indicator for row in again.context["missing"]] == [scene["roads"]]
    change = ValueChange.objects.get()
    assert (change.actor, change.old_value, change.new_value) == (member, None, Decimal("1234.5"))


def test_a_ukrainian_reader_types_the_same_way(client, login, group, facilitator, member, scene):
    member.language = "uk"
    member.save(update_fields=["language"])
    data_round = open_round(group, facilitator, scene)
    login(member)
    url = grid_url(group, data_round, scene["lublin"])
    client.post(url, {f"v-{scene['roads'].pk}": "12 345,75", "action": "save"})
    assert figures(data_round, scene["lublin"])["road-km"][0] == Decimal("12345.75")


@pytest.mark.parametrize(
    "typed, message",
    [
        ("abc", "is not a number"),
        ("1,2,3", "is not a number"),
        ("1e5", "is not a number"),
        ("NaN", "is not a number"),
        ("-5", "outside the plausible range"),
        ("1.12345", "at most four decimal places"),
        ("12345678901234567", "too large"),
    ],
)
def test_a_figure_that_is_not_right_is_explained_and_nothing_is_saved(
    client, login, group, facilitator, member, scene, typed, message
):
    member.language = "en"  # the words checked below, and numbers written 1,234.5
    member.save(update_fields=["language"])
    data_round = open_round(group, facilitator, scene)
    login(member)
    url = grid_url(group, data_round, scene["lublin"])
    response = client.post(
        url,
        {f"v-{scene['cost'].pk}": typed, f"v-{scene['roads'].pk}": "12", "action": "save"},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Value.objects.exists() and not ValueChange.objects.exists()


def test_submitting_needs_every_figure_and_writes_nothing_otherwise(
    client, login, group, facilitator, member, scene
):
    data_round = open_round(group, facilitator, scene)
    login(member)
    url = grid_url(group, data_round, scene["lublin"])
    response = client.post(url, {f"v-{scene['cost'].pk}": "88", "action": "submit"})
    assert response.status_code == 400
    assert "Długość dróg gminnych" in str(next(iter(response.context["messages"])))
    assert not Value.objects.exists()
    assert Submission.objects.get(unit=scene["lublin"]).status == Submission.Status.IN_PROGRESS


def test_a_submission_tells_the_facilitators(client, login, group, facilitator, member, scene):
    data_round = open_round(group, facilitator, scene)
    login(member)
    url = grid_url(group, data_round, scene["lublin"])
    client.post(url, {f"v-{scene['cost'].pk}": "88", "action": "save"})
    response = client.post(url, {f"v-{scene['roads'].pk}": "640,2", "action": "submit"})
    assert response.status_code == 302
    assert figures(data_round, scene["lublin"]) == {
        "tax-decision-cost": (Decimal(88), ValueStatus.SUBMITTED),
        "road-km": (Decimal("640.2"), ValueStatus.SUBMITTED),
    }
    submission = Submission.objects.get(unit=scene["lublin"])
    assert (submission.status, submission.submitted_by) == (Submission.Status.SUBMITTED, member)
    told = Notification.objects.get(kind=Notification.Kind.ROUND_SUBMITTED)
    assert told.user == facilitator and told.params["unit"] == "Lublin"
    progress = client.get(
        reverse("indicators:round-detail", kwargs={"slug": group.slug, "round_id": data_round.pk})
    )
    assert (progress.context["done"], len(progress.context["submissions"])) == (1, 2)


def test_officials_enter_only_their_own_municipalitys_figures(
    client, login, group, facilitator, member, observer, outsider, scene
):
    data_round = open_round(group, facilitator, scene)
    kielce = grid_url(group, data_round, scene["kielce"])
    login(member)
    assert client.get(kielce).status_code == 403
    assert client.post(kielce, {f"v-{scene['cost'].pk}": "5", "action": "save"}).status_code == 403
    login(observer)
    assert client.get(grid_url(group, data_round, scene["lublin"])).status_code == 403
    login(outsider)
    assert client.get(grid_url(group, data_round, scene["lublin"])).status_code == 404
    assert not Value.objects.exists()


def test_a_unit_outside_the_round_is_not_found(client, login, group, facilitator, scene):
    data_round = open_round(group, facilitator, scene)
    stranger = group_services.unit_get_or_create(
        country=Country.POLAND, level=UnitLevel.CITY_COUNTY, name="Sopot", code="2264011"
    )
    login(facilitator)
    assert client.get(grid_url(group, data_round, stranger)).status_code == 404


def test_a_closed_round_takes_no_more_figures(client, login, group, facilitator, member, scene):
    data_round = open_round(group, facilitator, scene)
    services.round_close(actor=facilitator, data_round=data_round)
    login(member)
    url = grid_url(group, data_round, scene["lublin"])
    client.post(url, {f"v-{scene['cost'].pk}": "5", "action": "save"})
    assert not Value.objects.exists()


# --- Review ----------------------------------------------------------------------------


def submitted(group, facilitator, member, scene) -> DataRound:
    data_round = open_round(group, facilitator, scene)
    submission = Submission.objects.get(round=data_round, unit=scene["lublin"])
    services.submission_save(
        actor=member,
        submission=submission,
        values={scene["cost"].pk: Decimal(88), scene["roads"].pk: Decimal(640)},
        submit=True,
    )
    return data_round


def test_the_facilitator_verifies_submitted_figures(
    client, login, group, facilitator, member, scene
):
    data_round = submitted(group, facilitator, member, scene)
    login(facilitator)
    response = client.post(review_url(group, data_round, scene["lublin"]), {"action": "verify"})
    assert response.status_code == 302
    assert {s for _v, s in figures(data_round, scene["lublin"]).values()} == {ValueStatus.VERIFIED}
    submission = Submission.objects.get(unit=scene["lublin"])
    assert (submission.status, submission.verified_by) == (Submission.Status.VERIFIED, facilitator)
    login(member)
    url = grid_url(group, data_round, scene["lublin"])
    client.post(url, {f"v-{scene['cost'].pk}": "1", "action": "save"})
    assert figures(data_round, scene["lublin"])["tax-decision-cost"][0] == Decimal(88)


def test_sending_back_needs_a_comment_and_flags_the_figures_named(
    client, login, group, facilitator, member, scene
):
    data_round = submitted(group, facilitator, member, scene)
    login(facilitator)
    url = review_url(group, data_round, scene["lublin"])
    refused = client.post(url, {"action": "return", "comment": ""})
    assert refused.status_code == 400
    assert Submission.objects.get(unit=scene["lublin"]).status == Submission.Status.SUBMITTED
    response = client.post(
        url,
        {
            "action": "return",
            "comment": "Proszę sprawdzić koszt decyzji.",
            f"flag-{scene['cost'].pk}": "Dziesięć razy mniej niż rok temu?",
        },
    )
    assert response.status_code == 302
    assert figures(data_round, scene["lublin"]) == {
        "tax-decision-cost": (Decimal(88), ValueStatus.FLAGGED),
        "road-km": (Decimal(640), ValueStatus.DRAFT),
    }
    told = Notification.objects.get(kind=Notification.Kind.ROUND_RETURNED)
    assert told.user == member
    login(member)
    page = client.get(grid_url(group, data_round, scene["lublin"])).content.decode()
    assert "Proszę sprawdzić koszt decyzji." in page
    assert "Dziesięć razy mniej niż rok temu?" in page


def test_a_member_may_not_review(client, login, group, facilitator, member, scene):
    data_round = submitted(group, facilitator, member, scene)
    login(member)
    url = review_url(group, data_round, scene["lublin"])
    assert client.post(url, {"action": "verify"}).status_code == 403
    assert Submission.objects.get(unit=scene["lublin"]).status == Submission.Status.SUBMITTED


def test_an_unknown_review_action_is_a_clear_refusal(
    client, login, group, facilitator, member, scene
):
    facilitator.language = "en"
    facilitator.save(update_fields=["language"])
    data_round = submitted(group, facilitator, member, scene)
    login(facilitator)
    response = client.post(review_url(group, data_round, scene["lublin"]), {"action": "drop"})
    assert response.status_code == 400
    assert "Choose to verify or to send back" in response.content.decode()


def test_verifying_what_was_not_submitted_is_refused(client, login, group, facilitator, scene):
    facilitator.language = "en"
    facilitator.save(update_fields=["language"])
    data_round = open_round(group, facilitator, scene)
    login(facilitator)
    response = client.post(review_url(group, data_round, scene["kielce"]), {"action": "verify"})
    assert response.status_code == 400
    assert "Only submitted figures" in response.content.decode()


# --- History ---------------------------------------------------------------------------


def test_every_change_is_kept_and_shown_to_facilitators_only(
    client, login, group, facilitator, member, scene
):
    data_round = submitted(group, facilitator, member, scene)
    submission = Submission.objects.get(unit=scene["lublin"])
    services.submission_return(actor=facilitator, submission=submission, comment="Popraw", flags={})
    services.submission_save(
        actor=member, submission=submission, values={scene["cost"].pk: Decimal(95)}, submit=True
    )
    services.submission_verify(actor=facilitator, submission=submission)
    value = Value.objects.get(unit=scene["lublin"], indicator=scene["cost"])
    history = list(value.changes.order_by("pk").values_list("new_value", "new_status"))
    assert history == [
        (Decimal(88), ValueStatus.SUBMITTED),
        (Decimal(88), ValueStatus.DRAFT),
        (Decimal(95), ValueStatus.SUBMITTED),
        (Decimal(95), ValueStatus.VERIFIED),
    ]
    url = reverse("indicators:value-history", kwargs={"slug": group.slug, "value_id": value.pk})
    login(facilitator)
    page = client.get(url)
    assert page.status_code == 200 and "88 → 95" in page.content.decode()
    login(member)
    assert client.get(url).status_code == 403
    _ = data_round


def test_the_history_cannot_be_changed(group, facilitator, member, scene):
    submitted(group, facilitator, member, scene)
    change = ValueChange.objects.first()
    assert change is not None
    with pytest.raises(PermissionError):
        change.save()
    with pytest.raises(PermissionError):
        ValueChange.objects.all().delete()
    with pytest.raises(PermissionError):
        ValueChange.objects.update(comment="x")


# --- Reminders -------------------------------------------------------------------------


def test_reminders_go_to_the_municipalities_still_waiting(
    client, login, group, facilitator, member, scene
):
    data_round = open_round(group, facilitator, scene)
    login(facilitator)
    remind = reverse(
        "indicators:round-remind", kwargs={"slug": group.slug, "round_id": data_round.pk}
    )
    assert client.post(remind).status_code == 302
    # Kielce's official is the facilitator who sent the reminder: nobody tells themselves.
    reminded = Notification.objects.filter(kind=Notification.Kind.ROUND_REMINDER)
    assert [(n.user, n.params["unit"]) for n in reminded] == [(member, "Lublin")]
    Notification.objects.all().delete()
    submission = Submission.objects.get(unit=scene["lublin"])
    services.submission_save(
        actor=member,
        submission=submission,
        values={scene["cost"].pk: Decimal(1), scene["roads"].pk: Decimal(2)},
        submit=True,
    )
    Notification.objects.all().delete()
    assert tasks.round_reminder.call(round_id=data_round.pk) == 1
    assert [n.user for n in Notification.objects.all()] == [facilitator]
    services.round_close(actor=facilitator, data_round=data_round)
    assert tasks.round_reminder.call(round_id=data_round.pk) == 0


def test_a_municipality_that_left_is_neither_reminded_nor_takes_figures(
    group, facilitator, member, scene
):
    data_round = open_round(group, facilitator, scene)
    group_services.group_unit_leave(actor=facilitator, group=group, unit=scene["lublin"])
    Notification.objects.all().delete()
    # Kielce, the facilitator's own, is still waiting; Lublin left.
    assert tasks.round_reminder.call(round_id=data_round.pk) == 1
    assert {n.params["unit"] for n in Notification.objects.all()} == {"Kielce"}
    submission = Submission.objects.get(unit=scene["lublin"])
    with pytest.raises(ServiceError, match="left the group"):
        services.submission_save(
            actor=member, submission=submission, values={scene["cost"].pk: Decimal(1)}
        )
    assert figures(data_round, scene["lublin"]) == {}


def test_the_rounds_pages_leave_out_a_municipality_that_left(
    client, login, group, facilitator, member, scene
):
    data_round = open_round(group, facilitator, scene)
    group_services.group_unit_leave(actor=facilitator, group=group, unit=scene["lublin"])
    login(facilitator)
    detail = client.get(
        reverse("indicators:round-detail", kwargs={"slug": group.slug, "round_id": data_round.pk})
    )
    assert [s.unit for s in detail.context["submissions"]] == [scene["kielce"]]
    grid = client.get(grid_url(group, data_round, scene["lublin"]))
    assert grid.status_code == 200 and not grid.context["editable"]


# --- Query counts ----------------------------------------------------------------------


def test_the_round_and_indicator_pages_run_a_fixed_number_of_queries(
    client, login, group, facilitator, scene, member_factory
):
    def add_units(start: int, n: int) -> None:
        for i in range(start, start + n):
            unit = group_services.unit_get_or_create(
                country=Country.POLAND,
                level=UnitLevel.GMINA_RURAL,
                name=f"Gmina {i:02}",
                code=f"30{i:02}012",
            )
            office = Institution.objects.create(name=f"Urząd {i}", kind="gmina", unit=unit)
            member_factory(group, Role.MEMBER, institution=office)

    add_units(10, 2)
    data_round = open_round(group, facilitator, scene)
    login(facilitator)
    pages = [
        reverse("indicators:round-detail", kwargs={"slug": group.slug, "round_id": data_round.pk}),
        reverse("indicators:indicator-list", kwargs={"slug": group.slug}),
    ]

    def counts():
        found = []
        for path in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            found.append(len(queries))
        return found

    few = counts()
    add_units(20, 10)
    second = open_round(group, facilitator, scene)
    pages[0] = pages[0].replace(f"/{data_round.pk}/", f"/{second.pk}/")
    many = counts()
    assert few == many
    assert max(many) <= 14


# --- The shared catalogue --------------------------------------------------------------


def test_site_staff_keep_the_catalogue_and_others_may_not(client, login, member, site_staff):
    catalogue = reverse("indicators:catalogue")
    create = reverse("indicators:catalogue-create")
    data = {
        "code": "pit-per-capita",
        "name_pl": "Dochody z PIT na mieszkańca",
        "name_uk": "Надходження ПДФО на мешканця",
        "name_en": "Personal income tax revenue per inhabitant",
        "domain": Domain.LOCAL_TAXES,
        "measure": Measure.MONEY,
        "direction": "higher",
        "decimals": "0",
        "scale": "1",
    }
    login(member)
    assert client.get(catalogue).status_code == 403
    assert client.post(create, data).status_code == 403
    assert not Indicator.objects.exists()
    login(site_staff)
    assert client.get(catalogue).status_code == 200
    assert client.post(create, data).status_code == 302
    indicator = Indicator.objects.get()
    assert indicator.group is None and indicator.code == "pit-per-capita"
    again = client.post(create, data)
    assert again.status_code == 200 and Indicator.objects.count() == 1
    assert again.context["form"].non_field_errors()
    edit = reverse("indicators:catalogue-edit", kwargs={"indicator_id": indicator.pk})
    assert client.post(edit, {**data, "name_en": "PIT per inhabitant"}).status_code == 302
    indicator.refresh_from_db()
    assert indicator.name_en == "PIT per inhabitant"


def test_a_facilitator_adopts_from_the_catalogue_and_adds_the_groups_own(
    client, login, group, facilitator, member, scene
):
    spare = Indicator.objects.create(
        code="trees", name_pl="Drzewa", name_uk="Дерева", name_en="Trees",
        domain=Domain.ENVIRONMENT, measure=Measure.COUNT,
    )  # fmt: skip
    adopt = reverse("indicators:indicator-adopt", kwargs={"slug": group.slug})
    own = reverse("indicators:indicator-create", kwargs={"slug": group.slug})
    login(member)
    assert client.post(adopt, {"indicator": spare.pk}).status_code == 403
    login(facilitator)
    assert client.post(adopt, {"indicator": "x"}).status_code == 400
    assert client.post(adopt, {}).status_code == 200  # nothing chosen: said so, nothing done
    assert client.post(adopt, {"indicator": spare.pk}).status_code == 302
    assert spare in Indicator.objects.of_group(group)
    response = client.post(
        own,
        {
            "code": "tax-decision-cost",  # the catalogue has this code: the group may too
            "name_pl": "Koszt decyzji (własny)",
            "name_uk": "Вартість рішення (власний)",
            "name_en": "Cost of a decision (own)",
            "domain": Domain.LOCAL_TAXES,
            "measure": Measure.MONEY,
            "direction": "lower",
            "decimals": "2",
            "scale": "1",
        },
    )
    assert response.status_code == 302
    assert Indicator.objects.of_group(group).filter(group=group).count() == 1


def test_money_is_shown_in_the_municipalitys_own_currency(scene):
    zhytomyr = group_services.unit_get_or_create(
        country=Country.UKRAINE,
        level=UnitLevel.HROMADA,
        name="Житомирська міська громада",
        code="UA18040410000032427",
    )
    with translation.override("en"):
        assert measure_of(scene["cost"], scene["lublin"]) == "PLN"
        assert measure_of(scene["cost"], zhytomyr) == "UAH"
        assert measure_of(scene["roads"], zhytomyr) == "km"


def test_submitted_figures_stay_as_sent_until_the_facilitator_sends_them_back(
    group, facilitator, member, scene
):
    data_round = submitted(group, facilitator, member, scene)
    submission = Submission.objects.get(round=data_round, unit=scene["lublin"])
    with pytest.raises(ServiceError, match="send them back"):
        services.submission_save(
            actor=member, submission=submission, values={scene["cost"].pk: Decimal(87)}
        )
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    assert figures(data_round, scene["lublin"])["tax-decision-cost"] == (
        Decimal(88),
        ValueStatus.SUBMITTED,
    )
