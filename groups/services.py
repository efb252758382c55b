"""Writes to people and groups. Every function here is the one place its change happens."""

from django.db import transaction

from groups.models import Institution, User


def institution_get_or_create(*, name: str, kind: str, code: str = "") -> Institution:
    institution, created = Institution.objects.get_or_create(
        name=name.strip(), kind=kind, defaults={"code": code.strip()}
    )
    if not created and code and institution.code != code.strip():
        institution.code = code.strip()
        institution.save(update_fields=["code"])
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
    """Change the actor's own profile; the institution is found or created by name and kind."""
    actor.full_name = full_name.strip()
    actor.position = position.strip()
    actor.language = language
    actor.time_zone = time_zone
    if institution_name:
        actor.institution = institution_get_or_create(
            name=institution_name, kind=institution_kind, code=institution_code
        )
    else:
        actor.institution = None
    actor.full_clean(exclude=["password"])
    actor.save(update_fields=["full_name", "position", "language", "time_zone", "institution"])
    return actor


def user_language_set(*, actor: User, language: str) -> None:
    if language in User.Language.values and actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])
