"""Writes to the indicator catalogue, the values and the data rounds.

Services take the acting user; the caller has asked groups.access for the capability and,
for a unit's figures, applied the "figures" row rule (indicators.selectors.may_report).
What services check are the rules of the data: a round's indicators are the group's, a
value is a number within its indicator's bounds, a submitted form is complete. A refusal
raises ServiceError before anything is written.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Group, Notification, TerritorialUnit, User
from groups.services import notify
from gwd.commit import after_commit
from gwd.errors import ServiceError
from indicators import selectors, tasks
from indicators.models import (
    DataRound,
    GroupIndicator,
    Indicator,
    Submission,
    Value,
    ValueChange,
    ValueSource,
    ValueStatus,
)

# How long before a round's deadline its automatic reminder goes.
REMINDER_LEAD = dt.timedelta(days=3)

INDICATOR_FIELDS = (
    "code",
    "name_pl",
    "name_uk",
    "name_en",
    "definition_pl",
    "definition_uk",
    "definition_en",
    "domain",
    "measure",
    "direction",
    "decimals",
    "min_value",
    "max_value",
    "numerator",
    "denominator",
    "scale",
    "source",
    "bdl_variable_id",
)


def group_writable(group: Group | None) -> None:
    """Refuse a write to an archived group's figures, rounds or indicators: they stay as
    they were (an archived group still lets its facilitators and site staff `manage`)."""
    if group is not None and group.archived:
        raise ServiceError(
            _("This group is archived: its figures and rounds stay as they are."),
            code="archived",
        )


# --- The catalogue -------------------------------------------------------------------


def _indicator_check(indicator: Indicator) -> None:
    for part in (indicator.numerator, indicator.denominator):
        if part is not None and part.group_id not in (None, indicator.group_id):
            raise ServiceError(_("A derived indicator is made of the catalogue's or its own."))
    clash = Indicator.objects.filter(code=indicator.code, group=indicator.group)
    if clash.exclude(pk=indicator.pk).exists():
        raise ServiceError(_("Another indicator already has this code."))
    indicator.full_clean(validate_unique=False, validate_constraints=False)


@transaction.atomic
def indicator_create(*, actor: User, group: Group | None, **fields) -> Indicator:
    """A new indicator: of the shared catalogue (`group` None, site staff) or a group's
    own, which the group then works with at once."""
    if group is None and not actor.is_staff:
        raise ServiceError(_("Only site staff keep the shared catalogue."), code="forbidden")
    group_writable(group)
    indicator = Indicator(group=group, **{k: v for k, v in fields.items() if k in INDICATOR_FIELDS})
    _indicator_check(indicator)
    indicator.save()
    if group is not None:
        GroupIndicator.objects.create(group=group, indicator=indicator, adopted_by=actor)
    return indicator


@transaction.atomic
def indicator_update(*, actor: User, indicator: Indicator, **fields) -> Indicator:
    if indicator.group_id is None and not actor.is_staff:
        raise ServiceError(_("Only site staff keep the shared catalogue."), code="forbidden")
    group_writable(indicator.group)
    for name, value in fields.items():
        if name in INDICATOR_FIELDS:
            setattr(indicator, name, value)
    _indicator_check(indicator)
    indicator.save()
    return indicator


@transaction.atomic
def indicator_adopt(*, actor: User, group: Group, indicators: list[Indicator]) -> int:
    """The group works with these indicators of the shared catalogue from now on.
    Returns how many were new to it."""
    group_writable(group)
    if any(i.group_id is not None for i in indicators):
        raise ServiceError(_("Only indicators of the shared catalogue can be adopted."))
    have = set(GroupIndicator.objects.filter(group=group).values_list("indicator_id", flat=True))
    new = [i for i in indicators if i.pk not in have]
    GroupIndicator.objects.bulk_create(
        [GroupIndicator(group=group, indicator=i, adopted_by=actor) for i in new]
    )
    return len(new)


# --- Values --------------------------------------------------------------------------


def value_check(indicator: Indicator, number: Decimal) -> None:
    """Refuse a number outside the indicator's plausible range."""
    low, high = indicator.min_value, indicator.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        raise ServiceError(
            _("%(name)s: the value is outside the plausible range.")
            % {"name": indicator.display_name},
            code="out_of_range",
        )


def _change(value: Value, actor: User | None, old: tuple, comment: str = "") -> None:
    old_value, old_status = old
    ValueChange.objects.create(
        value=value,
        group_id=value.group_id,
        unit_id_at=value.unit_id,
        indicator_id_at=value.indicator_id,
        year=value.year,
        old_value=old_value,
        new_value=value.value,
        old_status=old_status,
        new_status=value.status,
        comment=comment,
        source=value.source,
        source_detail=value.source_detail,
        actor=actor,
        actor_name=actor.full_name if actor else "",
    )


def value_set(
    *,
    actor: User | None,
    group: Group,
    unit: TerritorialUnit,
    indicator: Indicator,
    year: int,
    value: Decimal,
    district: TerritorialUnit | None = None,
    source: str = ValueSource.TYPED,
    source_detail: str = "",
    round: DataRound | None = None,
    status: str = ValueStatus.DRAFT,
) -> Value:
    """Write one figure and its entry in the history; nothing when nothing changes.

    The caller has checked who may enter it. Raises ServiceError for a value outside the
    indicator's range. Call inside a transaction (each caller's own).
    """
    value_check(indicator, value)
    row = (
        Value.objects.select_for_update()
        .filter(group=group, unit=unit, indicator=indicator, year=year, district=district)
        .first()
    )
    if row is not None and row.value == value and row.status == status:
        return row
    old = (row.value, row.status) if row else (None, "")
    row = row or Value(group=group, unit=unit, indicator=indicator, year=year, district=district)
    row.value, row.status, row.comment = value, status, ""
    row.source, row.source_detail, row.round = source, source_detail, round or row.round
    row.entered_by, row.updated_at = actor, timezone.now()
    row.save()
    _change(row, actor, old)
    return row


def _values_status(
    *, actor: User, submission: Submission, status: str, comments: dict[int, str] | None = None
) -> None:
    """Move the submission's values to `status`, each change in the history."""
    comments = comments or {}
    values = Value.objects.select_for_update().filter(
        group=submission.round.group,
        unit=submission.unit,
        year=submission.round.year,
        district__isnull=True,
        indicator__in=submission.round.indicators.all(),
    )
    for value in values:
        comment = comments.get(value.indicator_id, "")
        new_status = ValueStatus.FLAGGED if comment else status
        if value.status == new_status and value.comment == comment:
            continue
        old = (value.value, value.status)
        value.status, value.comment = new_status, comment
        value.save(update_fields=["status", "comment"])
        _change(value, actor, old, comment)


# --- Data rounds ---------------------------------------------------------------------


@transaction.atomic
def round_open(
    *,
    actor: User,
    group: Group,
    title: str,
    year: int,
    deadline: dt.date,
    indicators: list[Indicator],
) -> DataRound:
    """Open a round for every unit that is a member of the group now, tell their
    officials, and plan the reminder before the deadline."""
    group_writable(group)
    title = title.strip()
    if not title:
        raise ServiceError(_("Give the round a title."))
    if not indicators:
        raise ServiceError(_("Choose at least one indicator."))
    own = set(Indicator.objects.of_group(group).values_list("pk", flat=True))
    if any(i.pk not in own for i in indicators):
        raise ServiceError(_("A round asks only for the group's indicators."))
    if deadline < timezone.localdate():
        raise ServiceError(_("The deadline has passed already."))
    if not 1990 <= year <= timezone.localdate().year + 1:
        raise ServiceError(_("Choose a year from 1990 to next year."))
    data_round = DataRound.objects.create(
        group=group, title=title, year=year, deadline=deadline, opened_by=actor
    )
    data_round.indicators.set(indicators)
    units = list(TerritorialUnit.objects.of_group(group))
    Submission.objects.bulk_create([Submission(round=data_round, unit=u) for u in units])
    officials = selectors.officials(group, units)
    notify(
        kind=Notification.Kind.ROUND_OPENED,
        group=group,
        users=sorted({user_id for ids in officials.values() for user_id in ids} - {actor.pk}),
        params={"actor": actor.full_name, "title": title},
        url=selectors.round_url(data_round),
        actor=actor,
    )
    round_id = data_round.pk
    reminder_at = timezone.make_aware(dt.datetime.combine(deadline - REMINDER_LEAD, dt.time(9, 0)))
    after_commit(
        lambda: tasks.round_reminder.using(run_after=max(reminder_at, timezone.now())).enqueue(
            round_id=round_id
        )
    )
    return data_round


@transaction.atomic
def round_close(*, actor: User, data_round: DataRound) -> DataRound:
    group_writable(data_round.group)
    data_round.status = DataRound.Status.CLOSED
    data_round.save(update_fields=["status"])
    return data_round


def round_remind(*, actor: User | None, data_round: DataRound) -> int:
    """Remind the officials of every unit that has not submitted yet, now. Returns how
    many units were reminded (none when the round is closed)."""
    group_writable(data_round.group)
    return tasks.waiting_remind(actor=actor, data_round=data_round)


def submitted_check(submission: Submission) -> None:
    """Refuse a change to figures that wait for the facilitator's review."""
    if submission.status == Submission.Status.SUBMITTED:
        raise ServiceError(
            _(
                "These figures are submitted and wait for the facilitator. To change one, "
                "ask the facilitator to send them back."
            ),
            code="submitted",
        )


def _submission_lock(submission: Submission) -> Submission:
    return (
        Submission.objects.select_for_update()
        .select_related("round", "round__group")
        .get(pk=submission.pk)
    )


@transaction.atomic
def submission_save(
    *,
    actor: User,
    submission: Submission,
    values: dict[int, Decimal | None],
    submit: bool = False,
    source: str = ValueSource.TYPED,
    source_detail: str = "",
) -> Submission:
    """Save the figures a unit's official typed into the round's form, and submit them
    when `submit`: then every indicator of the round needs a figure. `source` and
    `source_detail` say where new figures came from (a spreadsheet's file name).

    `values` maps indicator ids of the round to a number, or None for a cell left
    empty (which removes nothing: a figure once saved stays in the history). A round
    that is closed takes no more figures, nor does a submission that is verified or
    waits for the facilitator (submitted): what the facilitator verifies is what they
    saw, so figures change again only once sent back.
    """
    submission = _submission_lock(submission)
    data_round = submission.round
    group_writable(data_round.group)
    if data_round.status != DataRound.Status.OPEN:
        raise ServiceError(_("This round is closed."), code="closed")
    if (
        not TerritorialUnit.objects.of_group(data_round.group)
        .filter(pk=submission.unit_id)
        .exists()
    ):
        raise ServiceError(
            _("This municipality has left the group: the round asks it for nothing more."),
            code="unit_left",
        )
    if submission.status == Submission.Status.VERIFIED:
        raise ServiceError(_("These figures are verified already."), code="verified")
    submitted_check(submission)
    indicators = {i.pk: i for i in data_round.indicators.all()}
    if set(values) - set(indicators):
        raise ServiceError(_("This indicator is not part of the round."))
    status = ValueStatus.SUBMITTED if submit else ValueStatus.DRAFT
    existing = {
        v.indicator_id: v
        for v in Value.objects.filter(
            group=data_round.group,
            unit=submission.unit,
            year=data_round.year,
            district__isnull=True,
            indicator_id__in=indicators,
        )
    }
    if submit:
        missing = [
            indicators[pk].display_name
            for pk in indicators
            if values.get(pk) is None and pk not in existing
        ]
        if missing:
            raise ServiceError(
                _("Fill in every indicator before submitting. Missing: %(names)s.")
                % {"names": ", ".join(missing)},
                code="incomplete",
            )
    for pk, indicator in indicators.items():
        number = values.get(pk)
        if number is None and submit:
            number = existing[pk].value
        if number is None:
            continue
        value_set(
            actor=actor,
            group=data_round.group,
            unit=submission.unit,
            indicator=indicator,
            year=data_round.year,
            value=number,
            round=data_round,
            status=status,
            # A figure kept from before (submitted as it was) keeps where it came from.
            source=source if values.get(pk) is not None else existing[pk].source,
            source_detail=(
                source_detail if values.get(pk) is not None else existing[pk].source_detail
            ),
        )
    if submit:
        submission.status = Submission.Status.SUBMITTED
        submission.submitted_at, submission.submitted_by = timezone.now(), actor
        submission.save(update_fields=["status", "submitted_at", "submitted_by"])
        facilitators = selectors.facilitator_ids(data_round.group)
        notify(
            kind=Notification.Kind.ROUND_SUBMITTED,
            group=data_round.group,
            users=sorted(facilitators - {actor.pk}),
            params={
                "actor": actor.full_name,
                "title": data_round.title,
                "unit": submission.unit.name,
            },
            url=selectors.round_url(data_round),
            actor=actor,
        )
    return submission


@transaction.atomic
def submission_verify(*, actor: User, submission: Submission) -> Submission:
    """A facilitator accepts a unit's submitted figures: they become verified."""
    submission = _submission_lock(submission)
    group_writable(submission.round.group)
    if submission.status != Submission.Status.SUBMITTED:
        raise ServiceError(_("Only submitted figures can be verified."), code="not_submitted")
    _values_status(actor=actor, submission=submission, status=ValueStatus.VERIFIED)
    submission.status = Submission.Status.VERIFIED
    submission.verified_at, submission.verified_by = timezone.now(), actor
    submission.comment = ""
    submission.save(update_fields=["status", "verified_at", "verified_by", "comment"])
    return submission


@transaction.atomic
def submission_return(
    *,
    actor: User,
    submission: Submission,
    comment: str,
    flags: dict[int, str] | None = None,
) -> Submission:
    """A facilitator sends a unit's figures back with a comment; `flags` (indicator id →
    comment) marks the figures to look at. The officials are told."""
    submission = _submission_lock(submission)
    group_writable(submission.round.group)
    comment = comment.strip()
    flags = {pk: text.strip()[:1000] for pk, text in (flags or {}).items() if text.strip()}
    if submission.status not in (Submission.Status.SUBMITTED, Submission.Status.VERIFIED):
        raise ServiceError(_("Only submitted figures can be sent back."), code="not_submitted")
    if not comment:
        raise ServiceError(_("Say what to correct."), code="comment_required")
    if len(comment) > 2000:
        raise ServiceError(_("The comment is too long."))
    round_indicators = set(submission.round.indicators.values_list("pk", flat=True))
    if set(flags) - round_indicators:
        raise ServiceError(_("This indicator is not part of the round."))
    _values_status(actor=actor, submission=submission, status=ValueStatus.DRAFT, comments=flags)
    submission.status = Submission.Status.RETURNED
    submission.comment = comment
    submission.verified_at = submission.verified_by = None
    submission.save(update_fields=["status", "comment", "verified_at", "verified_by"])
    officials = selectors.officials(submission.round.group, [submission.unit])
    notify(
        kind=Notification.Kind.ROUND_RETURNED,
        group=submission.round.group,
        users=sorted(officials.get(submission.unit_id, set()) - {actor.pk}),
        params={
            "actor": actor.full_name,
            "title": submission.round.title,
            "unit": submission.unit.name,
        },
        url=selectors.submission_url(submission),
        actor=actor,
    )
    return submission
