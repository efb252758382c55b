"""Who may do what in a group — the one module that decides.

Every id that arrives in a URL, a form or a websocket frame becomes a group-owned object
only through the functions here. A person who is not a member and an object that does
not exist get the same 404, so an outsider learns nothing from probing; a member whose
role is too low gets a 403.

The permission table below is the whole policy. docs/permissions.md is rendered from it
(`manage.py permissions_doc`) and the isolation tests are generated from it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Concatenate, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.validators import slug_re
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _

from groups.models import Group, Membership, Message, MessageQuerySet, Role, User
from gwd.gate import site_refusal


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind login_required or group_view: someone signed in."""

    user: User


class Capability(StrEnum):
    VIEW = "view"  # read the group: dashboard, members, threads, documents, meetings
    POST = "post"  # write in discussions, react, register for meetings
    UPLOAD = "upload"  # add documents and versions to the library
    MODERATE = "moderate"  # hide messages, lock threads, mute, handle reports
    MANAGE = "manage"  # invite, change roles, remove members, decide join requests, settings
    REPORT = "report"  # enter the figures of the municipality one represents in a data round


CAPABILITY_LABELS = {
    Capability.VIEW: _("view"),
    Capability.POST: _("post"),
    Capability.UPLOAD: _("upload"),
    Capability.MODERATE: _("moderate"),
    Capability.MANAGE: _("manage"),
    Capability.REPORT: _("report figures"),
}

# Site staff (the Association's employees) act in every group as its administrators,
# whether or not they are members.
STAFF = "staff"

ALL = frozenset(Capability)
PERMISSIONS: dict[str, frozenset[Capability]] = {
    Role.FACILITATOR: ALL,
    Role.MEMBER: frozenset(
        {Capability.VIEW, Capability.POST, Capability.UPLOAD, Capability.REPORT}
    ),
    Role.OBSERVER: frozenset({Capability.VIEW}),
    STAFF: frozenset({Capability.VIEW, Capability.MODERATE, Capability.MANAGE}),
}

# An archived group is kept for reference: it can be read and managed (to unarchive it),
# nothing else.
ARCHIVED_ALLOWS = frozenset({Capability.VIEW, Capability.MANAGE})


@dataclass(frozen=True)
class RowRule:
    """Who may change a row one person added: its author, holding `author`; anyone else,
    holding `others`. A row other groups use too (a model template shared with them)
    changes for all of them, so only those holding `shared` in its own group change it."""

    author: Capability
    others: Capability
    shared: Capability
    covers: str  # what the rule is about, for docs/permissions.md


# Rules for changing one row, on top of the capability a page needs. A view that applies
# one declares it (group_view(..., row=...)) and checks it with GroupAccess.may_change.
ROW_RULES: dict[str, RowRule] = {
    "document": RowRule(
        author=Capability.UPLOAD,
        others=Capability.MANAGE,
        shared=Capability.MANAGE,
        covers="rename, describe, tag, move or trash a document, upload a new version; "
        "shared: a model template",
    ),
    "folder": RowRule(
        author=Capability.UPLOAD,
        others=Capability.MANAGE,
        shared=Capability.MANAGE,
        covers="rename, move or delete a folder of the library (deleted only when empty)",
    ),
    "trash": RowRule(
        author=Capability.UPLOAD,
        others=Capability.MANAGE,
        shared=Capability.MANAGE,
        covers="see and restore a document in the trash; its author is who moved it there",
    ),
    "poll": RowRule(
        author=Capability.POST,
        others=Capability.MANAGE,
        shared=Capability.MANAGE,
        covers="close a poll before its closing time",
    ),
    # A municipality's figures are its officials' to enter (author: a member whose
    # institution is the municipality's office, which only site staff make it: a
    # profile can neither name such an office nor give an institution a unit); a
    # facilitator may correct any, and every change keeps its author in the history.
    "figures": RowRule(
        author=Capability.REPORT,
        others=Capability.MANAGE,
        shared=Capability.MANAGE,
        covers="enter, save and submit a municipality's figures in a data round, and the "
        "figures of its districts; its author "
        "is any official who represents the municipality in the group: a member whose "
        "institution site staff made the municipality's office (a profile cannot)",
    ),
    # Deleting for good goes through the trash (`upload`), so it is done where the trash
    # can be seen: not in an archived group, not by site staff who are not members.
    "purge": RowRule(
        author=Capability.MANAGE,
        others=Capability.MANAGE,
        shared=Capability.MANAGE,
        covers="delete a document in the trash for good, every version with it",
    ),
}


def capabilities(*, user: User, group: Group, membership: Membership | None) -> frozenset:
    allowed: frozenset[Capability] = frozenset()
    if membership is not None and membership.is_active:
        allowed |= PERMISSIONS[membership.role]
    if user.is_staff:
        allowed |= PERMISSIONS[STAFF]
    if group.archived:
        allowed &= ARCHIVED_ALLOWS
    return allowed


@dataclass(frozen=True)
class GroupAccess:
    """What one person may do in one group, found once per request or socket action."""

    user: User
    group: Group
    membership: Membership | None
    allowed: frozenset[Capability]

    def can(self, capability: Capability | str) -> bool:
        return Capability(capability) in self.allowed

    # For templates, which cannot pass arguments to can().
    @property
    def can_post(self) -> bool:
        return Capability.POST in self.allowed

    @property
    def can_upload(self) -> bool:
        return Capability.UPLOAD in self.allowed

    @property
    def can_moderate(self) -> bool:
        return Capability.MODERATE in self.allowed

    @property
    def can_manage(self) -> bool:
        return Capability.MANAGE in self.allowed

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    def require(self, capability: Capability | str) -> None:
        if not self.can(capability):
            raise PermissionDenied

    def may_change(self, rule: str, *, author_id: int | None, shared: bool = False) -> bool:
        """Whether this person may change a row of ROW_RULES[rule] added by `author_id`,
        `shared` when other groups use it too."""
        row = ROW_RULES[rule]
        if shared:
            return self.can(row.shared)
        return self.can(row.others) or (author_id == self.user.pk and self.can(row.author))

    def require_change(self, rule: str, *, author_id: int | None, shared: bool = False) -> None:
        if not self.may_change(rule, author_id=author_id, shared=shared):
            raise PermissionDenied


def group_access(*, user: User, slug: str, capability: Capability | str) -> GroupAccess:
    """The group with this slug as seen by `user`, who must hold `capability`.

    Raises Http404 when the group does not exist or the user is neither a member nor
    staff, or may not use the site now (gwd.gate: staff without a second factor), and
    PermissionDenied when the user may see the group but not do this.
    """
    if not user.is_authenticated:
        raise Http404
    if user.is_staff and site_refusal(user) is not None:
        raise Http404
    if not isinstance(slug, str) or not slug_re.fullmatch(slug):
        raise Http404  # a slug from a form can hold anything, a NUL PostgreSQL refuses
    # A member's group and membership in one statement, as every group page begins.
    membership = (
        Membership.objects.filter(user=user, group__slug=slug, status=Membership.Status.ACTIVE)
        .select_related("group", "institution")
        .first()
    )
    if membership is not None:
        group = membership.group
    elif user.is_staff:
        found = Group.objects.filter(slug=slug).first()
        if found is None:
            raise Http404
        group = found
    else:
        raise Http404  # no such group, or not theirs: the same answer
    access = GroupAccess(
        user=user,
        group=group,
        membership=membership,
        allowed=capabilities(user=user, group=group, membership=membership),
    )
    if Capability.VIEW not in access.allowed:
        raise Http404
    access.require(capability)
    return access


def group_object_get[M: Model](
    access: GroupAccess,
    queryset: QuerySet[M],
    pk: object,
    *,
    group_field: str = "group",
    pk_field: str = "pk",
) -> M:
    """A row of `queryset` that belongs to the accessed group, or Http404.

    `group_field` names the path from the row to its group, e.g. "thread__group";
    `pk_field` the field the id is looked up in (a membership by "user_id", say).
    An id that exists in another group is treated exactly like one that does not exist.
    """
    # get() raises its model's DoesNotExist, an ObjectDoesNotExist: the base class is the
    # one the type checker knows for any model.
    try:
        row = queryset.get(**{pk_field: pk, group_field: access.group})
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
        # OverflowError: an id past 64 bits looked up through a foreign key, which SQLite
        # refuses to bind (the primary key's own lookup is guarded by Django).
        raise Http404 from None
    if group_field == "group" and getattr(row, "group_id", None) == access.group.pk:
        # The row's group is the one just read: a link to the row (its URL names the
        # group's slug) then costs no query of its own.
        row.group = access.group  # type: ignore[attr-defined]
    return row


def message_get(access: GroupAccess, queryset: MessageQuerySet, pk: object) -> Message:
    """A message of the accessed group that the thread page shows this person, or
    Http404: a message held for review exists only for its author and moderators."""
    visible = queryset.visible_to(access.user, moderator=access.can_moderate)
    return group_object_get(access, visible, pk)


def group_view[**P](
    capability: Capability | str, *, row: str | None = None
) -> Callable[
    [Callable[Concatenate[AuthenticatedHttpRequest, GroupAccess, P], HttpResponseBase]],
    Callable[Concatenate[HttpRequest, str, P], HttpResponseBase],
]:
    """Decorate a view whose URL carries `slug`: it receives `access` and runs only for a
    person holding `capability`. Anonymous visitors are sent to sign in.

    `row` names the rule of ROW_RULES the view applies, with access.require_change, to
    the row it changes. The capability and the rule are recorded on the view so the
    isolation walk can check every URL.
    """
    capability = Capability(capability)
    if row is not None and row not in ROW_RULES:
        raise ValueError(f"no row rule {row!r}")

    def decorator(
        view: Callable[Concatenate[AuthenticatedHttpRequest, GroupAccess, P], HttpResponseBase],
    ) -> Callable[Concatenate[HttpRequest, str, P], HttpResponseBase]:
        @functools.wraps(view)
        def wrapper(
            request: HttpRequest, slug: str, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            access = group_access(user=user, slug=slug, capability=capability)
            # Signed in, checked just above: mypy narrows request.user, not the request.
            return view(cast(AuthenticatedHttpRequest, request), access, *args, **kwargs)

        wrapper.group_capability = capability  # type: ignore[attr-defined]
        wrapper.group_row_rule = row  # type: ignore[attr-defined]
        return wrapper

    return decorator


def group_for_joining(*, user: User, slug: str) -> Group:
    """A group a non-member may ask to join: it must accept requests and not be archived.

    Any other group is a 404, exactly as for an unknown slug.
    """
    group = Group.objects.filter(slug=slug, accepts_join_requests=True, archived=False).first()
    if group is None:
        raise Http404
    return group


def permission_table_markdown() -> str:
    """docs/permissions.md, rendered from PERMISSIONS."""
    roles = [Role.FACILITATOR, Role.MEMBER, Role.OBSERVER, STAFF]
    names = {
        Role.FACILITATOR: "facilitator",
        Role.MEMBER: "member",
        Role.OBSERVER: "observer",
        STAFF: "site staff",
    }
    lines = [
        "# Permissions",
        "",
        "Rendered from `groups/access.py` by `python manage.py permissions_doc`; do not edit",
        "by hand. A person who is not a member of a group (and not site staff) gets 404 for",
        "everything in it, the same as for a group that does not exist; a member whose role",
        "lacks the capability gets 403. An archived group allows only "
        + ", ".join(f"`{c}`" for c in sorted(ARCHIVED_ALLOWS))
        + ".",
        "",
        "| capability | " + " | ".join(names[r] for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for capability in Capability:
        cells = ["yes" if capability in PERMISSIONS[r] else "—" for r in roles]
        lines.append(f"| `{capability}` | " + " | ".join(cells) + " |")
    lines += [
        "",
        "What each capability covers:",
        "",
        "- `view`: the dashboard, member directory, discussions, library and meetings.",
        "- `post`: write and react in discussions, register for meetings.",
        "- `upload`: add documents to the library, and new versions of one's own (below).",
        "- `moderate`: hide messages, lock and pin threads, mute members, handle reports.",
        "- `manage`: invite, change roles, remove members, decide join requests, settings;",
        "  add a member municipality from the register, mark one as having left (its",
        "  figures stay but are no longer compared) or re-admit it; write the outcome of a",
        "  poll; open data rounds, verify or send back figures, see the history of a value,",
        "  adopt and add the group's indicators.",
        "- `report`: enter the figures of the municipality one represents (below); members",
        "  and observers alike read the figures of the group.",
        "",
        "Two settings of a group change who may take part in its polls (the decisions app",
        "applies them on top of the table): who may start a poll, facilitators only",
        "(`moderate`, the default) or members too (`post`); and whether observers vote,",
        "which lets them vote (not start polls) in a group that is not archived. Voting",
        "needs `post` otherwise.",
        "",
        "## Changing someone else's rows",
        "",
        "On top of the capability its page needs, changing one of these rows needs the",
        "capability below: its author's, or the one for anyone else's rows. A row that other",
        "groups use too (shared) changes for all of them, so then only the shared capability",
        "in the row's own group counts, whoever added it. A person without it gets 403.",
        "",
        "| row | author | anyone else | shared | covers |",
        "|---|---|---|---|---|",
    ]
    for name, rule in ROW_RULES.items():
        lines.append(
            f"| {name} | `{rule.author}` | `{rule.others}` | `{rule.shared}` | {rule.covers} |"
        )
    lines += [
        "",
        "## Attachments of messages",
        "",
        "A file sent with a message, and a library document linked to one, opens for whoever",
        "may see the message, and for nobody else: not under a deleted message, under a",
        "hidden one only for those who `moderate`, under one held for review only for its",
        "author and those who `moderate`. Sending a file needs `upload` and `post`; linking",
        "a document needs `post`, and only documents of the group's own library are offered",
        "or accepted. Files sent with messages are documents of the library's attachments",
        "folder: the library lists and searches them only while their message is shown to",
        "every member; before the message is sent only its sender may name the file.",
        "",
        "Group pages, the capability each needs and the row rule it applies are listed in",
        "`tests/groups/test_isolation.py`'s walk, which reads them from the views.",
        "",
    ]
    return "\n".join(lines)
