"""Forms of the indicator pages: an indicator, a new round, a returned submission."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gwd.http import parse_id
from gwd.text import PlainTextField
from indicators.models import Indicator

EARLIEST_YEAR = 1990


class IndicatorForm(forms.ModelForm):
    """An indicator of the shared catalogue or of one group; `parts` are the indicators
    a derived one may be made of."""

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name_pl",
            "name_uk",
            "name_en",
            "definition_pl",
            "definition_uk",
            "definition_en",
            "domain",
            "measure",
            "direction",
            "decimals",
            "min_value",
            "max_value",
            "numerator",
            "denominator",
            "scale",
            "source",
            "bdl_variable_id",
        ]
        widgets = {
            "definition_pl": forms.Textarea(attrs={"rows": 3}),
            "definition_uk": forms.Textarea(attrs={"rows": 3}),
            "definition_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, parts=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("numerator", "denominator"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = parts if parts is not None else Indicator.objects.none()
        self.fields["decimals"].validators.append(MaxValueValidator(4))

    def validate_unique(self) -> None:
        # The service tells a clashing code in words; the constraint would name columns.
        pass


class IndicatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.display_name} ({obj.get_measure_display()})"

    def clean(self, value):
        # An id no table can hold is refused as a wrong choice: the database would fail
        # on it (SQLite cannot bind an integer over 64 bits).
        for pk in value if isinstance(value, (list, tuple)) else ():
            if parse_id(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


class RoundForm(forms.Form):
    title = PlainTextField(label=_("Title"), max_length=200)
    year = forms.IntegerField(label=_("Year of the data"))
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    indicators = IndicatorChoiceField(
        label=_("Indicators"),
        queryset=Indicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, indicators=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["indicators"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = indicators if indicators is not None else Indicator.objects.none()
        this_year = timezone.localdate().year
        self.fields["year"].validators += [
            MinValueValidator(EARLIEST_YEAR),
            MaxValueValidator(this_year + 1),
        ]
        self.fields["year"].initial = this_year - 1
        self.fields["deadline"].initial = timezone.localdate() + dt.timedelta(days=30)


class ReturnForm(forms.Form):
    comment = PlainTextField(
        label=_("What to correct"), max_length=2000, multiline=True, required=True
    )
