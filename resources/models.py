"""The document library: folders, documents, their versions, model templates and the
copies adapted from them."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import Group, Membership, Message


class Domain(models.TextChoices):
    LOCAL_TAXES = "local_taxes", _("Local taxes and fees")
    REAL_ESTATE = "real_estate", _("Real-estate management")
    ROADS = "roads", _("Roads and transport")
    ENVIRONMENT = "environment", _("Environmental protection")
    INVESTMENTS = "investments", _("Investments and construction")
    GEODESY = "geodesy", _("Geodesy and cartography")
    EDUCATION = "education", _("Education")
    PPP = "ppp", _("Public-private partnership")
    ENERGY = "energy", _("Energy efficiency")


class Folder(models.Model):
    class Purpose(models.TextChoices):
        NONE = "", _("documents")
        ATTACHMENTS = "attachments", _("discussion attachments")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="folders")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("name"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The folder the files sent with messages are stored in: one per group, made when
    # the first file is attached (resources/attachments.py).
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default="", blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "parent", "name"], name="folder_name_unique_in_parent"
            ),
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(purpose="attachments"),
                name="folder_attachments_once_per_group",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FolderFollow(models.Model):
    """Someone who wants to hear about new documents in a folder (or, without a folder,
    in the whole library of a group)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    folder = models.ForeignKey(
        Folder, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "group", "folder"], name="follow_once"),
            models.UniqueConstraint(
                fields=["user", "group"],
                condition=models.Q(folder__isnull=True),
                name="follow_library_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.folder_id or 'library'} of {self.group_id}"


class Tag(models.Model):
    """A tag is matched by `name`, folded (casefold), so "ESCO" and "esco" are one tag;
    it is shown as `label`, the spelling it was first given."""

    name = models.CharField(max_length=60, unique=True)
    label = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label or self.name


class DocumentQuerySet(models.QuerySet):
    def alive(self) -> "DocumentQuerySet":
        return self.filter(deleted_at=None)

    def readable(self) -> "DocumentQuerySet":
        """Documents not in the trash that the library shows a member of their group: a
        file sent with a message only while that message is shown to every member
        (published, not deleted, not hidden). Until then, and after, it is reached only
        through its message (resources/attachments.py), by those who may see that."""
        shown = MessageAttachment.objects.filter(
            document=OuterRef("pk"),
            message__deleted_at=None,
            message__hidden_at=None,
            message__held_at=None,
            message__seq__gt=0,
        )
        return self.alive().filter(Q(is_attachment=False) | Exists(shown))

    def for_user(self, user) -> "DocumentQuerySet":
        """Documents of the user's groups, and model templates shared with those groups
        or with everyone. Staff see every group's documents. Files sent with messages
        only as readable() says."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.readable()
        groups = Membership.objects.active().filter(user=user).values("group_id")
        return (
            self.readable()
            .filter(
                Q(group_id__in=groups)
                | Q(is_template=True, shared_with_all=True)
                | Q(is_template=True, shared_with__in=groups)
            )
            .distinct()
        )


class Document(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="documents")
    folder = models.ForeignKey(
        Folder, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="documents")
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=[("pl", "Polski"), ("uk", "Українська"), ("en", "English")],
        default="pl",
    )
    is_template = models.BooleanField(_("model template"), default=False)
    shared_with_all = models.BooleanField(_("shared with all groups"), default=False)
    shared_with = models.ManyToManyField(
        Group, blank=True, related_name="shared_templates", verbose_name=_("shared with")
    )
    # An adapted copy remembers the template and the version it was made from.
    source_document = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="adaptations"
    )
    source_version = models.ForeignKey(
        "DocumentVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    current_version = models.ForeignKey(
        "DocumentVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Title, description, tags and the text inside the file, folded (lower case, no
    # diacritics, ł → l) so one search works the same on PostgreSQL and SQLite.
    search_text = models.TextField(blank=True, editable=False)
    content_text = models.TextField(blank=True, editable=False)
    # A file sent with a message: shown as DocumentQuerySet.readable() says.
    is_attachment = models.BooleanField(default=False, editable=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["group", "deleted_at", "-updated_at"]),
            # The latest documents of a group (dashboard, library) in list order, read
            # from the top; `deleted_at IS NULL` alone would not let the first index
            # give this order, and every live document would be read and sorted.
            models.Index(
                fields=["group", "-updated_at", "-id"],
                condition=Q(deleted_at=None),
                name="document_alive_latest_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "resources:document-detail", kwargs={"slug": self.group.slug, "document_id": self.pk}
        )


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    storage_key = models.CharField(max_length=200, unique=True)
    original_name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=120)
    sha256 = models.CharField(max_length=64)
    change_note = models.CharField(_("what changed"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # An image sent with a message: its thumbnail, made on the server without metadata,
    # and the image's own size in pixels.
    thumbnail_key = models.CharField(max_length=200, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"


class UploadSession(models.Model):
    """A file arriving in chunks. The bytes wait in a staging file (local storage) or in
    an S3 multipart upload aimed at `storage_key` until the upload form names the
    session; then they go through the same checks as a file sent in one request. A
    session belongs to the person who started it; one left unfinished is purged."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    received = models.BigIntegerField(default=0)
    chunk_size = models.PositiveIntegerField()
    storage_key = models.CharField(max_length=200, unique=True)
    # With S3: the multipart upload, and [part number, ETag] of each part received.
    s3_upload_id = models.CharField(max_length=300, blank=True)
    s3_parts = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["updated_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.received}/{self.size})"

    @property
    def complete(self) -> bool:
        return self.received == self.size


class MessageAttachment(models.Model):
    """A document shown under a message: a file sent with it (`upload`, a document of
    the group's attachments folder) or a document of the library linked to it (`link`).
    Whoever may see the message may open it; nobody else."""

    class Kind(models.TextChoices):
        UPLOAD = "upload", _("file")
        LINK = "link", _("library document")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["message", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "document"], name="attachment_once_per_message"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} on {self.message_id}"
