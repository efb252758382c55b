from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from search.models import Kind

QUERY_MAX = 200
ANYONE = _("Anyone")


class AuthorSelect(forms.Widget):
    """A choice of every member of the group, its options written in one go: Django's
    template for each option took most of the page's time with 2,000 members, and its
    choice fields normalise every choice again each time a form is made (a quarter of
    the search page's time)."""

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs)
        self.authors: list[tuple[int, str]] = []

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        chosen = str(value) if value not in (None, "") else ""
        options = "".join(
            f'<option value="{int(key)}"{" selected" if str(key) == chosen else ""}>'
            f"{escape(label)}</option>"
            for key, label in self.authors
        )
        anyone = f'<option value=""{"" if chosen else " selected"}>{escape(str(ANYONE))}</option>'
        options = anyone + options
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe(options),  # every key and label escaped above
        )


class SearchForm(forms.Form):
    """The search box and its filters, all in the query string so a search can be
    linked, bookmarked and paged without JavaScript."""

    q = forms.CharField(label=_("Search for"), max_length=QUERY_MAX, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Everything")), *Kind.choices], required=False
    )
    author = forms.IntegerField(label=_("Author"), required=False, widget=AuthorSelect)
    thread = forms.IntegerField(
        label=_("Thread"),
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        widget=forms.HiddenInput,
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    order = forms.ChoiceField(
        label=_("Order"),
        choices=[("best", _("Best match first")), ("newest", _("Newest first"))],
        required=False,
    )

    def __init__(self, *args, authors: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["author"].widget.authors = authors
        self._author_ids = {pk for pk, _name in authors}

    def clean_author(self) -> int | None:
        author = self.cleaned_data.get("author")
        if author is not None and author not in self._author_ids:
            raise forms.ValidationError(_("Choose an author from the list."))
        return author

    def clean(self):
        data = super().clean() or self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period comes before its start."))
        return data
