import datetime as dt
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from gwd.errors import ServiceError
from gwd.http import parse_int
from gwd.text import PlainTextField, clean_text
from gwd.zones import time_zone_choices
from meetings import services
from meetings.models import MeetingSeries, Registration

# Far enough either way for any real plan, near enough that a series, a time zone or a
# reminder never runs past the years a datetime can hold (year 9999 gave 500s).
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
MAX_CAPACITY = 100_000


class PlanDateField(forms.DateField):
    """A date of a meeting, a deadline or an action item, between EARLIEST_DATE and
    LATEST_DATE, picked with the browser's date input."""

    def __init__(self, **kwargs):
        # A date input holds ISO dates whatever the page's language: rendered in the
        # locale's format ("01.12.2026") the browser shows an empty field.
        kwargs.setdefault("widget", forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
        super().__init__(**kwargs)
        self.validators += [MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)]
        self.widget.attrs.update(min=EARLIEST_DATE.isoformat(), max=LATEST_DATE.isoformat())


def time_input() -> forms.TimeInput:
    """A time input, given HH:MM as browsers expect (not the locale's format)."""
    return forms.TimeInput(format="%H:%M", attrs={"type": "time"})


class MeetingForm(forms.Form):
    """A meeting as the organiser plans it: dates and times on the wall clock of the
    chosen time zone, turned into instants in clean()."""

    title = PlainTextField(label=_("Title"), max_length=200)
    description = PlainTextField(label=_("Description"), multiline=True, required=False)
    time_zone = forms.ChoiceField(label=_("Time zone of the meeting"), choices=time_zone_choices)
    start_date = PlanDateField(label=_("Date"))
    start_time = forms.TimeField(label=_("Starts at"), widget=time_input())
    end_date = PlanDateField(
        label=_("End date"),
        required=False,
        help_text=_("Leave empty for a meeting that ends on the day it starts."),
    )
    end_time = forms.TimeField(label=_("Ends at"), widget=time_input())
    place = PlainTextField(label=_("Place"), max_length=300, required=False)
    online_url = forms.URLField(
        label=_("Online meeting link"), max_length=500, required=False, assume_scheme="https"
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        required=False,
        min_value=1,
        max_value=MAX_CAPACITY,
        help_text=_("Leave empty for no limit. Past it, people join a waiting list."),
    )
    deadline_date = PlanDateField(label=_("Registration closes on"), required=False)
    deadline_time = forms.TimeField(label=_("at"), widget=time_input(), required=False)
    agenda = PlainTextField(
        label=_("Agenda"),
        multiline=True,
        required=False,
        help_text=_(
            "One item per line: title | presenter | minutes (presenter and minutes optional)."
        ),
    )

    def clean_agenda(self) -> list[dict]:
        items = []
        for number, line in enumerate(self.cleaned_data.get("agenda", "").splitlines(), 1):
            if not line.strip():
                continue
            parts = [clean_text(p) for p in line.split("|")]
            item: dict[str, str | int | None] = {
                "title": parts[0][:200],
                "presenter": "",
                "duration_minutes": None,
            }
            if len(parts) > 1:
                item["presenter"] = parts[1][:200]
            if len(parts) > 2 and parts[2]:
                item["duration_minutes"] = parse_int(parts[2], minimum=1, maximum=600)
                if item["duration_minutes"] is None:
                    raise forms.ValidationError(
                        _("Line %(number)d: minutes must be a number from 1 to 600."),
                        params={"number": number},
                    )
            if not item["title"]:
                raise forms.ValidationError(
                    _("Line %(number)d has no title."), params={"number": number}
                )
            items.append(item)
        return items

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        zone = data.get("time_zone")
        if self.errors or not zone:
            return data
        try:
            starts_at = services.local_to_utc(data["start_date"], data["start_time"], zone)
            ends_at = services.local_to_utc(
                data.get("end_date") or data["start_date"], data["end_time"], zone
            )
            deadline = None
            if data.get("deadline_date"):
                deadline = services.local_to_utc(
                    data["deadline_date"], data.get("deadline_time") or dt.time(23, 59), zone
                )
        except ServiceError as error:
            raise forms.ValidationError(error.message) from None
        if ends_at <= starts_at:
            self.add_error("end_time", _("The meeting must end after it starts."))
        if deadline is not None and deadline > starts_at:
            self.add_error(
                "deadline_date", _("The registration deadline must be before the meeting starts.")
            )
        data["starts_at"], data["ends_at"], data["registration_deadline"] = (
            starts_at,
            ends_at,
            deadline,
        )
        return data


class MeetingCreateForm(MeetingForm):
    repeat = forms.ChoiceField(
        label=_("Repeats"),
        choices=[("", _("Does not repeat")), *MeetingSeries.Frequency.choices],
        required=False,
    )
    repeat_count = forms.IntegerField(
        label=_("Number of meetings in the series"),
        min_value=2,
        max_value=services.SERIES_HORIZON,
        required=False,
    )
    draft = forms.BooleanField(
        label=_("Save as a draft (members are not told yet)"), required=False
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("repeat") and not data.get("repeat_count"):
            self.add_error("repeat_count", _("Say how many meetings the series has."))
        return data


class MeetingEditForm(MeetingForm):
    apply_to = forms.ChoiceField(
        label=_("Change"),
        choices=[
            ("one", _("only this meeting")),
            ("future", _("this and all later meetings of the series")),
        ],
        initial="one",
        widget=forms.RadioSelect,
        required=False,
    )


class RegistrationForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (Registration.Status.GOING, Registration.Status.GOING.label),
            (Registration.Status.MAYBE, Registration.Status.MAYBE.label),
            (Registration.Status.NOT_GOING, Registration.Status.NOT_GOING.label),
        ]
    )


class MinutesForm(forms.Form):
    text = PlainTextField(
        label=_("Minutes"),
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
    )
    decisions = PlainTextField(
        label=_("Decisions"),
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )


class ActionItemForm(forms.Form):
    description = PlainTextField(label=_("What is to be done"), max_length=500)
    owner = forms.TypedChoiceField(label=_("Who"), coerce=int, required=False, empty_value=None)
    due_date = PlanDateField(label=_("Due"), required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.TypedChoiceField)  # declared above
        owner.choices = [
            ("", "—"),
            *[(m.user_id, m.user.full_name) for m in members],
        ]
