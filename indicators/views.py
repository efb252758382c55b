"""Pages of indicators and data rounds: access → form → service → redirect or render."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups.access import (
    AuthenticatedHttpRequest,
    Capability,
    GroupAccess,
    group_object_get,
    group_view,
)
from groups.models import TerritorialUnit
from gwd.errors import ServiceError
from gwd.http import parse_id, parse_ids
from indicators import selectors, services
from indicators.entry import NumberError, parse_number
from indicators.forms import IndicatorForm, ReturnForm, RoundForm
from indicators.models import (
    DataRound,
    Domain,
    Indicator,
    Submission,
    Value,
    ValueChange,
    ValueSource,
)

# What a cell of the grid may hold: a number with its separators, nothing like a page.
MAX_CELL = 40


def _context(access: GroupAccess, **extra) -> dict:
    return {"access": access, "group": access.group, **extra}


def _by_domain(indicators) -> list[tuple[str, list[Indicator]]]:
    """Indicators grouped under their domain's name, in the order of Domain."""
    grouped: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        grouped.setdefault(indicator.domain, []).append(indicator)
    return [(str(Domain(d).label), grouped[d]) for d in Domain.values if d in grouped]


def _locale() -> str:
    return to_locale(get_language() or "pl")


# --- The group's indicators ----------------------------------------------------------


@group_view(Capability.VIEW)
def indicator_list(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    indicators = selectors.group_indicators(access.group)
    rounds = selectors.rounds_with_progress(access.group)
    return render(
        request,
        "indicators/indicator_list.html",
        _context(
            access,
            domains=_by_domain(indicators),
            rounds=list(rounds[:50]),
            units=selectors.member_units(access.group),
            demo_figures=Value.objects.filter(group=access.group, source=ValueSource.DEMO).exists(),
        ),
    )


@group_view(Capability.MANAGE)
def indicator_adopt(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    """The shared catalogue, for a facilitator to choose what the group works with."""
    adopted = set(Indicator.objects.of_group(access.group).values_list("pk", flat=True).order_by())
    available = [i for i in Indicator.objects.shared() if i.pk not in adopted]
    if request.method == "POST":
        ids = set(parse_ids(request.POST.getlist("indicator")))
        chosen = [i for i in available if i.pk in ids]
        if not chosen:
            messages.error(request, _("Choose at least one indicator."))
        else:
            try:
                count = services.indicator_adopt(
                    actor=access.user, group=access.group, indicators=chosen
                )
            except ServiceError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Indicators adopted: %(count)d.") % {"count": count})
                return redirect("indicators:indicator-list", slug=access.group.slug)
    return render(
        request,
        "indicators/indicator_adopt.html",
        _context(access, domains=_by_domain(available)),
    )


@group_view(Capability.MANAGE)
def indicator_create(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    """An indicator of the group's own, beside the catalogue's."""
    parts = Indicator.objects.of_group(access.group)
    form = IndicatorForm(request.POST or None, parts=parts)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_create(actor=access.user, group=access.group, **form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The indicator is added."))
            return redirect("indicators:indicator-list", slug=access.group.slug)
    return render(request, "indicators/indicator_form.html", _context(access, form=form))


# --- Rounds --------------------------------------------------------------------------


def _round_get(access: GroupAccess, round_id: int) -> DataRound:
    return group_object_get(access, DataRound.objects.select_related("group"), round_id)


def _submission_get(access: GroupAccess, data_round: DataRound, unit_id: int) -> Submission:
    return group_object_get(
        access,
        Submission.objects.filter(round=data_round).select_related("unit", "round__group"),
        unit_id,
        group_field="round__group",
        pk_field="unit_id",
    )


@group_view(Capability.MANAGE)
def round_create(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    indicators = selectors.group_indicators(access.group)
    form = RoundForm(request.POST or None, indicators=indicators)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            data_round = services.round_open(
                actor=access.user,
                group=access.group,
                title=data["title"],
                year=data["year"],
                deadline=data["deadline"],
                indicators=list(data["indicators"]),
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The round is open; the municipalities are told."))
            return redirect(
                "indicators:round-detail", slug=access.group.slug, round_id=data_round.pk
            )
    return render(
        request,
        "indicators/round_form.html",
        _context(
            access,
            form=form,
            domains=_by_domain(indicators),
            chosen={parse_id(pk) for pk in request.POST.getlist("indicators")} - {None},
        ),
    )


@group_view(Capability.VIEW)
def round_detail(
    request: AuthenticatedHttpRequest, access: GroupAccess, round_id: int
) -> HttpResponse:
    """The round's progress: each member municipality and how far its figures are."""
    data_round = _round_get(access, round_id)
    # A unit that left the group is asked for nothing more: its figures stay, unlisted.
    submissions = list(
        Submission.objects.filter(
            round=data_round,
            unit__group_memberships__group=access.group,
            unit__group_memberships__left_at__isnull=True,
        )
        .select_related("unit", "submitted_by")
        .order_by("unit__name")
    )
    done = sum(
        s.status in (Submission.Status.SUBMITTED, Submission.Status.VERIFIED) for s in submissions
    )
    own_unit = selectors.represented_unit_id(access)
    return render(
        request,
        "indicators/round_detail.html",
        _context(
            access,
            round=data_round,
            submissions=submissions,
            done=done,
            own_unit=own_unit,
            can_report=access.can(Capability.REPORT),
            indicators=list(data_round.indicators.order_by("domain", "code")),
        ),
    )


@group_view(Capability.MANAGE)
@require_POST
def round_remind(
    request: AuthenticatedHttpRequest, access: GroupAccess, round_id: int
) -> HttpResponse:
    data_round = _round_get(access, round_id)
    try:
        count = services.round_remind(actor=access.user, data_round=data_round)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        if count:
            messages.success(request, _("Reminded municipalities: %(count)d.") % {"count": count})
        else:
            messages.info(request, _("No municipality is waiting to be reminded."))
    return redirect("indicators:round-detail", slug=access.group.slug, round_id=data_round.pk)


@group_view(Capability.REPORT, row="figures")
def submission_edit(
    request: AuthenticatedHttpRequest, access: GroupAccess, round_id: int, unit_id: int
) -> HttpResponse:
    """The form a municipality's officials fill: one row per indicator of the round,
    saved as a draft and submitted when complete."""
    data_round = _round_get(access, round_id)
    submission = _submission_get(access, data_round, unit_id)
    selectors.require_report(access, submission.unit)
    rows = selectors.grid_rows(submission)
    # Submitted figures wait for the facilitator as they were sent: read only until
    # sent back, so what is verified is what the facilitator saw.
    editable = (
        data_round.status == DataRound.Status.OPEN
        and submission.status not in (Submission.Status.VERIFIED, Submission.Status.SUBMITTED)
        and TerritorialUnit.objects.of_group(access.group).filter(pk=submission.unit_id).exists()
    )
    status = 200
    if request.method == "POST":
        if submission.status == Submission.Status.SUBMITTED:
            try:
                services.submitted_check(submission)
            except ServiceError as error:
                messages.error(request, error.message)
            return redirect(request.path)
        if not editable:
            messages.error(request, _("These figures can no longer be changed."))
            return redirect(request.path)
        values: dict[int, Decimal | None] = {}
        locale = _locale()
        for row in rows:
            text = request.POST.get(f"v-{row.indicator.pk}", "")[:MAX_CELL]
            row.typed = text
            if not text.strip():
                values[row.indicator.pk] = None
                continue
            try:
                values[row.indicator.pk] = number = parse_number(text, locale)
                services.value_check(row.indicator, number)
            except NumberError as error:
                row.error = error.message
            except ServiceError as error:
                row.error = error.message
        submit = request.POST.get("action") == "submit"
        if not any(row.error for row in rows):
            try:
                services.submission_save(
                    actor=access.user, submission=submission, values=values, submit=submit
                )
            except ServiceError as error:
                messages.error(request, error.message)
                status = 400
            else:
                if submit:
                    messages.success(request, _("The figures are submitted. Thank you."))
                    return redirect(
                        "indicators:round-detail", slug=access.group.slug, round_id=data_round.pk
                    )
                messages.success(request, _("The figures are saved; you can come back to them."))
                return redirect(request.path)
        else:
            messages.error(request, _("Some figures are not right; nothing was saved."))
            status = 400
    missing = [row for row in rows if row.missing]
    return render(
        request,
        "indicators/submission_edit.html",
        _context(
            access,
            round=data_round,
            submission=submission,
            rows=rows,
            missing=missing,
            editable=editable,
        ),
        status=status,
    )


@group_view(Capability.MANAGE)
def submission_review(
    request: AuthenticatedHttpRequest, access: GroupAccess, round_id: int, unit_id: int
) -> HttpResponse:
    """A facilitator verifies a municipality's figures or sends them back with a
    comment and the figures to look at."""
    data_round = _round_get(access, round_id)
    submission = _submission_get(access, data_round, unit_id)
    rows = selectors.grid_rows(submission)
    form = ReturnForm(request.POST or None)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "verify":
                services.submission_verify(actor=access.user, submission=submission)
                messages.success(request, _("The figures are verified."))
                return redirect(
                    "indicators:round-detail", slug=access.group.slug, round_id=data_round.pk
                )
            if action == "return" and form.is_valid():
                flags = {
                    row.indicator.pk: request.POST.get(f"flag-{row.indicator.pk}", "")[:1000]
                    for row in rows
                }
                services.submission_return(
                    actor=access.user,
                    submission=submission,
                    comment=form.cleaned_data["comment"],
                    flags=flags,
                )
                messages.success(request, _("The figures are sent back with your comment."))
                return redirect(
                    "indicators:round-detail", slug=access.group.slug, round_id=data_round.pk
                )
            if action not in ("verify", "return"):
                messages.error(request, _("Choose to verify or to send back."))
        except ServiceError as error:
            messages.error(request, error.message)
        status = 400
    return render(
        request,
        "indicators/submission_review.html",
        _context(access, round=data_round, submission=submission, rows=rows, form=form),
        status=status,
    )


@group_view(Capability.MANAGE)
def value_history(
    request: AuthenticatedHttpRequest, access: GroupAccess, value_id: int
) -> HttpResponse:
    """Every change of one figure, newest first: what, by whom, from where."""
    value = group_object_get(
        access, Value.objects.select_related("indicator", "unit", "district"), value_id
    )
    changes = list(ValueChange.objects.filter(value=value)[:500])
    return render(
        request,
        "indicators/value_history.html",
        _context(access, value=value, changes=changes),
    )


# --- The shared catalogue (site staff) -----------------------------------------------


def _require_staff(request: AuthenticatedHttpRequest) -> None:
    if not request.user.is_staff:
        raise PermissionDenied


@login_required
def catalogue(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_staff(request)
    indicators = Indicator.objects.shared().prefetch_related(
        Prefetch("adoptions", to_attr="adoption_list")
    )
    return render(request, "indicators/catalogue.html", {"domains": _by_domain(indicators)})


@login_required
def catalogue_edit(
    request: AuthenticatedHttpRequest, indicator_id: int | None = None
) -> HttpResponse:
    _require_staff(request)
    indicator = (
        get_object_or_404(Indicator.objects.shared(), pk=indicator_id) if indicator_id else None
    )
    parts = Indicator.objects.shared()
    if indicator is not None:
        parts = parts.exclude(pk=indicator.pk)
    form = IndicatorForm(request.POST or None, instance=indicator, parts=parts)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if indicator is None:
                    services.indicator_create(actor=request.user, group=None, **form.cleaned_data)
                else:
                    services.indicator_update(
                        actor=request.user, indicator=indicator, **form.cleaned_data
                    )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The catalogue is saved."))
            return redirect("indicators:catalogue")
    return render(request, "indicators/catalogue_form.html", {"form": form, "indicator": indicator})
