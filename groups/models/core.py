import zoneinfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gwd.text import clean_text


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
    # The municipality (or county, region) the institution is the office of; a ministry
    # or a partner organisation has none.
    unit = models.ForeignKey(
        "groups.TerritorialUnit",
        verbose_name=_("territorial unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="institutions",
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
    email_notifications = models.BooleanField(
        _("e-mail notifications"),
        default=True,
        help_text=_("Off: GWD sends no notification e-mail at all (sign-in e-mail still comes)."),
    )

    class Digest(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        NEVER = "never", _("Never")

    digest = models.CharField(
        _("digest of other news"), max_length=10, choices=Digest.choices, default=Digest.DAILY
    )
    # Kept on the user row so every page shows the bell without another query.
    unread_notifications = models.PositiveIntegerField(default=0, editable=False)
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

    def clean(self) -> None:
        # Names show on nearly every page: no bidi override may reverse them, whichever
        # way they are written (a form, a service, the admin).
        super().clean()
        self.full_name = clean_text(self.full_name)
        self.position = clean_text(self.position)
        if not self.full_name:
            field = self._meta.get_field("full_name")
            assert isinstance(field, models.Field)  # a column, not a relation
            raise ValidationError({"full_name": field.error_messages["blank"]})

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


# The languages a group's name and description come in, in the order of User.Language.
GROUP_LANGUAGES = tuple(User.Language.values)


class GroupKind(models.TextChoices):
    URBAN = "urban", _("Urban")
    URBAN_RURAL = "urban_rural", _("Urban-rural")
    COUNTY = "county", _("County")
    PPP = "ppp", _("Public-private partnership")
    UKRAINE_PARTNERS = "ukraine_partners", _("Ukrainian partners")


class Role(models.TextChoices):
    FACILITATOR = "facilitator", _("Facilitator")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")


class GroupQuerySet(models.QuerySet):
    def for_user(self, user) -> "GroupQuerySet":
        """Groups the user may find in the directory: their own, open ones, all for staff."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        # A subquery, not a join on memberships: a join would also narrow any count of
        # memberships annotated on the result to the person's own (a group of seven
        # showed "1 member" in the directory).
        own = Membership.objects.filter(
            group=models.OuterRef("pk"), user=user, status=Membership.Status.ACTIVE
        )
        return self.filter(
            models.Exists(own) | models.Q(accepts_join_requests=True, archived=False)
        )


class Group(models.Model):
    """A knowledge-exchange group: GWD's tenant. Everything members share belongs to one."""

    # A name and a description in each of the site's languages: a group of Polish and
    # Ukrainian officials reads itself in both. Only the first working language's name is
    # required; a reader whose language has none sees that one (see name_in).
    name_pl = models.CharField(_("name in Polish"), max_length=200, blank=True)
    name_uk = models.CharField(_("name in Ukrainian"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=GroupKind.choices)
    description_pl = models.TextField(_("description in Polish"), blank=True)
    description_uk = models.TextField(_("description in Ukrainian"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    working_languages = models.JSONField(
        _("working languages"), default=list, help_text=_("Languages the group works in.")
    )
    accepts_join_requests = models.BooleanField(
        _("accepts join requests"),
        default=False,
        help_text=_("Officials who are not members may find the group and ask to join."),
    )
    archived = models.BooleanField(
        _("archived"), default=False, help_text=_("An archived group can be read but not changed.")
    )
    meeting_reminder_hours = models.PositiveIntegerField(
        _("meeting reminders (hours before)"),
        default=24,
        help_text=_("0 sends no reminders."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        # The name depends on the reader's language; the address does not.
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("groups:group-detail", kwargs={"slug": self.slug})

    @property
    def first_language(self) -> str:
        """The language the group's texts are written in first: its first working one."""
        for code in self.working_languages or []:
            if code in GROUP_LANGUAGES:
                return code
        return GROUP_LANGUAGES[0]

    def _text_in(self, prefix: str, language: str | None) -> str:
        code = (language or "")[:2]
        own = getattr(self, f"{prefix}_{code}", "") if code in GROUP_LANGUAGES else ""
        if own:
            return own
        first = getattr(self, f"{prefix}_{self.first_language}")
        if first:
            return first
        return next(
            (text for lang in GROUP_LANGUAGES if (text := getattr(self, f"{prefix}_{lang}"))), ""
        )

    def name_in(self, language: str | None) -> str:
        """The name a reader of `language` sees: theirs, else the first working language's."""
        return self._text_in("name", language)

    def description_in(self, language: str | None) -> str:
        return self._text_in("description", language)

    @property
    def display_name(self) -> str:
        """The name in the language of the page or e-mail being rendered."""
        return self.name_in(get_language())

    @property
    def display_description(self) -> str:
        return self.description_in(get_language())

    def clean(self) -> None:
        super().clean()
        for code in GROUP_LANGUAGES:
            setattr(self, f"name_{code}", clean_text(getattr(self, f"name_{code}")))
            description = clean_text(getattr(self, f"description_{code}"), multiline=True)
            setattr(self, f"description_{code}", description)
        required = f"name_{self.first_language}"
        if not getattr(self, required):
            field = self._meta.get_field(required)
            assert isinstance(field, models.Field)  # a column, not a relation
            raise ValidationError({required: field.error_messages["blank"]})


class MembershipQuerySet(models.QuerySet):
    def active(self) -> "MembershipQuerySet":
        return self.filter(status=Membership.Status.ACTIVE)


class Membership(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        REMOVED = "removed", _("Removed")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution represented"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    muted_until = models.DateTimeField(_("muted until"), null=True, blank=True)
    meeting_reminders = models.BooleanField(_("e-mail reminders of meetings"), default=True)

    class Notify(models.TextChoices):
        ALL = "all", _("Everything")
        MENTIONS = "mentions", _("Only mentions")
        NOTHING = "nothing", _("Nothing")

    notify = models.CharField(
        _("notifications from this group"),
        max_length=10,
        choices=Notify.choices,
        default=Notify.ALL,
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "group"], name="membership_user_group_unique"),
        ]
        indexes = [models.Index(fields=["group", "status", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.group} ({self.role})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_muted(self) -> bool:
        return self.muted_until is not None and self.muted_until > timezone.now()


class Invitation(models.Model):
    """A single-use invitation to a group, sent by e-mail to a person who may not have an
    account yet."""

    email = models.EmailField(_("e-mail address"))
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    language = models.CharField(
        _("language of the e-mail"), max_length=2, choices=User.Language.choices, default="pl"
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    inviter = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["group", "email"])]

    def __str__(self) -> str:
        return f"{self.email} → {self.group}"

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class JoinRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="join_requests")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="join_requests")
    message = models.TextField(_("message"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "group"],
                condition=models.Q(status="pending"),
                name="join_request_one_pending_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.group}"
