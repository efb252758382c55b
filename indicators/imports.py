"""Figures brought in from files: a data round's filled-in template (CSV, XLSX, ODS) and
saved responses of GUS BDL, each row reported back as accepted or with why not.

Nothing here decides who may import: the view has checked the capability, and passes
the units the person may enter figures for. Rows are checked first, all of them; the
accepted ones are then written through the round's own service (``submission_save``),
one unit at a time inside one transaction, so a file is taken whole or, if writing
fails, not at all.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from groups.models import Group, TerritorialUnit, User
from gwd.errors import ServiceError
from indicators import bdl, sheets
from indicators.entry import NumberError, parse_number
from indicators.models import DataRound, Indicator, Submission, ValueSource, ValueStatus
from indicators.services import submission_save, value_check, value_set

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
    if text.isdigit() and len(text) in (1, 3, 6):
        return text.zfill(len(text) + 1)
    return text.upper() if text[:2].lower() == "ua" else text


def _number(cell: sheets.Cell, locale: str) -> Decimal:
    if isinstance(cell, Decimal):
        return cell
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
        with transaction.atomic():
            submissions = {
                s.unit_id: s
                for s in Submission.objects.filter(round=data_round, unit_id__in=list(accepted))
            }
            for unit_id, values in accepted.items():
                submission = submissions.get(unit_id) or Submission.objects.create(
                    round=data_round, unit_id=unit_id
                )
                submission_save(
                    actor=actor,
                    submission=submission,
                    values=values,
                    source=ValueSource.FILE,
                    source_detail=name[:300],
                )
    return result


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
    and variable ids) as verified figures: the statistics office published them."""
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
