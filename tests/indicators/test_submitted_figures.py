"""Submitted figures wait for the facilitator as they were sent: nothing changes them
until the facilitator verifies them or sends them back, so what is verified is what the
facilitator saw."""

from decimal import Decimal

import pytest
from django.urls import reverse

from groups.models import User
from gwd.errors import ServiceError
from indicators import imports, services, sheets
from indicators.models import Submission, Value, ValueChange, ValueStatus

ROUND_CODES = ("roads", "tax_cost", "accidents")


@pytest.fixture
def submitted(data_round, member, cities, catalogue):
    submission = Submission.objects.get(round=data_round, unit=cities["lublin"])
    services.submission_save(
        actor=member,
        submission=submission,
        values={catalogue[k].pk: Decimal(5) for k in ROUND_CODES},
        submit=True,
    )
    return submission


def _figures():
    return sorted(Value.objects.values_list("indicator_id", "value", "status")), (
        ValueChange.objects.count()
    )


def _edit_url(group, data_round, unit) -> str:
    return reverse(
        "indicators:submission-edit",
        kwargs={"slug": group.slug, "round_id": data_round.pk, "unit_id": unit.pk},
    )


def test_submitted_figures_cannot_be_changed_until_sent_back(
    member, facilitator, catalogue, submitted
):
    before = _figures()
    for actor in (member, facilitator):
        with pytest.raises(ServiceError) as refused:
            services.submission_save(
                actor=actor, submission=submitted, values={catalogue["roads"].pk: Decimal(6)}
            )
        assert refused.value.code == "submitted"
    assert _figures() == before
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED

    services.submission_return(actor=facilitator, submission=submitted, comment="Drogi?")
    services.submission_save(
        actor=member, submission=submitted, values={catalogue["roads"].pk: Decimal(6)}
    )
    assert Value.objects.get(indicator=catalogue["roads"]).value == Decimal(6)


def test_what_the_facilitator_verifies_is_what_was_submitted(
    client, login, group, member, facilitator, cities, catalogue, data_round, submitted
):
    User.objects.filter(pk=member.pk).update(language="en")
    login(member)
    url = _edit_url(group, data_round, cities["lublin"])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="action"' not in page.content.decode()  # read-only while submitted
    assert "send them back" in page.content.decode()
    response = client.post(url, {f"v-{catalogue['roads'].pk}": "99", "action": "save"}, follow=True)
    assert response.status_code == 200
    assert "send them back" in " ".join(str(m) for m in response.context["messages"])
    services.submission_verify(actor=facilitator, submission=submitted)
    assert set(Value.objects.values_list("value", "status")) == {(Decimal(5), ValueStatus.VERIFIED)}


def test_a_file_does_not_change_submitted_figures(member, cities, catalogue, data_round, submitted):
    before = _figures()
    content = sheets.write([["0663011", "Lublin", "roads-share", "", "", 2025, 64]], "csv")
    with pytest.raises(ServiceError) as refused:
        imports.round_import(
            actor=member,
            data_round=data_round,
            units=[cities["lublin"]],
            content=content,
            name="lublin.csv",
            locale="pl",
        )
    assert refused.value.code == "submitted"
    assert _figures() == before
