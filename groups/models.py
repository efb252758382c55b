import zoneinfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(zone)s is not a known time zone."), params={"zone": value})


class Institution(models.Model):
    """A body an official works for: a city, gmina, powiat, hromada, ministry or partner."""

    class Kind(models.TextChoices):
        CITY = "city", _("City")
        GMINA = "gmina", _("Gmina")
        POWIAT = "powiat", _("Powiat")
        HROMADA = "hromada", _("Hromada")
        MINISTRY = "ministry", _("Ministry")
        PARTNER = "partner", _("Partner organisation")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(
        _("TERYT or KATOTTH code"),
        max_length=20,
        blank=True,
        help_text=_("Optional: the TERYT code of a Polish unit or the KATOTTH code of a hromada."),
    )

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "kind"], name="institution_name_kind_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person using GWD; the e-mail address is the login.

    Site staff (is_staff) are the Association's employees: they create groups and
    appoint facilitators, and must protect their account with a second factor.
    """

    class Language(models.TextChoices):
        PL = "pl", "Polski"
        UK = "uk", "Українська"
        EN = "en", "English"

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    position = models.CharField(_("position"), max_length=150, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.PL
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.TIME_ZONE,
        validators=[validate_time_zone],
    )
    is_staff = models.BooleanField(
        _("site staff"),
        default=False,
        help_text=_("Association staff: may create groups, appoint facilitators and use admin."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email
