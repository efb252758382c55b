"""Figures brought in from files: a data round's filled-in template (CSV, XLSX, ODS) and
saved responses of GUS BDL, each row reported back as accepted or with why not.

Nothing here decides who may import: the view has checked the capability, and passes
the units the person may enter figures for. Rows are checked first, all of them; the
accepted ones are then written as the round's form writes them (drafts, each with its
entry in the history), in bulk and in one transaction, so a file is taken whole or, if
writing fails, not at all.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Group, TerritorialUnit, User
from gwd.errors import ServiceError
from indicators import bdl, sheets
from indicators.entry import NumberError, number_check, parse_number
from indicators.models import (
    DataRound,
    Indicator,
    Submission,
    Value,
    ValueChange,
    ValueSource,
    ValueStatus,
)
from indicators.services import group_writable, submitted_check, value_check, value_set

ACCEPTED = "accepted"
EMPTY = "empty"
UNKNOWN_UNIT = "unknown_unit"
UNKNOWN_INDICATOR = "unknown_indicator"
NOT_A_NUMBER = "not_a_number"
OUT_OF_RANGE = "out_of_range"
DUPLICATE = "duplicate"
WRONG_YEAR = "wrong_year"
NOT_ORDINARY = "not_ordinary"


@dataclass(frozen=True)
class RowResult:
    number: int | str
    unit: str
    indicator: str
    value: str
    outcome: str
    message: str = ""

    @property
    def accepted(self) -> bool:
        return self.outcome == ACCEPTED


@dataclass
class ImportResult:
    rows: list[RowResult] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return sum(1 for row in self.rows if row.accepted)

    @property
    def refused(self) -> list[RowResult]:
        return [row for row in self.rows if row.outcome not in (ACCEPTED, EMPTY)]


def _unit_code(text: str) -> str:
    # A spreadsheet that took a TERYT code for a number dropped its leading zero.
    if text.isascii() and text.isdigit() and len(text) in (1, 3, 6):
        return text.zfill(len(text) + 1)
    return text.upper() if text[:2].lower() == "ua" else text


def _number(cell: sheets.Cell, locale: str) -> Decimal:
    if isinstance(cell, Decimal):
        return number_check(cell)
    return parse_number(str(cell or ""), locale)


def round_import(
    *,
    actor: User,
    data_round: DataRound,
    units: list[TerritorialUnit],
    content: bytes,
    name: str,
    locale: str,
) -> ImportResult:
    """Check every row of the file against the round and write the accepted figures as
    drafts of their units' submissions. Raises SheetError for a file that cannot be read
    and ServiceError when the round takes no figures."""
    group_writable(data_round.group)
    if data_round.status != DataRound.Status.OPEN:
        raise ServiceError(_("This round is closed."), code="closed")
    by_code = {unit.code: unit for unit in units}
    indicators = {i.code: i for i in data_round.indicators.all()}
    result = ImportResult()
    accepted: dict[int, dict[int, Decimal | None]] = defaultdict(dict)
    seen: set[tuple[int, int]] = set()
    for row in sheets.read(content, name):
        shown = "" if row.value is None else str(row.value)

        def report(outcome: str, message: str = "", row=row, shown=shown) -> None:
            result.rows.append(
                RowResult(row.number, row.unit_code, row.indicator_code, shown, outcome, message)
            )

        unit = by_code.get(_unit_code(row.unit_code))
        indicator = indicators.get(row.indicator_code)
        if unit is None:
            report(UNKNOWN_UNIT, _("No municipality of yours has this code."))
            continue
        if indicator is None:
            report(UNKNOWN_INDICATOR, _("This round asks for no indicator with this code."))
            continue
        if row.year and row.year != str(data_round.year):
            report(WRONG_YEAR, _("This round collects %(year)s.") % {"year": data_round.year})
            continue
        if row.value is None or (isinstance(row.value, str) and not row.value.strip()):
            report(EMPTY)
            continue
        try:
            number = _number(row.value, locale)
        except NumberError as error:
            report(NOT_A_NUMBER, error.message)
            continue
        try:
            value_check(indicator, number)
        except ServiceError as error:
            report(OUT_OF_RANGE, str(error.message))
            continue
        if (unit.pk, indicator.pk) in seen:
            report(DUPLICATE, _("An earlier row has the same municipality and indicator."))
            continue
        seen.add((unit.pk, indicator.pk))
        accepted[unit.pk][indicator.pk] = number
        report(ACCEPTED)
    if accepted:
        _figures_write(
            actor=actor, data_round=data_round, accepted=accepted, source_detail=name[:300]
        )
    return result


def _figures_write(
    *,
    actor: User,
    data_round: DataRound,
    accepted: dict[int, dict[int, Decimal | None]],
    source_detail: str,
) -> None:
    """Save accepted figures as drafts of their units' submissions, in bulk.

    The rules are those of the round's form (`services.submission_save` without
    submitting): an open round, a submission not verified nor submitted, each figure and its entry
    in the history. Written here in a few statements rather than three per figure: a
    facilitator's file of 10,000 rows took 25 s of CPU one figure at a time.
    """
    group = data_round.group
    with transaction.atomic():
        data_round = DataRound.objects.select_for_update().get(pk=data_round.pk)
        if data_round.status != DataRound.Status.OPEN:
            raise ServiceError(_("This round is closed."), code="closed")
        submissions = {
            s.unit_id: s
            for s in Submission.objects.select_for_update().filter(
                round=data_round, unit_id__in=list(accepted)
            )
        }
        Submission.objects.bulk_create(
            [Submission(round=data_round, unit_id=u) for u in accepted if u not in submissions]
        )
        verified = {u for u, s in submissions.items() if s.status == Submission.Status.VERIFIED}
        if verified:
            raise ServiceError(_("These figures are verified already."), code="verified")
        for submission in submissions.values():
            submitted_check(submission)
        indicator_ids = {pk for values in accepted.values() for pk in values}
        existing = {
            (v.unit_id, v.indicator_id): v
            for v in Value.objects.select_for_update().filter(
                group=group,
                year=data_round.year,
                district__isnull=True,
                unit_id__in=list(accepted),
                indicator_id__in=list(indicator_ids),
            )
        }
        now = timezone.now()
        new: list[Value] = []
        changed: list[tuple[Value, Decimal | None, str]] = []
        for unit_id, values in accepted.items():
            for indicator_id, number in values.items():
                row = existing.get((unit_id, indicator_id))
                if row is not None and row.value == number and row.status == ValueStatus.DRAFT:
                    continue
                if row is None:
                    row = Value(
                        group=group,
                        unit_id=unit_id,
                        indicator_id=indicator_id,
                        year=data_round.year,
                    )
                    new.append(row)
                    old: tuple[Decimal | None, str] = (None, "")
                else:
                    old = (row.value, row.status)
                assert number is not None
                row.value, row.status, row.comment = number, ValueStatus.DRAFT, ""
                row.source, row.source_detail, row.round = (
                    ValueSource.FILE,
                    source_detail,
                    data_round,
                )
                row.entered_by, row.updated_at = actor, now
                changed.append((row, *old))
        created = {id(row) for row in new}
        Value.objects.bulk_create(new, batch_size=1000)
        Value.objects.bulk_update(
            [row for row, _v, _s in changed if id(row) not in created],
            ["value", "status", "comment", "source", "source_detail", "round", "entered_by",
             "updated_at"],
            batch_size=1000,
        )  # fmt: skip
        ValueChange.objects.bulk_create(
            [
                ValueChange(
                    value=row,
                    group_id=group.pk,
                    unit_id_at=row.unit_id,
                    indicator_id_at=row.indicator_id,
                    year=row.year,
                    old_value=old_value,
                    new_value=row.value,
                    old_status=old_status,
                    new_status=row.status,
                    source=row.source,
                    source_detail=row.source_detail,
                    actor=actor,
                    actor_name=actor.full_name,
                    created_at=now,
                )
                for row, old_value, old_status in changed
            ],
            batch_size=1000,
        )


def template_rows(
    data_round: DataRound, units: list[TerritorialUnit], language: str
) -> list[list[sheets.Cell]]:
    """One row per unit and indicator of the round, the value left to fill in."""
    indicators = list(data_round.indicators.order_by("domain", "code"))
    return [
        [
            unit.code,
            unit.name,
            indicator.code,
            indicator.name_in(language),
            indicator.get_measure_display(),
            data_round.year,
            None,
        ]
        for unit in units
        for indicator in indicators
    ]


def bdl_import(
    *,
    actor: User,
    group: Group,
    group_indicators: list[Indicator],
    units: list[TerritorialUnit],
    records: list[bdl.Record],
    source_detail: str,
) -> ImportResult:
    """Write BDL's values for the group's units and indicators (matched by BDL's unit
    and variable ids) as verified figures: the statistics office published them.
    Raises ServiceError in an archived group."""
    group_writable(group)
    by_bdl_unit = {unit.bdl_id: unit for unit in units if unit.bdl_id}
    by_variable = {i.bdl_variable_id: i for i in group_indicators if i.bdl_variable_id}
    result = ImportResult()
    writes = []
    seen: set[tuple[int, int, int]] = set()
    for number, record in enumerate(records, start=1):
        shown = "" if record.value is None else str(record.value)
        label = f"{record.unit_name} ({record.unit_id})" if record.unit_name else record.unit_id

        def report(outcome: str, message: str = "", number=number, label=label, shown=shown):
            variable = records[number - 1].variable_id
            result.rows.append(RowResult(number, label, variable, shown, outcome, message))

        unit = by_bdl_unit.get(record.unit_id)
        indicator = by_variable.get(record.variable_id)
        if unit is None:
            report(UNKNOWN_UNIT, _("No municipality of the group has this BDL id."))
        elif indicator is None:
            report(UNKNOWN_INDICATOR, _("No indicator of the group has this BDL variable."))
        elif record.value is None:
            report(
                NOT_ORDINARY, _("BDL marks this value (attribute %(a)s).") % {"a": record.attribute}
            )
        elif (unit.pk, indicator.pk, record.year) in seen:
            report(DUPLICATE, _("An earlier value has the same unit, variable and year."))
        else:
            try:
                number_check(record.value)
            except NumberError as error:
                report(NOT_A_NUMBER, error.message)
                continue
            try:
                value_check(indicator, record.value)
            except ServiceError as error:
                report(OUT_OF_RANGE, str(error.message))
                continue
            seen.add((unit.pk, indicator.pk, record.year))
            writes.append((unit, indicator, record.year, record.value))
            report(ACCEPTED)
    with transaction.atomic():
        for unit, indicator, year, value in writes:
            value_set(
                actor=actor,
                group=group,
                unit=unit,
                indicator=indicator,
                year=year,
                value=value,
                source=ValueSource.BDL,
                source_detail=source_detail[:300],
                status=ValueStatus.VERIFIED,
            )
    return result
