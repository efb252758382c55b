"""What the indicators keep about a person, registered with gwd.personal_data from
IndicatorsConfig.ready().

A municipality's figures are its own, not the official's: they stay when the account
goes. What is the person's is that they typed, imported, submitted, verified or sent
back figures, opened rounds and adopted indicators; all of it is exported. The history
of figures is append-only (the public record of where a published number came from), so
its entries keep the name their author had then, and no longer link to an account."""

from groups.models import TerritorialUnit
from gwd.personal_data import register, when
from indicators.models import DataRound, GroupIndicator, Indicator, Submission, ValueChange


def _changes(user) -> list[dict]:
    changes = list(ValueChange.objects.filter(actor=user).order_by("created_at", "pk"))
    units = dict(
        TerritorialUnit.objects.filter(pk__in={c.unit_id_at for c in changes}).values_list(
            "pk", "name"
        )
    )
    codes = dict(
        Indicator.objects.filter(pk__in={c.indicator_id_at for c in changes}).values_list(
            "pk", "code"
        )
    )
    return [
        {
            "municipality": units.get(c.unit_id_at, ""),
            "indicator": codes.get(c.indicator_id_at, ""),
            "year": c.year,
            "old_value": str(c.old_value) if c.old_value is not None else None,
            "new_value": str(c.new_value) if c.new_value is not None else None,
            "status": c.new_status,
            "comment": c.comment,
            "source": c.source,
            "source_detail": c.source_detail,
            "when": when(c.created_at),
        }
        for c in changes
    ]


def register_sections() -> None:
    register(
        "indicator_figures",
        covers=["indicators.ValueChange.actor", "indicators.Value.entered_by"],
        export=_changes,
        kept="the history of a municipality's figures is append-only and names who changed "
        "them; the figures belong to the municipality",
    )
    register(
        "indicator_rounds",
        covers=[
            "indicators.DataRound.opened_by",
            "indicators.Submission.submitted_by",
            "indicators.Submission.verified_by",
            "indicators.GroupIndicator.adopted_by",
        ],
        export=lambda user: {
            "rounds_opened": [
                {"round": r.title, "group": r.group.display_name, "opened": when(r.created_at)}
                for r in DataRound.objects.filter(opened_by=user)
                .select_related("group")
                .order_by("pk")
            ],
            "submitted": [
                {"round": s.round.title, "municipality": s.unit.name, "when": when(s.submitted_at)}
                for s in Submission.objects.filter(submitted_by=user)
                .select_related("round", "unit")
                .order_by("pk")
            ],
            "verified": [
                {"round": s.round.title, "municipality": s.unit.name, "when": when(s.verified_at)}
                for s in Submission.objects.filter(verified_by=user)
                .select_related("round", "unit")
                .order_by("pk")
            ],
            "indicators_adopted": [
                {"indicator": a.indicator.code, "group": a.group.display_name}
                for a in GroupIndicator.objects.filter(adopted_by=user)
                .select_related("indicator", "group")
                .order_by("pk")
            ],
        },
    )
