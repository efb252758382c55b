"""What a message carries besides its text: files sent with it and documents of the
library linked to it.

Messages live here, documents in the library above (resources), so the library fills
this hook from ResourcesConfig.ready() (resources/attachments.py). Without a provider a
message carries nothing and one that names attachments is refused.
"""

from collections.abc import Sequence
from typing import Protocol

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from groups.access import GroupAccess
from groups.models import Group, Message, User
from gwd.errors import ServiceError

# At most this many files and documents under one message.
ATTACHMENTS_MAX = 10


class AttachmentProvider(Protocol):
    def payloads(self, messages: Sequence[Message]) -> dict[int, list[dict]]:
        """{message id: [attachment payload]} for these messages, in one query."""
        ...

    def link(
        self, *, actor: User, message: Message, uploads: list[int], documents: list[int]
    ) -> list[dict]:
        """Attach to a message being written the actor's `uploads` (files they sent
        first, not yet under a message) and `documents` of the group's library; the
        payloads of what it carries now. A ServiceError names a wrong id."""
        ...

    def store_files(self, *, actor: User, group: Group, files: list[UploadedFile]) -> list[int]:
        """Store files sent with a form as uploads of `actor`: their ids, for link()."""
        ...

    def discard(self, *, actor: User, uploads: list[int]) -> None:
        """Remove uploads of `actor` that went under no message after all."""
        ...

    def composer(self, access: GroupAccess, *, query: str | None = None) -> dict:
        """What the reply form offers to attach (documents of the library to link: the
        latest, or those `query` finds, typed into the form without its script)."""
        ...


_provider: AttachmentProvider | None = None


def provider_register(provider: AttachmentProvider) -> None:
    global _provider
    _provider = provider


def attachments_by_message(messages: Sequence[Message]) -> dict[int, list[dict]]:
    if _provider is None or not messages:
        return {}
    return _provider.payloads(messages)


def clean_ids(value: object, *, field: str) -> list[int]:
    """A list of ids from a frame or a form, in order and without repeats."""
    if value is None:
        return []
    if not isinstance(value, list | tuple) or len(value) > ATTACHMENTS_MAX:
        raise ServiceError(
            _("At most %(limit)d attachments go with one message.") % {"limit": ATTACHMENTS_MAX},
            code="invalid",
        )
    ids: list[int] = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int) or not 0 < item < 2**63:
            raise ServiceError(
                _("“%(field)s” must list numbers.") % {"field": field}, code="invalid"
            )
        if item not in ids:
            ids.append(item)
    return ids


def attachments_link(
    *, actor: User, message: Message, uploads: list[int], documents: list[int]
) -> list[dict]:
    if not uploads and not documents:
        return []
    if len(uploads) + len(documents) > ATTACHMENTS_MAX:
        raise ServiceError(
            _("At most %(limit)d attachments go with one message.") % {"limit": ATTACHMENTS_MAX},
            code="invalid",
        )
    if _provider is None:
        raise ServiceError(_("Attachments are not available."), code="invalid")
    return _provider.link(actor=actor, message=message, uploads=uploads, documents=documents)


def files_store(*, actor: User, group: Group, files: list[UploadedFile]) -> list[int]:
    if not files:
        return []
    if _provider is None:
        raise ServiceError(_("Attachments are not available."), code="invalid")
    return _provider.store_files(actor=actor, group=group, files=files)


def uploads_discard(*, actor: User, uploads: list[int]) -> None:
    if _provider is not None and uploads:
        _provider.discard(actor=actor, uploads=uploads)


def composer_context(access: GroupAccess, *, query: str | None = None) -> dict:
    return _provider.composer(access, query=query) if _provider is not None else {}
