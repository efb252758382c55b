"""Figures from files: a round's template to download, the filled-in file uploaded back
with a line of result per row (as the bulk invitations report theirs), and a facilitator's
import of GUS BDL responses, saved files or fetched live."""

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groups.access import (
    AuthenticatedHttpRequest,
    Capability,
    GroupAccess,
    group_object_get,
    group_view,
)
from groups.exports import file_name
from groups.models import TerritorialUnit
from gwd.errors import ServiceError
from indicators import bdl, imports, sheets
from indicators.models import DataRound
from indicators.numbers import reader_locale
from indicators.selectors import group_indicators, member_units, represented_unit_id

MAX_FILE_BYTES = 10 * 1024 * 1024


class SheetForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Filled-in template (XLSX, ODS or CSV)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class BdlForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Saved BDL response (JSON)"), required=False)
    variable = forms.RegexField(
        label=gettext_lazy("or fetch from BDL: variable id"),
        regex=r"^\d{1,10}$",
        required=False,
    )
    years = forms.RegexField(
        label=gettext_lazy("years (e.g. 2022-2024)"),
        regex=r"^\d{4}(-\d{4})?$",
        required=False,
    )

    def clean(self):
        data = super().clean() or {}
        if not data.get("file") and not data.get("variable"):
            raise forms.ValidationError(_("Choose a file or name a variable."))
        if data.get("variable") and not data.get("years"):
            raise forms.ValidationError(_("Name the years to fetch."))
        return data

    def year_list(self) -> list[int]:
        first, _sep, last = self.cleaned_data["years"].partition("-")
        start, end = int(first), int(last or first)
        if end < start or end - start > 20:
            raise ValueError
        return list(range(start, end + 1))


def _units_for(access: GroupAccess) -> list[TerritorialUnit]:
    """The units whose figures this person may import: all the group's for those who
    verify, one's own municipality for its officials."""
    units = [membership.unit for membership in member_units(access.group)]
    if access.can_manage:
        return units
    own = represented_unit_id(access)
    return [unit for unit in units if unit.pk == own]


def _round(access: GroupAccess, round_id: int) -> DataRound:
    return group_object_get(access, DataRound.objects.all(), round_id)


@group_view(Capability.REPORT)
def round_template(
    request: AuthenticatedHttpRequest, access: GroupAccess, round_id: int, sheet_format: str
) -> HttpResponse:
    file_format = sheet_format
    if file_format not in sheets.FORMATS:
        raise Http404
    data_round = _round(access, round_id)
    rows = imports.template_rows(data_round, _units_for(access), request.LANGUAGE_CODE)
    content = sheets.write(rows, file_format)
    response = HttpResponse(content, content_type=sheets.FORMATS[file_format])
    name = file_name(data_round.title, data_round.pk, "round")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{name}.{file_format}"
    )
    return response


@group_view(Capability.REPORT)
def round_import(
    request: AuthenticatedHttpRequest, access: GroupAccess, round_id: int
) -> HttpResponse:
    data_round = _round(access, round_id)
    units = _units_for(access)
    form = SheetForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = imports.round_import(
                actor=access.user,
                data_round=data_round,
                units=units,
                content=upload.read(),
                name=upload.name,
                locale=reader_locale(),
            )
        except sheets.SheetError as error:
            form.add_error("file", error.message)
            status = 400
        except ServiceError as error:
            form.add_error(None, error.message)
            status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "indicators/round_import.html",
        {
            "access": access,
            "group": access.group,
            "round": data_round,
            "units": units,
            "form": form,
            "result": result,
            "formats": list(sheets.FORMATS),
        },
        status=status,
    )


@group_view(Capability.MANAGE)
def bdl_import(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    form = BdlForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data.get("file"):
                upload = form.cleaned_data["file"]
                if upload.size > MAX_FILE_BYTES:
                    raise bdl.BdlError(_("The file is larger than 10 MB."))
                records = bdl.parse_text(upload.read()).records
                detail = _("BDL file %(name)s") % {"name": upload.name}
            else:
                try:
                    years = form.year_list()
                except ValueError:
                    raise bdl.BdlError(_("Name at most twenty years, the first first.")) from None
                url = bdl.variable_url(form.cleaned_data["variable"], unit_level=6, years=years)
                records, _pages = bdl.fetch_all(url)
                detail = url
            result = imports.bdl_import(
                actor=access.user,
                group=access.group,
                group_indicators=list(group_indicators(access.group)),
                units=[m.unit for m in member_units(access.group)],
                records=records,
                source_detail=detail,
            )
        except (bdl.BdlError, ServiceError) as error:
            form.add_error(None, error.message)
            status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "indicators/bdl_import.html",
        {"access": access, "group": access.group, "form": form, "result": result},
        status=status,
    )
