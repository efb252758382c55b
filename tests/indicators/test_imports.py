"""A round's template in three formats, and the filled-in file read back with a result
for every row: accepted, or why not."""

from decimal import Decimal as D

import pytest
from openpyxl import Workbook

from indicators import imports, sheets
from indicators.models import Submission, Value, ValueSource, ValueStatus


def _xlsx(rows) -> bytes:
    import io

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(sheets.headings())
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_every_row_gets_its_result_and_only_good_rows_are_written(
    member, cities, catalogue, data_round
):
    content = _xlsx(
        [
            ["0663011", "Lublin", "roads-share", "", "", 2025, 64.5],
            ["663011", "Lublin", "tax-cost", "", "", 2025, "1 234,5"],  # leading zero lost
            ["2661011", "Kielce", "roads-share", "", "", 2025, 50],  # not the member's unit
            ["0663011", "Lublin", "no-such", "", "", 2025, 1],
            ["0663011", "Lublin", "accidents", "", "", 2025, "dużo"],
            ["0663011", "Lublin", "roads-share", "", "", 2025, 65],  # second time
            ["0663011", "Lublin", "accidents", "", "", 2024, 5],
        ]
    )
    lublin_only = [cities["lublin"]]
    result = imports.round_import(
        actor=member,
        data_round=data_round,
        units=lublin_only,
        content=content,
        name="lublin.xlsx",
        locale="pl",
    )
    assert [(row.number, row.outcome) for row in result.rows] == [
        (2, imports.ACCEPTED),
        (3, imports.ACCEPTED),
        (4, imports.UNKNOWN_UNIT),
        (5, imports.UNKNOWN_INDICATOR),
        (6, imports.NOT_A_NUMBER),
        (7, imports.DUPLICATE),
        (8, imports.WRONG_YEAR),
    ]
    assert result.accepted == 2 and len(result.refused) == 5
    assert all(row.message for row in result.refused)
    stored = {v.indicator.code: v for v in Value.objects.filter(unit=cities["lublin"], year=2025)}
    assert stored["roads-share"].value == D("64.5")
    assert stored["tax-cost"].value == D("1234.5")
    assert stored["roads-share"].status == ValueStatus.DRAFT
    assert stored["roads-share"].source == ValueSource.FILE
    assert stored["roads-share"].source_detail == "lublin.xlsx"
    assert not Value.objects.filter(unit=cities["kielce"]).exists()
    submission = Submission.objects.get(round=data_round, unit=cities["lublin"])
    assert submission.status == Submission.Status.IN_PROGRESS


@pytest.mark.django_db
def test_a_value_out_of_range_is_refused(member, cities, catalogue, data_round):
    content = _xlsx([["0663011", "Lublin", "roads-share", "", "", 2025, 140]])
    result = imports.round_import(
        actor=member,
        data_round=data_round,
        units=[cities["lublin"]],
        content=content,
        name="x.xlsx",
        locale="pl",
    )
    assert [row.outcome for row in result.rows] == [imports.OUT_OF_RANGE]
    assert not Value.objects.exists()


@pytest.mark.django_db
def test_the_template_has_a_row_per_unit_and_indicator(cities, data_round):
    rows = imports.template_rows(data_round, [cities["lublin"], cities["kielce"]], "pl")
    assert len(rows) == 6
    assert rows[0][0] == "0663011" and rows[0][5] == 2025 and rows[0][6] is None


@pytest.mark.django_db
def test_a_second_file_changes_figures_and_keeps_each_change(member, cities, catalogue, data_round):
    from indicators.models import ValueChange

    def send(value):
        content = _xlsx([["0663011", "Lublin", "roads-share", "", "", 2025, value]])
        return imports.round_import(
            actor=member,
            data_round=data_round,
            units=[cities["lublin"]],
            content=content,
            name="x.xlsx",
            locale="pl",
        )

    send(40)
    send(45)
    send(45)  # the same figure again changes nothing
    stored = Value.objects.get(unit=cities["lublin"], indicator=catalogue["roads"])
    assert stored.value == 45
    history = list(ValueChange.objects.filter(value=stored).order_by("pk"))
    assert [(c.old_value, c.new_value) for c in history] == [(None, 40), (40, 45)]
    assert history[0].actor == member and history[0].source == ValueSource.FILE


@pytest.mark.django_db
def test_figures_verified_already_are_not_overwritten(member, cities, catalogue, data_round):
    from gwd.errors import ServiceError

    Submission.objects.filter(round=data_round, unit=cities["lublin"]).update(
        status=Submission.Status.VERIFIED
    )
    content = _xlsx([["0663011", "Lublin", "roads-share", "", "", 2025, 40]])
    with pytest.raises(ServiceError):
        imports.round_import(
            actor=member,
            data_round=data_round,
            units=[cities["lublin"]],
            content=content,
            name="x.xlsx",
            locale="pl",
        )
    assert not Value.objects.exists()
