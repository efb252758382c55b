"""A number from a file is held to what a figure can store (sixteen digits before the
point, four after), whether a person typed it as text or the spreadsheet or BDL gave it
as a number: one too large or too precise is a row's error, never a failed import."""

from decimal import Decimal as D

import pytest

from indicators import bdl, imports
from indicators.models import Value
from tests.indicators.test_imports import _xlsx


def _import(member, cities, data_round, rows):
    return imports.round_import(
        actor=member,
        data_round=data_round,
        units=[cities["lublin"]],
        content=_xlsx(rows),
        name="x.xlsx",
        locale="pl",
    )


@pytest.mark.django_db
def test_a_numeric_cell_too_large_or_too_precise_is_a_row_error(
    member, cities, catalogue, data_round
):
    result = _import(
        member,
        cities,
        data_round,
        [
            ["0663011", "Lublin", "tax-cost", "", "", 2025, 1e25],
            ["0663011", "Lublin", "accidents", "", "", 2025, 1.123456],
            ["0663011", "Lublin", "roads-share", "", "", 2025, 12.5],
        ],
    )
    assert [(row.number, row.outcome) for row in result.rows] == [
        (2, imports.NOT_A_NUMBER),
        (3, imports.NOT_A_NUMBER),
        (4, imports.ACCEPTED),
    ]
    assert "large" in result.rows[0].message and "four" in result.rows[1].message
    assert list(Value.objects.values_list("value", flat=True)) == [D("12.5")]


@pytest.mark.django_db
def test_bdl_values_too_large_too_precise_or_not_finite_are_row_errors(
    group, facilitator, cities, catalogue
):
    payload = {
        "variableId": "60559",
        "results": [
            {
                "id": "011212661011",
                "name": "Kielce",
                "values": [
                    {"year": 2022, "val": 1e25, "attrId": 1},
                    {"year": 2023, "val": 0.123456, "attrId": 1},
                    {"year": 2024, "val": 368, "attrId": 1},
                ],
            },
        ],
    }
    records = bdl.parse(payload).records
    result = imports.bdl_import(
        actor=facilitator,
        group=group,
        group_indicators=[catalogue["accidents"]],
        units=list(cities.values()),
        records=records,
        source_detail="x",
    )
    assert [row.outcome for row in result.rows] == [
        imports.NOT_A_NUMBER,
        imports.NOT_A_NUMBER,
        imports.ACCEPTED,
    ]
    assert list(Value.objects.values_list("value", flat=True)) == [D(368)]
