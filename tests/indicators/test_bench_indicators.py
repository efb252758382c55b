"""The benchmarks' data generator loads what it says, in bulk."""

import io

import pytest
from django.core.management import CommandError, call_command

from indicators.models import Indicator, Value


def test_units_indicators_and_years_multiply_into_values(group):
    out = io.StringIO()
    call_command(
        "bench_indicators",
        "--group",
        group.slug,
        "--units=20",
        "--indicators=40",
        "--years=3",
        stdout=out,
    )
    assert Value.objects.filter(group=group).count() == 20 * 40 * 3
    assert Indicator.objects.filter(group=group, numerator__isnull=False).count() == 1
    assert "20 units, 41 indicators, 2400 values" in out.getvalue()


@pytest.mark.django_db
def test_a_missing_group_is_refused():
    with pytest.raises(CommandError):
        call_command("bench_indicators", "--group", "no-such-group")
