"""Territorial units — the municipalities, counties and regions officials work for — and
the units that are members of a group.

Codes, as the registers define them:

- Poland, TERYT's TERC system (GUS, "Ogólna charakterystyka systemów rejestru",
  eteryt.stat.gov.pl): a województwo is 2 digits (even, 02–32), a powiat 4 (WWPP; PP
  61–99 is a city with powiat rights), a gmina 7 (WWPPGGR) whose last digit is its kind:
  1 gmina miejska, 2 wiejska, 3 miejsko-wiejska, 4 the town and 5 the rural area of a
  miejsko-wiejska gmina, 8 a district of Warsaw, 9 a delegatura of Kraków, Łódź, Poznań
  or Wrocław.
- Ukraine, KATOTTH (the codifier of the Ministry for Communities and Territories
  Development, 2020; structure UA|OO|RR|HHH|PPP|MM|NNNNN): "UA" and 17 digits; an oblast
  has only OO set, a raion OO RR, a hromada OO RR HHH, a settlement more; the last five
  digits are a serial number. The category letter (O, P, H, M, X, C, B, K) is a column
  of the codifier, not part of the code.
- GUS's Local Data Bank (BDL) names units by its own 12-digit id, which is not a TERYT
  code: it is stored beside it when known.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models.core import Group


class Country(models.TextChoices):
    POLAND = "PL", _("Poland")
    UKRAINE = "UA", _("Ukraine")


class UnitLevel(models.TextChoices):
    GMINA_URBAN = "gmina_urban", _("urban gmina")
    GMINA_RURAL = "gmina_rural", _("rural gmina")
    GMINA_URBAN_RURAL = "gmina_urban_rural", _("urban-rural gmina")
    CITY_COUNTY = "city_county", _("city with powiat rights")
    POWIAT = "powiat", _("powiat")
    VOIVODESHIP = "voivodeship", _("voivodeship")
    HROMADA = "hromada", _("hromada")
    RAION = "raion", _("raion")
    OBLAST = "oblast", _("oblast")
    DISTRICT = "district", _("district of a city")


LEVELS_OF = {
    Country.POLAND: {
        UnitLevel.GMINA_URBAN,
        UnitLevel.GMINA_RURAL,
        UnitLevel.GMINA_URBAN_RURAL,
        UnitLevel.CITY_COUNTY,
        UnitLevel.POWIAT,
        UnitLevel.VOIVODESHIP,
        UnitLevel.DISTRICT,
    },
    Country.UKRAINE: {
        UnitLevel.HROMADA,
        UnitLevel.RAION,
        UnitLevel.OBLAST,
        UnitLevel.DISTRICT,
    },
}

# TERC's kind digit (the seventh) that each Polish gmina-level unit may carry. A city
# with powiat rights is a gmina miejska whose powiat part is 61–99.
TERC_KIND_DIGITS = {
    UnitLevel.GMINA_URBAN: "1",
    UnitLevel.CITY_COUNTY: "1",
    UnitLevel.GMINA_RURAL: "2",
    UnitLevel.GMINA_URBAN_RURAL: "3",
    UnitLevel.DISTRICT: "89",
}

TERC_RE = re.compile(r"\d{2}|\d{4}|\d{7}")
KATOTTH_RE = re.compile(r"UA\d{17}")


def _katotth_level(code: str) -> UnitLevel | None:
    """The level a KATOTTH code names by which of its parts are set."""
    oblast, raion, hromada, rest = code[2:4], code[4:6], code[6:9], code[9:14]
    if oblast == "00":
        return None
    if raion == "00":
        return UnitLevel.OBLAST if hromada == "000" and rest == "00000" else None
    if hromada == "000":
        return UnitLevel.RAION if rest == "00000" else None
    if rest == "00000":
        return UnitLevel.HROMADA
    return UnitLevel.DISTRICT  # a settlement or an urban district inside a hromada


def unit_code_error(*, country: str, level: str, code: str) -> str | None:
    """Why `code` is not a valid code of a unit of `country` and `level`, or None."""
    if country == Country.POLAND:
        if not TERC_RE.fullmatch(code):
            return str(_("A TERYT code has 2, 4 or 7 digits."))
        if level == UnitLevel.VOIVODESHIP:
            return None if len(code) == 2 else str(_("A voivodeship's TERYT code has 2 digits."))
        if level == UnitLevel.POWIAT:
            if len(code) != 4 or not "01" <= code[2:] <= "60":
                return str(_("A powiat's TERYT code has 4 digits, the last two 01–60."))
            return None
        if len(code) != 7:
            return str(_("A gmina's TERYT code has 7 digits."))
        if code[6] not in TERC_KIND_DIGITS.get(UnitLevel(level), ""):
            return str(_("The last digit of this TERYT code does not match the kind of unit."))
        if level == UnitLevel.CITY_COUNTY and not "61" <= code[2:4] <= "99":
            return str(_("A city with powiat rights has a powiat part of 61–99 in its code."))
        return None
    if not KATOTTH_RE.fullmatch(code):
        return str(_("A KATOTTH code is UA followed by 17 digits."))
    if _katotth_level(code) != level:
        return str(_("This KATOTTH code names a unit of another level."))
    return None


class TerritorialUnitQuerySet(models.QuerySet):
    def of_group(self, group: Group) -> "TerritorialUnitQuerySet":
        """The units that are members of `group` now."""
        return self.filter(group_memberships__group=group, group_memberships__left_at__isnull=True)


class TerritorialUnit(models.Model):
    """A municipality, county or region of Poland or Ukraine (or a district of a city)."""

    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    level = models.CharField(_("level"), max_length=20, choices=UnitLevel.choices)
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(
        _("TERYT or KATOTTH code"),
        max_length=19,
        unique=True,
        help_text=_("TERYT (TERC) for a Polish unit, KATOTTH for a Ukrainian one."),
    )
    bdl_id = models.CharField(
        _("BDL unit id"),
        max_length=12,
        blank=True,
        help_text=_("Its id in GUS's Local Data Bank, where known (not a TERYT code)."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
    )

    objects = TerritorialUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("territorial unit")
        verbose_name_plural = _("territorial units")
        ordering = ["country", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["bdl_id"], condition=~models.Q(bdl_id=""), name="unit_bdl_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        self.code = self.code.strip().upper()
        if self.level not in LEVELS_OF.get(Country(self.country), set()):
            raise ValidationError({"level": _("This level does not exist in this country.")})
        error = unit_code_error(country=self.country, level=self.level, code=self.code)
        if error:
            raise ValidationError({"code": error})
        if self.bdl_id and not (self.bdl_id.isdigit() and len(self.bdl_id) == 12):
            raise ValidationError({"bdl_id": _("A BDL unit id has 12 digits.")})


class GroupUnit(models.Model):
    """A unit that is a member of a group, represented by its officials.

    The unit stays a member when its officials change: it joins when the first of them
    does and leaves only when a facilitator says so (`left_at`).
    """

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(
        TerritorialUnit, on_delete=models.PROTECT, related_name="group_memberships"
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    class Meta:
        verbose_name = _("member unit")
        verbose_name_plural = _("member units")
        constraints = [
            models.UniqueConstraint(fields=["group", "unit"], name="group_unit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.group}"
