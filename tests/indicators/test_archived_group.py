"""An archived group's figures stay as they were: no round opens, no reminder goes, no
figure is saved, verified, sent back or imported, no indicator is added — for site staff
and facilitators too (an archived group still lets them `manage`)."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from groups.models import Group, Notification, User
from gwd.errors import ServiceError
from indicators import imports, services
from indicators.models import DataRound, GroupIndicator, Indicator, Submission, Value

BDL = Path(__file__).parent / "data" / "bdl"


@pytest.fixture
def submitted(data_round, member, cities, catalogue):
    """Lublin's figures of the round, submitted before the group was archived."""
    submission = Submission.objects.get(round=data_round, unit=cities["lublin"])
    services.submission_save(
        actor=member,
        submission=submission,
        values={catalogue[k].pk: Decimal(5) for k in ("roads", "tax_cost", "accidents")},
        submit=True,
    )
    return submission


def _archive(group):
    Group.objects.filter(pk=group.pk).update(archived=True)
    group.refresh_from_db()


def _unit_kwargs(group, data_round, unit) -> dict:
    return {"slug": group.slug, "round_id": data_round.pk, "unit_id": unit.pk}


def _writes():
    return (
        DataRound.objects.count(),
        Value.objects.count(),
        list(Value.objects.values_list("status", flat=True).order_by("pk")),
        list(Submission.objects.values_list("status", flat=True).order_by("pk")),
        GroupIndicator.objects.count(),
        Indicator.objects.count(),
        Notification.objects.count(),
    )


def test_no_service_writes_figures_in_an_archived_group(
    group, facilitator, member, cities, catalogue, data_round, submitted
):
    shared = Indicator.objects.create(
        code="shared", name_pl="x", name_uk="x", name_en="x", domain="roads", measure="count"
    )
    own = Indicator.objects.create(
        group=group, code="own", name_pl="x", name_uk="x", name_en="x", domain="roads"
    )
    kielce = Submission.objects.get(round=data_round, unit=cities["kielce"])
    _archive(group)
    data_round.refresh_from_db()
    before = _writes()
    calls = [
        lambda: services.round_open(
            actor=facilitator,
            group=group,
            title="R",
            year=2025,
            deadline=timezone.localdate() + dt.timedelta(days=9),
            indicators=[catalogue["roads"]],
        ),
        lambda: services.round_remind(actor=facilitator, data_round=data_round),
        lambda: services.round_close(actor=facilitator, data_round=data_round),
        lambda: services.submission_save(
            actor=facilitator, submission=kielce, values={catalogue["roads"].pk: Decimal(1)}
        ),
        lambda: services.submission_verify(actor=facilitator, submission=submitted),
        lambda: services.submission_return(actor=facilitator, submission=submitted, comment="x"),
        lambda: services.indicator_adopt(actor=facilitator, group=group, indicators=[shared]),
        lambda: services.indicator_create(
            actor=facilitator, group=group, code="own-2", name_pl="x", domain="roads"
        ),
        lambda: services.indicator_update(actor=facilitator, indicator=own, name_pl="y"),
        lambda: imports.bdl_import(
            actor=facilitator,
            group=group,
            group_indicators=[catalogue["accidents"]],
            units=list(cities.values()),
            records=[],
            source_detail="x",
        ),
        lambda: imports.round_import(
            actor=facilitator,
            data_round=data_round,
            units=list(cities.values()),
            content=b"",
            name="x.csv",
            locale="pl",
        ),
    ]
    for call in calls:
        with pytest.raises(ServiceError) as refused:
            call()
        assert refused.value.code == "archived"
    assert _writes() == before
    data_round.refresh_from_db()
    assert data_round.status == DataRound.Status.OPEN


def test_the_automatic_reminder_skips_an_archived_group(group, data_round):
    from indicators import tasks

    _archive(group)
    before = Notification.objects.count()
    assert tasks.round_reminder.call(round_id=data_round.pk) == 0
    assert Notification.objects.count() == before


def test_a_facilitator_in_an_archived_group_is_told_and_nothing_is_written(
    client, login, group, facilitator, cities, catalogue, data_round, submitted
):
    shared = Indicator.objects.create(
        code="shared", name_pl="x", name_uk="x", name_en="x", domain="roads", measure="count"
    )
    _archive(group)
    User.objects.filter(pk=facilitator.pk).update(language="en")
    before = _writes()
    login(facilitator)
    kielce = {**_unit_kwargs(group, data_round, cities["kielce"])}
    figures = {f"v-{catalogue['roads'].pk}": "5", "action": "save"}
    # Entering figures needs `report`, which an archived group does not allow at all.
    assert (
        client.post(reverse("indicators:submission-edit", kwargs=kielce), figures).status_code
        == 403
    )
    slug = {"slug": group.slug}
    in_round = {**slug, "round_id": data_round.pk}
    lublin = _unit_kwargs(group, data_round, cities["lublin"])
    posts = [
        (reverse("indicators:indicator-adopt", kwargs=slug), {"indicator": [shared.pk]}),
        (
            reverse("indicators:round-create", kwargs=slug),
            {
                "title": "R",
                "year": "2025",
                "deadline": (timezone.localdate() + dt.timedelta(days=9)).isoformat(),
                "indicators": [catalogue["roads"].pk],
            },
        ),
        (reverse("indicators:round-remind", kwargs=in_round), {}),
        (reverse("indicators:submission-review", kwargs=lublin), {"action": "verify"}),
        (
            reverse("indicators:submission-review", kwargs=lublin),
            {"action": "return", "comment": "x"},
        ),
        (
            reverse("indicators:bdl-import", kwargs=slug),
            {
                "file": SimpleUploadedFile(
                    "60559.json",
                    (BDL / "by-variable-60559-page0.json").read_bytes(),
                    "application/json",
                )
            },
        ),
    ]
    for url, data in posts:
        response = client.post(url, data, follow=True)
        assert response.status_code in (200, 400), url
        shown = " ".join(str(m) for m in response.context["messages"])
        shown += response.content.decode()
        assert "archived" in shown, url
    assert _writes() == before
