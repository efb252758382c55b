"""Indicators: the catalogue, the values municipalities report, their history, and the
data rounds in which a group collects them."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from groups.models import GROUP_LANGUAGES, Group, TerritorialUnit, User


class Domain(models.TextChoices):
    LOCAL_TAXES = "local_taxes", _("Local taxes and fees")
    REAL_ESTATE = "real_estate", _("Real-estate management")
    ROADS = "roads", _("Roads and transport")
    ENVIRONMENT = "environment", _("Environmental protection")
    INVESTMENT = "investment", _("Investment and construction")
    GEODESY = "geodesy", _("Geodesy and cartography")
    EDUCATION = "education", _("Education")
    ENERGY = "energy", _("Energy efficiency")
    PPP = "ppp", _("Public-private partnership")
    DEVELOPMENT = "development", _("Local development")


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")
    NEUTRAL = "neutral", _("neutral")


class Measure(models.TextChoices):
    """What a value counts. Money is in the unit's own currency (złoty in Poland, hryvnia
    in Ukraine), so it compares only within one country; the others compare anywhere."""

    COUNT = "count", _("number")
    PERCENT = "percent", _("%")
    MONEY = "money", _("PLN / UAH")
    PER_1000 = "per_1000", _("per 1,000 inhabitants")
    KM = "km", _("km")
    SQ_M = "sq_m", _("m²")
    HECTARE = "ha", _("ha")
    TONNE = "t", _("t")
    MWH = "mwh", _("MWh")
    KWH_SQ_M = "kwh_sq_m", _("kWh/m² a year")
    DAYS = "days", _("days")
    HOURS = "hours", _("hours")


class IndicatorQuerySet(models.QuerySet):
    def shared(self) -> "IndicatorQuerySet":
        """The shared catalogue, kept by site staff."""
        return self.filter(group__isnull=True)

    def of_group(self, group: Group) -> "IndicatorQuerySet":
        """What `group` works with: the shared indicators it adopted and its own."""
        return self.filter(adoptions__group=group)


class Indicator(models.Model):
    """One measure of a municipality's work, e.g. the cost of one tax decision.

    `group` is empty for the shared catalogue and names the group for its own
    indicators. A derived indicator is `numerator` × `scale` / `denominator`, e.g. road
    accidents per 1,000 inhabitants from accidents and population.
    """

    group = models.ForeignKey(
        Group,
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="own_indicators",
        help_text=_("Empty for the shared catalogue."),
    )
    code = models.SlugField(_("code"), max_length=40)
    name_pl = models.CharField(_("name in Polish"), max_length=200)
    name_uk = models.CharField(_("name in Ukrainian"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    definition_pl = models.TextField(_("definition in Polish"), blank=True)
    definition_uk = models.TextField(_("definition in Ukrainian"), blank=True)
    definition_en = models.TextField(_("definition in English"), blank=True)
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    measure = models.CharField(_("unit of measure"), max_length=20, choices=Measure.choices)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.NEUTRAL
    )
    decimals = models.PositiveSmallIntegerField(_("decimal places shown"), default=0)
    min_value = models.DecimalField(
        _("lowest plausible value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("highest plausible value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    numerator = models.ForeignKey(
        "self",
        verbose_name=_("numerator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    denominator = models.ForeignKey(
        "self",
        verbose_name=_("denominator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    scale = models.DecimalField(
        _("multiplier"),
        max_digits=10,
        decimal_places=0,
        default=Decimal(1),
        help_text=_("E.g. 1000 for a value per 1,000 inhabitants."),
    )
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("E.g. GUS BDL, a questionnaire.")
    )
    bdl_variable_id = models.CharField(
        _("BDL variable id"), max_length=12, blank=True, help_text=_("For imports from GUS BDL.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["domain", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(group__isnull=True),
                name="indicator_shared_code",
            ),
            models.UniqueConstraint(
                fields=["group", "code"],
                condition=models.Q(group__isnull=False),
                name="indicator_group_code",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def name_in(self, language: str | None) -> str:
        code = (language or "")[:2]
        return getattr(self, f"name_{code}", "") if code in GROUP_LANGUAGES else self.name_pl

    def definition_in(self, language: str | None) -> str:
        code = (language or "")[:2]
        field = f"definition_{code}" if code in GROUP_LANGUAGES else "definition_pl"
        return getattr(self, field) or self.definition_pl

    @property
    def display_name(self) -> str:
        return self.name_in(get_language()) or self.name_pl

    @property
    def display_definition(self) -> str:
        return self.definition_in(get_language())

    @property
    def is_derived(self) -> bool:
        return self.numerator_id is not None

    @property
    def comparable_across_countries(self) -> bool:
        """Money is in złoty or hryvnia: Polish and Ukrainian sums do not compare."""
        return self.measure != Measure.MONEY

    def clean(self) -> None:
        super().clean()
        if (self.numerator_id is None) != (self.denominator_id is None):
            raise ValidationError(
                _("A derived indicator needs both a numerator and a denominator.")
            )
        if self.pk is not None and self.pk in (self.numerator_id, self.denominator_id):
            raise ValidationError(_("An indicator cannot be derived from itself."))
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            raise ValidationError(_("The lowest plausible value is above the highest."))


class GroupIndicator(models.Model):
    """An indicator a group works with: adopted from the shared catalogue, or its own."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="adoptions")
    adopted_at = models.DateTimeField(_("adopted"), default=timezone.now)
    adopted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("indicator of a group")
        verbose_name_plural = _("indicators of groups")
        constraints = [
            models.UniqueConstraint(fields=["group", "indicator"], name="group_indicator_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} · {self.group}"


class ValueStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    VERIFIED = "verified", _("verified")
    FLAGGED = "flagged", _("flagged")


class ValueSource(models.TextChoices):
    TYPED = "typed", _("typed in")
    FILE = "file", _("imported from a file")
    BDL = "bdl", _("imported from GUS BDL")
    DEMO = "demo", _("demonstration data")


class DataRound(models.Model):
    """A facilitator's call for figures: one year, chosen indicators, a deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="data_rounds")
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year of the data"))
    deadline = models.DateField(_("deadline"))
    indicators = models.ManyToManyField(Indicator, verbose_name=_("indicators"), related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now)

    class Meta:
        verbose_name = _("data round")
        verbose_name_plural = _("data rounds")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Submission(models.Model):
    """One unit's answer to a round: the form its officials fill, save and submit."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("in progress")
        SUBMITTED = "submitted", _("submitted")
        VERIFIED = "verified", _("verified")
        RETURNED = "returned", _("sent back")

    round = models.ForeignKey(DataRound, on_delete=models.CASCADE, related_name="submissions")
    unit = models.ForeignKey(TerritorialUnit, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="submission_round_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.round}"


class Value(models.Model):
    """One figure: a unit's value of an indicator in a year, in the group that holds it.

    `district` names a part of the city when the value is for that part only. Every
    change writes a ValueChange in the same transaction (indicators.services).
    """

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="indicator_values")
    unit = models.ForeignKey(TerritorialUnit, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(
        TerritorialUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    status = models.CharField(
        _("status"), max_length=10, choices=ValueStatus.choices, default=ValueStatus.DRAFT
    )
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=ValueSource.choices, default=ValueSource.TYPED
    )
    # The file's name or the BDL request the value came from.
    source_detail = models.CharField(_("imported from"), max_length=300, blank=True)
    round = models.ForeignKey(
        DataRound, on_delete=models.SET_NULL, null=True, blank=True, related_name="values"
    )
    entered_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "unit", "indicator", "year"],
                condition=models.Q(district__isnull=True),
                name="value_unit_indicator_year",
            ),
            models.UniqueConstraint(
                fields=["group", "unit", "indicator", "year", "district"],
                condition=models.Q(district__isnull=False),
                name="value_district_indicator_year",
            ),
        ]
        indexes = [
            models.Index(fields=["group", "indicator", "year"]),
            models.Index(fields=["group", "unit", "year"]),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.unit} {self.year}: {self.value}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The history of values is append-only.")

    def delete(self):
        raise PermissionError("The history of values is append-only.")


class ValueChange(models.Model):
    """One change of a value: what it was, what it became, who did it and from where.

    Append-only: the model refuses to change or delete a row. The value's place (unit,
    indicator, year) is kept here too, so the history reads without the value.
    """

    value = models.ForeignKey(
        Value, on_delete=models.DO_NOTHING, db_constraint=False, related_name="changes"
    )
    group = models.ForeignKey(
        Group, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    unit_id_at = models.BigIntegerField()
    indicator_id_at = models.BigIntegerField()
    year = models.PositiveSmallIntegerField()
    old_value = models.DecimalField(max_digits=20, decimal_places=4, null=True)
    new_value = models.DecimalField(max_digits=20, decimal_places=4, null=True)
    old_status = models.CharField(max_length=10, blank=True)
    new_status = models.CharField(max_length=10, choices=ValueStatus.choices)
    comment = models.CharField(max_length=1000, blank=True)
    source = models.CharField(max_length=10, choices=ValueSource.choices)
    source_detail = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        User, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("change of a value")
        verbose_name_plural = _("history of values")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["value", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name}: {self.new_value}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The history of values is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The history of values is append-only.")
