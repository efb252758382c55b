import functools
import hashlib
from collections.abc import Sequence
from html import escape

from django import forms
from django.db import connection
from django.db.models import CharField, F, Value
from django.db.models.aggregates import StringAgg
from django.db.models.functions import Cast, Concat, Replace
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from groups.models import Membership
from gwd import caching
from search.lemmas import fold
from search.models import Kind
from search.statements import Statement, executed

QUERY_MAX = 200
ANYONE = _("Anyone")
# Between a member's id and name, and between members, in the listing read from the
# database: control characters, taken out of the names as they are read (`_name`).
_FIELD, _ROW = "\x1f", "\x1e"
OPTIONS_SECONDS = 60 * 60


def _name() -> Replace:
    """A member's name without the listing's separators: a name is what its owner typed,
    and one holding them would read as members who are not (or as no number at all)."""
    return Replace(Replace(F("user__full_name"), Value(_ROW), Value("")), Value(_FIELD), Value(""))


@functools.lru_cache(maxsize=64)
def _listing_statement(vendor: str, groups: int) -> Statement:
    """The listing's statement for a number of groups, built once (for each database, as
    the tests use two): the ORM building the aggregate each time was 3 ms of a search's
    CPU, three times what running it cost Python (docs/performance.md, (c)). It is built
    by running it once for groups that do not exist, their ids negative."""
    del vendor  # a part of the key only

    def listing(*group_ids: int) -> tuple[str, list]:
        memberships = Membership.objects.filter(group_id__in=group_ids)
        # In the order of the ids, not of the rows on disk: a sign-in rewrites a member's
        # row, which PostgreSQL moves, and the listing read in the new order made a new
        # digest. SQLite before 3.44 cannot order an aggregate; it writes rows in place.
        order = "user_id" if connection.features.supports_aggregate_order_by_clause else None
        return executed(
            lambda: memberships.aggregate(
                listing=StringAgg(
                    Concat(Cast("user_id", CharField()), Value(_FIELD), _name()),
                    Value(_ROW),
                    order_by=order,
                )
            )
        )

    return Statement(listing, *range(-1, -groups - 1, -1))


class Authors:
    """Whom a search can be narrowed to: the members of the groups searched.

    They are read as one string aggregated by the database, one row, not a model row
    for each of a PPP group's 2,000 members (a quarter of the search page's CPU with
    their options). Their options are rendered once for each listing and kept under its
    digest, so a new member, one who left and a new name are a new key and show at once.
    """

    def __init__(self, listing: str | None) -> None:
        self.listing = listing or ""

    @classmethod
    def of(cls, group_ids: Sequence[int]) -> "Authors":
        """The members of the groups `group_ids`, whatever their status: a former
        member's messages are still theirs to filter by."""
        if not group_ids:
            return cls(None)
        sql, params = _listing_statement(connection.vendor, len(group_ids)).of(*group_ids)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return cls(row[0] if row else None)

    def choices(self) -> list[tuple[int, str]]:
        """(id, name) of each member once, in name order."""
        members: dict[int, str] = {}
        for row in self.listing.split(_ROW) if self.listing else ():
            pk, _sep, name = row.partition(_FIELD)
            members[int(pk)] = name
        # "Łukasz" among the L's and "Żaneta" among the Z's, not after every plain letter.
        return sorted(
            members.items(), key=lambda member: (fold(member[1]), member[1].casefold(), member[0])
        )

    def ids(self) -> set[int]:
        return {int(row.partition(_FIELD)[0]) for row in self.listing.split(_ROW) if row}

    def options(self) -> str:
        """The members' <option>s, none selected, every id and name escaped."""
        digest = hashlib.blake2b(self.listing.encode(), digest_size=20).hexdigest()
        key = f"search:authors:{digest}"
        kept = caching.kept([key], "the search's authors").get(key)
        if kept is not None:
            return kept
        options = "".join(
            f'<option value="{pk}">{escape(name)}</option>' for pk, name in self.choices()
        )
        caching.keep({key: options}, OPTIONS_SECONDS, "the search's authors")
        return options


class AuthorSelect(forms.Widget):
    """A choice of every member of the group, its options written in one go and kept
    (`Authors.options`): Django's template for each option took most of the page's time
    with 2,000 members, and its choice fields normalise every choice again each time a
    form is made (a quarter of the search page's time)."""

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs)
        self.authors = Authors(None)

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        options = self.authors.options()
        selected = False
        if value not in (None, "") and str(value).isdigit():
            # The chosen member is marked in the kept options, by its id's own option.
            chosen = f'<option value="{int(value)}">'
            selected = chosen in options
            options = options.replace(chosen, f'<option value="{int(value)}" selected>', 1)
        anyone = f'<option value=""{"" if selected else " selected"}>{escape(str(ANYONE))}</option>'
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

    def __init__(self, *args, authors: Authors, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["author"].widget.authors = authors
        self._authors = authors

    def clean_author(self) -> int | None:
        author = self.cleaned_data.get("author")
        if author is not None and author not in self._authors.ids():
            raise forms.ValidationError(_("Choose an author from the list."))
        return author

    def clean(self):
        data = super().clean() or self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period comes before its start."))
        return data
