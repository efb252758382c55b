"""Writes to people, groups and memberships.

Services take the acting user and check nothing about URLs: the caller has already asked
groups.access for the capability. What a service does check are the rules of the data
itself (the last facilitator stays, an invitation is used once) — it raises
ServiceError with a message fit to show the user, and writes nothing.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import events, tasks
from groups.audit import moderation_log
from groups.models import (
    GROUP_LANGUAGES,
    Group,
    Institution,
    Invitation,
    JoinRequest,
    Membership,
    Role,
    TerritorialUnit,
    User,
)
from groups.services.notifications import notify
from groups.services.units import group_unit_join
from gwd import personal_data
from gwd.commit import after_commit
from gwd.errors import ServiceError

INVITATION_LIFETIME = timedelta(days=14)
BULK_INVITATION_LIMIT = 500


# --- People -----------------------------------------------------------------------


def institution_get_or_create(*, name: str, kind: str, code: str = "") -> Institution:
    """The institution of this name and kind; its code, when it is a known unit's TERYT
    or KATOTTH code, makes it that unit's office.

    For site staff and their commands only: the office of a unit decides who enters the
    unit's figures, so no one's own profile reaches this (profile_update does not)."""
    code = code.strip()
    institution, created = Institution.objects.get_or_create(
        name=name.strip(), kind=kind, defaults={"code": code}
    )
    fields = []
    if not created and code and institution.code != code:
        institution.code = code
        fields.append("code")
    unit = TerritorialUnit.objects.filter(code=code.upper()).first() if code else None
    if unit is not None and institution.unit_id != unit.pk:
        institution.unit = unit
        fields.append("unit")
    if fields:
        institution.save(update_fields=fields)
    return institution


def _profile_institution(*, actor: User, name: str, kind: str, code: str) -> Institution:
    """The institution a person names in their profile, as it is: a profile never
    changes an institution others share, nor makes one a unit's office. A unit's office
    is given to its officials by site staff; naming it is refused to anyone else."""
    name, code = name.strip(), code.strip()
    institution = Institution.objects.filter(name=name, kind=kind).first()
    if institution is None:
        return Institution.objects.create(name=name, kind=kind, code=code)
    if institution.unit_id is not None and actor.institution_id != institution.pk:
        raise ServiceError(
            _(
                "“%(name)s” is the office of a municipality: the Association's staff add its "
                "officials. Write to them, or name your institution differently."
            )
            % {"name": institution.name},
            code="unit_office",
        )
    return institution


@transaction.atomic
def profile_update(
    *,
    actor: User,
    full_name: str,
    position: str,
    language: str,
    time_zone: str,
    institution_name: str = "",
    institution_kind: str = "",
    institution_code: str = "",
) -> User:
    """Change the actor's own profile; the institution is found or created by name and
    kind, and never changed (see _profile_institution). Raises ServiceError, writing
    nothing, when the institution named is a unit's office the actor is not an official of."""
    if institution_name:
        institution = _profile_institution(
            actor=actor, name=institution_name, kind=institution_kind, code=institution_code
        )
    actor.full_name = full_name.strip()
    actor.position = position.strip()
    actor.language = language
    actor.time_zone = time_zone
    if institution_name:
        actor.institution = institution
    else:
        actor.institution = None
    actor.full_clean(exclude=["password"])
    actor.save(update_fields=["full_name", "position", "language", "time_zone", "institution"])
    return actor


def user_language_set(*, actor: User, language: str) -> None:
    if language in User.Language.values and actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])


# --- Groups -----------------------------------------------------------------------


def _require_staff(actor: User) -> None:
    if not actor.is_staff:
        raise ServiceError(_("Only the Association's staff can do this."), code="staff_only")


def _group_texts_set(group: Group, names: dict[str, str], descriptions: dict[str, str]) -> None:
    for code in GROUP_LANGUAGES:
        setattr(group, f"name_{code}", names.get(code, "").strip())
        setattr(group, f"description_{code}", descriptions.get(code, "").strip())


GROUP_TEXT_FIELDS = [
    f"{prefix}_{code}" for prefix in ("name", "description") for code in GROUP_LANGUAGES
]


@transaction.atomic
def group_create(
    *,
    actor: User,
    names: dict[str, str],
    slug: str,
    kind: str,
    descriptions: dict[str, str] | None = None,
    working_languages: list[str] | None = None,
    accepts_join_requests: bool = False,
) -> Group:
    """Site staff create a group; facilitators are appointed separately.

    `names` and `descriptions` map a language code to the text in that language; the
    name in the first working language is required."""
    _require_staff(actor)
    if Group.objects.filter(slug=slug).exists():
        raise ServiceError(_("A group with this address already exists."), code="slug_taken")
    group = Group(
        slug=slug,
        kind=kind,
        working_languages=working_languages or ["pl"],
        accepts_join_requests=accepts_join_requests,
        created_by=actor,
    )
    _group_texts_set(group, names, descriptions or {})
    group.full_clean()
    group.save()
    return group


@transaction.atomic
def group_update(
    *,
    actor: User,
    group: Group,
    names: dict[str, str],
    descriptions: dict[str, str],
    working_languages: list[str],
    accepts_join_requests: bool,
    archived: bool | None = None,
) -> Group:
    """Facilitators change the group's settings; only staff archive or unarchive it.
    The address (slug) never changes, whatever the names become."""
    _group_texts_set(group, names, descriptions)
    group.working_languages = working_languages
    group.accepts_join_requests = accepts_join_requests
    fields = [*GROUP_TEXT_FIELDS, "working_languages", "accepts_join_requests"]
    if archived is not None and archived != group.archived:
        _require_staff(actor)
        group.archived = archived
        fields.append("archived")
    group.full_clean()
    group.save(update_fields=fields)
    return group


def _membership_activate(*, user: User, group: Group, role: str) -> Membership:
    """Make `user` an active member with `role`, reviving a removed membership if any."""
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user,
        group=group,
        defaults={"role": role, "institution": user.institution},
    )
    if not created:
        membership.role = role
        membership.status = Membership.Status.ACTIVE
        membership.removed_at = None
        membership.removed_by = None
        membership.joined_at = timezone.now()
        membership.institution = membership.institution or user.institution
        membership.save(
            update_fields=[
                "role",
                "status",
                "removed_at",
                "removed_by",
                "joined_at",
                "institution",
            ]
        )
    # The municipality joins with its first official and stays when they go. An
    # institution's unit is only ever set by site staff (never from a profile), so
    # this joins no municipality a person merely claimed.
    unit = membership.institution.unit if membership.institution else None
    if unit is not None:
        group_unit_join(group=group, unit=unit)
    return membership


def _active_facilitators(group: Group):
    return Membership.objects.filter(
        group=group, role=Role.FACILITATOR, status=Membership.Status.ACTIVE
    )


@transaction.atomic
def facilitator_appoint(*, actor: User, group: Group, email: str) -> Membership | Invitation:
    """Make someone a facilitator (site staff, or a facilitator naming a co-facilitator).

    An active member of the group is promoted at once. Anyone else — an account in other
    groups, a former member, an address without an account — gets an invitation with the
    facilitator role and joins only by accepting it: no one is put into a group without
    their consent. The caller learns nothing about whether an account exists: the answer
    for a non-member is an invitation either way.
    """
    email = _normalise_email(email)
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(group=group, user__email__iexact=email, status=Membership.Status.ACTIVE)
        .first()
    )
    if membership is None:
        outcome, invitation = invitation_create(
            actor=actor, group=group, email=email, role=Role.FACILITATOR
        )
        assert invitation is not None, outcome
        return invitation
    if membership.role != Role.FACILITATOR:
        membership.role = Role.FACILITATOR
        membership.save(update_fields=["role"])
        after_commit(lambda: tasks.facilitator_appointed_email.enqueue(membership_id=membership.pk))
    return membership


# --- Invitations ------------------------------------------------------------------


def _normalise_email(email: str) -> str:
    email = email.strip().strip("<>").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ServiceError(_("This is not a valid e-mail address."), code="invalid_email") from None
    return email


class InvitationOutcome:
    INVITED = "invited"
    REINVITED = "reinvited"  # a pending invitation existed: it was renewed and re-sent
    ALREADY_MEMBER = "already_member"
    INVALID = "invalid"


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    group: Group,
    email: str,
    role: str = Role.MEMBER,
    language: str | None = None,
) -> tuple[str, Invitation | None]:
    """Invite `email` to `group` with `role` and send the e-mail after commit.

    Returns the outcome (InvitationOutcome) and the invitation, if one was sent. A person
    who is already an active member is not invited again; a pending invitation to the same
    address is renewed and sent again rather than duplicated.
    """
    try:
        email = _normalise_email(email)
    except ServiceError:
        return InvitationOutcome.INVALID, None
    if role not in Role.values:
        raise ServiceError(_("Choose a role."), code="invalid_role")
    if Membership.objects.filter(
        group=group, user__email__iexact=email, status=Membership.Status.ACTIVE
    ).exists():
        return InvitationOutcome.ALREADY_MEMBER, None

    existing_user = User.objects.filter(email__iexact=email).first()
    if language is None:
        language = existing_user.language if existing_user else _group_language(group)
    now = timezone.now()
    pending = (
        Invitation.objects.select_for_update()
        .filter(group=group, email=email, accepted_at=None, revoked_at=None, expires_at__gt=now)
        .first()
    )
    if pending is not None:
        pending.role = role
        pending.inviter = actor
        pending.language = language
        pending.expires_at = now + INVITATION_LIFETIME
        pending.save(update_fields=["role", "inviter", "language", "expires_at"])
        invitation, outcome = pending, InvitationOutcome.REINVITED
    else:
        invitation = Invitation.objects.create(
            email=email,
            group=group,
            role=role,
            language=language,
            token=secrets.token_urlsafe(32),
            inviter=actor,
            expires_at=now + INVITATION_LIFETIME,
        )
        outcome = InvitationOutcome.INVITED
    after_commit(lambda: tasks.invitation_email.enqueue(invitation_id=invitation.pk))
    return outcome, invitation


def _group_language(group: Group) -> str:
    languages = [code for code in group.working_languages if code in User.Language.values]
    return languages[0] if languages else "pl"


@dataclass(frozen=True)
class BulkLine:
    line: str
    outcome: str


def parse_email_list(text: str) -> list[str]:
    """Addresses from a pasted list or a CSV file: one per line, or separated by commas,
    semicolons or spaces; CSV columns without an @ (names, headers) are ignored."""
    entries: list[str] = []
    for raw_line in text.splitlines():
        parts = [p.strip().strip('"').strip() for p in raw_line.replace(";", ",").split(",")]
        candidates = [p for p in parts if p]
        if len(candidates) > 1:
            # A row of columns: keep the addresses; a header or a name-only row adds none.
            candidates = [p for p in candidates if "@" in p]
        for candidate in candidates:
            entries.extend(candidate.split())
    return entries


def invitations_bulk_create(
    *, actor: User, group: Group, emails: list[str], role: str = Role.MEMBER
) -> list[BulkLine]:
    """Invite every address in `emails` and report the outcome line by line.

    Duplicates within the list are reported once as invited and then as already invited.
    """
    if len(emails) > BULK_INVITATION_LIMIT:
        raise ServiceError(
            _("Invite at most %(limit)d addresses at a time.") % {"limit": BULK_INVITATION_LIMIT},
            code="too_many",
        )
    results: list[BulkLine] = []
    seen: set[str] = set()
    for line in emails:
        key = line.strip().lower()
        if key in seen:
            results.append(BulkLine(line, InvitationOutcome.REINVITED))
            continue
        seen.add(key)
        outcome, _invitation = invitation_create(actor=actor, group=group, email=line, role=role)
        results.append(BulkLine(line, outcome))
    return results


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise ServiceError(_("This invitation has already been accepted."), code="used")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


def invitation_check(*, invitation: Invitation | None, user: User | None = None) -> Invitation:
    """The invitation if it can still be accepted (by `user`, when given), else ServiceError."""
    if invitation is None:
        raise ServiceError(_("This invitation link is not valid."), code="unknown")
    if invitation.accepted_at is not None:
        raise ServiceError(_("This invitation has already been used."), code="used")
    if invitation.revoked_at is not None:
        raise ServiceError(_("This invitation has been withdrawn."), code="revoked")
    if invitation.expires_at <= timezone.now():
        raise ServiceError(
            _("This invitation has expired. Ask the facilitator for a new one."), code="expired"
        )
    if invitation.group.archived:
        raise ServiceError(_("This group has been archived."), code="archived")
    if user is not None and user.email.lower() != invitation.email.lower():
        raise ServiceError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
            % {"email": invitation.email},
            code="other_email",
        )
    return invitation


@transaction.atomic
def invitation_accept(*, actor: User, token: str) -> Membership:
    """Accept the invitation with `token` as `actor`, whose address it must have been sent to.

    Single use: a second attempt, even by the same person, is refused. An actor who is
    already an active member keeps their role; the invitation is used up all the same.
    """
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("group")
        .filter(token=token)
        .first()
    )
    invitation_check(invitation=invitation, user=actor)
    assert invitation is not None
    membership = Membership.objects.filter(
        user=actor, group=invitation.group, status=Membership.Status.ACTIVE
    ).first()
    if membership is None:
        membership = _membership_activate(user=actor, group=invitation.group, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


# --- Membership -------------------------------------------------------------------


@transaction.atomic
def membership_role_change(*, actor: User, membership: Membership, role: str) -> Membership:
    """Give a member another role; the group always keeps at least one facilitator."""
    if role not in Role.values:
        raise ServiceError(_("Choose a role."), code="invalid_role")
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "group")
        .get(pk=membership.pk)
    )
    if not membership.is_active:
        raise ServiceError(_("This person is no longer a member."), code="not_member")
    if membership.role == role:
        return membership
    if membership.role == Role.FACILITATOR and role != Role.FACILITATOR:
        _keep_one_facilitator(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    _tell_member("role_changed", membership.user, membership.group, actor, role=role)
    return membership


def _tell_member(kind: str, user: User, group: Group, actor: User, **params) -> None:
    notify(
        kind=kind,
        group=group,
        users=[user],
        actor=actor,
        params={"group": group.display_name, **params},
        url=group.get_absolute_url() if kind != "removed" else "",
    )


def _keep_one_facilitator(leaving: Membership) -> None:
    others = _active_facilitators(leaving.group).exclude(pk=leaving.pk).select_for_update().count()
    if others == 0:
        raise ServiceError(
            _("A group needs at least one facilitator. Appoint another one first."),
            code="last_facilitator",
        )


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership, reason: str = "") -> Membership:
    """Remove a member from the group. Their contributions stay; their access ends, and
    their open sockets on the group close."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("group", "user")
        .get(pk=membership.pk)
    )
    if not membership.is_active:
        raise ServiceError(_("This person is no longer a member."), code="not_member")
    if membership.role == Role.FACILITATOR:
        _keep_one_facilitator(membership)
    membership.status = Membership.Status.REMOVED
    membership.removed_at = timezone.now()
    membership.removed_by = actor
    membership.save(update_fields=["status", "removed_at", "removed_by"])
    moderation_log(
        actor=actor,
        group=membership.group,
        kind="remove",
        target=membership.user,
        label=membership.user.full_name,
        reason=reason,
    )
    _tell_member("removed", membership.user, membership.group, actor)
    group_id, user_id = membership.group_id, membership.user_id
    # Open sockets close at once; the handshake refuses the next one.
    after_commit(lambda: events.close_member_sockets(group_id, user_id))
    return membership


@transaction.atomic
def membership_leave(*, actor: User, group: Group) -> Membership:
    """The actor leaves the group; the last facilitator cannot."""
    membership = (
        Membership.objects.select_for_update()
        .filter(user=actor, group=group, status=Membership.Status.ACTIVE)
        .first()
    )
    if membership is None:
        raise ServiceError(_("You are not a member of this group."), code="not_member")
    if membership.role == Role.FACILITATOR:
        _keep_one_facilitator(membership)
    membership.status = Membership.Status.REMOVED
    membership.removed_at = timezone.now()
    membership.removed_by = actor
    membership.save(update_fields=["status", "removed_at", "removed_by"])
    group_id = group.pk
    after_commit(lambda: events.close_member_sockets(group_id, actor.pk))
    return membership


# --- Join requests ----------------------------------------------------------------


@transaction.atomic
def join_request_create(*, actor: User, group: Group, message: str = "") -> JoinRequest:
    if not group.accepts_join_requests or group.archived:
        raise ServiceError(_("This group does not accept requests to join."), code="closed")
    if Membership.objects.filter(user=actor, group=group, status=Membership.Status.ACTIVE).exists():
        raise ServiceError(_("You are already a member of this group."), code="already_member")
    if len(message) > 2000:
        raise ServiceError(_("The message is too long."), code="too_long")
    try:
        with transaction.atomic():
            return JoinRequest.objects.create(user=actor, group=group, message=message.strip())
    except IntegrityError:
        raise ServiceError(
            _("You have already asked to join; a facilitator will decide soon."), code="pending"
        ) from None


@transaction.atomic
def join_request_decide(*, actor: User, join_request: JoinRequest, approve: bool) -> JoinRequest:
    """Approve (the person becomes a member) or decline a pending request; the person is
    told by e-mail in their language."""
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        raise ServiceError(_("This request has already been decided."), code="decided")
    if approve:
        _membership_activate(user=join_request.user, group=join_request.group, role=Role.MEMBER)
        join_request.status = JoinRequest.Status.APPROVED
        _tell_member("joined", join_request.user, join_request.group, actor)
    else:
        join_request.status = JoinRequest.Status.DECLINED
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at"])
    after_commit(lambda: tasks.join_request_decided_email.enqueue(join_request_id=join_request.pk))
    return join_request


# --- Personal data ----------------------------------------------------------------


def account_delete(*, actor: User, user: User | None = None) -> None:
    """Delete an account and its personal data: the actor's own, or — by site staff —
    `user`'s. Every section of the export is removed or anonymised (gwd.personal_data
    says how, and what is kept and why). Their messages stay, signed "former member", so
    discussions keep their sense. The last facilitator of a group must hand over first,
    so no group is left without one."""
    user = user or actor
    if user.pk != actor.pk:
        _require_staff(actor)
    for membership in (
        Membership.objects.select_for_update()
        .filter(user=user, status=Membership.Status.ACTIVE, role=Role.FACILITATOR)
        .select_related("group")
    ):
        others = _active_facilitators(membership.group).exclude(pk=membership.pk).count()
        if others == 0:
            if user.pk == actor.pk:
                message = _(
                    "You are the last facilitator of “%(group)s”. Appoint another one first."
                )
            else:
                message = _(
                    "%(name)s is the last facilitator of “%(group)s”. Appoint another one first."
                )
            raise ServiceError(
                message % {"group": membership.group.display_name, "name": user.full_name},
                code="last_facilitator",
            )
    personal_data.erase(user)
    user.delete()
