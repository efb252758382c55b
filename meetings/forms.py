import datetime as dt
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from gwd.errors import ServiceError
from gwd.text import PlainTextField
from gwd.zones import TimeZoneField
from meetings import services
from meetings.models import MeetingSeries, Registration

# Far enough either way for any real plan, near enough that a series, a time zone or a
# reminder never runs past the years a datetime can hold (year 9999 gave 500s).
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
MAX_CAPACITY = 100_000
MAX_AGENDA_ITEMS = 50
REMINDER_CHOICES = (15, 60, 1440)  # minutes before: a quarter, an hour, a day


def reminder_label(minutes: int) -> str:
    if minutes % 1440 == 0:
        days = minutes // 1440
        return ngettext("%(count)d day before", "%(count)d days before", days) % {"count": days}
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(count)d hour before", "%(count)d hours before", hours) % {"count": hours}
    return ngettext("%(count)d minute before", "%(count)d minutes before", minutes) % {
        "count": minutes
    }


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
    time_zone = TimeZoneField(label=_("Time zone of the meeting"))
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
    reminders = forms.TypedMultipleChoiceField(
        label=_("E-mail a reminder to those registered"),
        coerce=int,
        choices=(),  # in __init__, named in the language of the request
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Each person can turn reminders off for themselves."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A lead time set before these choices (the group's, in whole hours) stays on.
        field = self.fields["reminders"]
        assert isinstance(field, forms.TypedMultipleChoiceField)  # declared above
        stored = [m for m in self.initial.get("reminders") or [] if m not in REMINDER_CHOICES]
        field.choices = [
            (minutes, reminder_label(minutes)) for minutes in sorted({*REMINDER_CHOICES, *stored})
        ]

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


class AgendaItemForm(forms.Form):
    """One row of the agenda; a row left empty is no item. `item` is the row's
    AgendaItem, kept (with its document) when the agenda is saved again."""

    item = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = PlainTextField(label=_("Item"), max_length=200, required=False)
    presenter = PlainTextField(label=_("Presenter"), max_length=200, required=False)
    duration_minutes = forms.IntegerField(
        label=pgettext_lazy("duration", "Minutes"), min_value=1, max_value=600, required=False
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("title") and (data.get("presenter") or data.get("duration_minutes")):
            self.add_error("title", _("Give the item a title, or clear the row."))
        return data


class BaseAgendaFormSet(forms.BaseFormSet):
    def items(self) -> list[dict]:
        """The agenda in the order of the rows, without empty and removed rows."""
        return [
            {
                "item": form.cleaned_data.get("item"),
                "title": form.cleaned_data["title"],
                "presenter": form.cleaned_data.get("presenter") or "",
                "duration_minutes": form.cleaned_data.get("duration_minutes"),
            }
            for form in self.forms
            if form.cleaned_data.get("title") and not form.cleaned_data.get("DELETE")
        ]


AgendaFormSet = forms.formset_factory(
    AgendaItemForm,
    formset=BaseAgendaFormSet,
    extra=3,
    can_delete=True,
    max_num=MAX_AGENDA_ITEMS,
    absolute_max=MAX_AGENDA_ITEMS,
    validate_max=True,
)


def agenda_formset(data=None, *, items=()) -> BaseAgendaFormSet:
    """The agenda's rows: the meeting's items, then empty rows to add more."""
    formset = AgendaFormSet(
        data,
        prefix="agenda",
        initial=[
            {
                "item": item.pk,
                "title": item.title,
                "presenter": item.presenter,
                "duration_minutes": item.duration_minutes,
            }
            for item in items
        ],
    )
    assert isinstance(formset, BaseAgendaFormSet)  # formset_factory(formset=...) above
    return formset


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
