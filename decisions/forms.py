"""Forms of the decision pages. They turn text into what the services take; the rules
themselves are the services'."""

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from decisions.models import Poll, PollStarters, Stance
from decisions.slots import slot_instant
from gwd.errors import ServiceError
from gwd.text import PlainTextField

SLOT_HELP = _(
    "One slot a line: date, start and (optionally) end, e.g. 2027-10-29 10:00-11:30, "
    "in your time zone."
)


class PollForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of poll"), choices=Poll.Kind.choices)
    title = PlainTextField(label=_("Question"), max_length=200)
    description = PlainTextField(
        label=_("Description"), multiline=True, max_length=10000, required=False
    )
    options = PlainTextField(
        label=_("Options, one a line"),
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("Not needed for a proposal. For a date poll, the time slots."),
    )
    closes_date = forms.DateField(
        label=_("Closes on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    closes_time = forms.TimeField(
        label=_("at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    anonymous = forms.BooleanField(
        label=_("Anonymous: nobody, not even staff, can see who voted what"),
        required=False,
        help_text=_(
            "An anonymous poll's results are shown only once it closes: in a small group, "
            "totals changing right after each vote would tell who voted what."
        ),
    )
    results = forms.ChoiceField(
        label=_("Results shown"), choices=Poll.Results.choices, initial=Poll.Results.LIVE
    )
    allow_change = forms.BooleanField(
        label=_("Voters may change their vote until the poll closes (not when anonymous)"),
        required=False,
        initial=True,
    )
    max_choices = forms.IntegerField(
        label=_("Multiple choice: at most this many options"), required=False, min_value=1
    )
    score_max = forms.IntegerField(
        label=_("Score: the highest score"), required=False, min_value=1, max_value=10
    )

    def __init__(self, *args, time_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, time = data.get("closes_date"), data.get("closes_time")
        data["closes_at"] = None
        if day and not time:
            time = dt.time(23, 59)
        if day and time:
            try:
                data["closes_at"] = slot_instant(day, time, self.time_zone)
            except ServiceError as error:
                self.add_error("closes_time", error.message)
        lines = [line.strip() for line in data.get("options", "").splitlines() if line.strip()]
        data["labels"], data["slots"] = [], []
        if data.get("kind") == Poll.Kind.DATE:
            for line in lines:
                try:
                    data["slots"].append(self._slot(line))
                except (ValueError, ServiceError):
                    self.add_error(
                        "options",
                        _("“%(line)s” is not a slot like 2027-10-29 10:00-11:30.") % {"line": line},
                    )
        else:
            data["labels"] = lines
        if data.get("anonymous"):
            data["results"] = Poll.Results.AFTER_CLOSE
        return data

    def _slot(self, line: str) -> tuple[dt.datetime, dt.datetime | None]:
        day_text, _space, clock = line.partition(" ")
        day = dt.date.fromisoformat(day_text)
        start_text, _dash, end_text = clock.replace("–", "-").partition("-")
        start = slot_instant(day, dt.time.fromisoformat(start_text.strip()), self.time_zone)
        end = None
        if end_text.strip():
            end = slot_instant(day, dt.time.fromisoformat(end_text.strip()), self.time_zone)
        return start, end


class OutcomeForm(forms.Form):
    outcome = PlainTextField(
        label=_("The decision taken"),
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
    )


class DecisionSettingsForm(forms.Form):
    poll_starters = forms.ChoiceField(
        label=_("Who may start a poll"), choices=PollStarters.choices, widget=forms.RadioSelect
    )
    observers_vote = forms.BooleanField(label=_("Observers may vote"), required=False)


STANCE_CHOICES = Stance.choices
