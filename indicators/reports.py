"""A comparison or a municipality's profile as a report to keep: PDF (WeasyPrint, with
the charts drawn inline and the numbers in tables) and XLSX (openpyxl, the numbers as
numbers), and the report saved into the group's library as a document, where it can be
discussed, versioned, put on an agenda and linked in a message."""

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook

from groups.exports import file_name, pdf_render
from groups.models import Group, User
from gwd.text import spreadsheet_cell
from indicators import charts
from indicators.comparisons import Comparison, Profile
from indicators.models import Indicator, Measure
from indicators.numbers import format_number, reader_locale
from resources.models import Document
from resources.services import document_upload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": XLSX}


def title_of(comparison: Comparison) -> str:
    return _("%(indicator)s in %(year)s: comparison") % {
        "indicator": comparison.indicator.display_name,
        "year": comparison.year,
    }


def country_label(code: str) -> str:
    return {"PL": _("Poland"), "UA": _("Ukraine")}.get(code, "")


def bar_svg(comparison: Comparison, section_index: int, focus_unit_id: int | None = None) -> str:
    section = comparison.sections[section_index]
    assert section.ranking is not None
    rows = section.ranking.rows
    labels = [section.units[row.key].name for row in rows]
    focus = next((i for i, row in enumerate(rows) if row.key == focus_unit_id), None)
    median = section.ranking.summary.median
    description = _(
        "Bars, best first: %(values)s. The dashed line is the group's median, %(median)s."
    ) % {
        "values": "; ".join(
            f"{label} {format_number(row.value)}" for label, row in zip(labels, rows, strict=True)
        ),
        "median": format_number(median),
    }
    return charts.bar_chart(
        title=title_of(comparison)
        + (f" · {country_label(section.country)}" if section.country else ""),
        description=description,
        labels=labels,
        values=[row.value for row in rows],
        median=median,
        median_label=_("median"),
        focus=focus,
        axis_label=axis_label(comparison, section.country),
        locale=reader_locale(),
    )


def axis_label(comparison: Comparison, country: str) -> str:
    """The unit of measure on a chart's axis; money in the section's own currency."""
    return measure_label(comparison.indicator, country)


def measure_label(indicator: Indicator, country: str) -> str:
    """The indicator's unit of measure; money in the country's own currency."""
    if indicator.measure == Measure.MONEY and country:
        return {"PL": _("PLN"), "UA": _("UAH")}.get(country, "")
    return str(indicator.get_measure_display())


def box_svg(comparison: Comparison, section_index: int) -> str:
    """The spread of one ranking: sums in two currencies never share an axis."""
    section = comparison.sections[section_index]
    assert section.ranking is not None
    s = section.ranking.summary
    label = country_label(section.country) or str(comparison.year)
    description = _(
        "%(label)s: lowest %(min)s, lower quartile %(q1)s, median %(median)s, "
        "upper quartile %(q3)s, highest %(max)s"
    ) % {
        "label": label,
        "min": format_number(s.minimum),
        "q1": format_number(s.q1),
        "median": format_number(s.median),
        "q3": format_number(s.q3),
        "max": format_number(s.maximum),
    }
    return charts.box_chart(
        title=_("Spread of %(indicator)s in %(year)s")
        % {"indicator": comparison.indicator.display_name, "year": comparison.year},
        description=description,
        boxes=[(label, s)],
        axis_label=axis_label(comparison, section.country),
        locale=reader_locale(),
    )


def comparison_pdf(comparison: Comparison, group: Group) -> bytes:
    context: dict[str, Any] = {
        "comparison": comparison,
        "group": group,
        "title": title_of(comparison),
        "made_at": timezone.localtime(),
        "language": get_language(),
        "bars": [mark_safe(bar_svg(comparison, i)) for i in range(len(comparison.sections))],
        "boxes": [mark_safe(box_svg(comparison, i)) for i in range(len(comparison.sections))],
    }
    return pdf_render("indicators/report_comparison.html", context)


def comparison_xlsx(comparison: Comparison) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(comparison.year))
    # The title and the names were typed by people: "=…" must stay text, not a formula.
    sheet.append([spreadsheet_cell(title_of(comparison))])
    sheet.append(
        [
            _("Country"),
            _("Rank"),
            _("Municipality"),
            _("Value"),
            _("Index (median = 100)"),
            _("Change on the previous year, %"),
        ]
    )
    for section in comparison.sections:
        assert section.ranking is not None
        for row in section.ranking.rows:
            sheet.append(
                [
                    country_label(section.country),
                    row.rank,
                    spreadsheet_cell(section.units[row.key].name),
                    float(row.value),
                    None if row.index is None else round(float(row.index), 1),
                    None if row.change is None else round(float(row.change), 1),
                ]
            )
    summary = workbook.create_sheet(_("Summary"))
    summary.append(
        [
            _("Country"),
            _("Units"),
            _("Lowest"),
            _("Lower quartile"),
            _("Median"),
            _("Upper quartile"),
            _("Highest"),
        ]
    )
    for section in comparison.sections:
        assert section.ranking is not None
        s = section.ranking.summary
        summary.append(
            [country_label(section.country), s.count]
            + [float(x) for x in (s.minimum, s.q1, s.median, s.q3, s.maximum)]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def comparison_file(comparison: Comparison, group: Group, file_format: str) -> tuple[bytes, str]:
    """The report's bytes and its file name."""
    content = (
        comparison_pdf(comparison, group) if file_format == "pdf" else comparison_xlsx(comparison)
    )
    name = file_name(title_of(comparison), comparison.indicator.pk, "comparison")
    return content, f"{name}-{comparison.year}.{file_format}"


def report_save(*, actor: User, group: Group, comparison: Comparison, file_format: str) -> Document:
    """The report filed in the group's library as a new document."""
    content, name = comparison_file(comparison, group, file_format)
    domain = comparison.indicator.domain
    return _file(
        actor=actor,
        group=group,
        upload=SimpleUploadedFile(name, content, content_type=CONTENT_TYPES[file_format]),
        title=title_of(comparison),
        domain=domain if _domain_known(domain) else "",
    )


def profile_title(profile: Profile) -> str:
    return _("Profile: %(unit)s, %(year)s") % {"unit": profile.unit.name, "year": profile.year}


def profile_pdf(profile: Profile, group: Group) -> bytes:
    context: dict[str, Any] = {
        "profile": profile,
        "group": group,
        "title": profile_title(profile),
        "made_at": timezone.localtime(),
        "language": get_language(),
        "rows": [(row, measure_label(row.indicator, profile.unit.country)) for row in profile.rows],
    }
    return pdf_render("indicators/report_profile.html", context)


def profile_xlsx(profile: Profile) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(profile.year))
    # The unit's and the indicators' names were typed by people: "=…" stays text.
    sheet.append([spreadsheet_cell(profile_title(profile))])
    sheet.append(
        [
            _("Indicator"),
            _("Unit of measure"),
            _("Value"),
            _("Median"),
            _("Index (median = 100)"),
            _("Rank"),
            _("Units"),
        ]
    )
    for row in profile.rows:
        sheet.append(
            [
                spreadsheet_cell(row.indicator.display_name),
                spreadsheet_cell(measure_label(row.indicator, profile.unit.country)),
                float(row.value),
                float(row.summary.median),
                None if row.index is None else round(float(row.index), 1),
                row.rank,
                row.summary.count,
            ]
        )
    summary = workbook.create_sheet(_("Summary"))
    summary.append(["", _("Indicator"), _("Rank"), _("Units")])
    for label, rows in ((_("Strongest"), profile.strongest), (_("Weakest"), profile.weakest)):
        for row in rows:
            summary.append(
                [label, spreadsheet_cell(row.indicator.display_name), row.rank, row.summary.count]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def profile_file(profile: Profile, group: Group, file_format: str) -> tuple[bytes, str]:
    """The profile report's bytes and its file name."""
    content = profile_pdf(profile, group) if file_format == "pdf" else profile_xlsx(profile)
    name = file_name(profile_title(profile), profile.unit.pk, "profile")
    return content, f"{name}-{profile.year}.{file_format}"


def profile_report_save(
    *, actor: User, group: Group, profile: Profile, file_format: str
) -> Document:
    """The profile report filed in the group's library as a new document, as a
    comparison's is: each save is a document of its own, made from the figures then."""
    content, name = profile_file(profile, group, file_format)
    return _file(
        actor=actor,
        group=group,
        upload=SimpleUploadedFile(name, content, content_type=CONTENT_TYPES[file_format]),
        title=profile_title(profile),
        domain="",
    )


def _file(
    *, actor: User, group: Group, upload: SimpleUploadedFile, title: str, domain: str
) -> Document:
    return document_upload(
        actor=actor,
        group=group,
        upload=upload,
        title=title,
        description=_("Report made by GWD from the group's verified figures."),
        domain=domain,
        language=(get_language() or "pl")[:2],
    )


def _domain_known(domain: str) -> bool:
    field = Document._meta.get_field("domain")
    return domain in {choice for choice, _label in (field.choices or [])}
