import pytest
from django.utils import translation

from decisions import services
from groups.access import group_access


@pytest.fixture
def access_of():
    """access_of(user, group) → what the user may do in the group (at least view)."""

    def find(user, group):
        return group_access(user=user, slug=group.slug, capability="view")

    return find


@pytest.fixture
def poll_factory(access_of, facilitator, group):
    """poll_factory(kind=..., **rules) → a poll the group's facilitator started."""

    def make(kind="single", *, actor=None, target_group=None, **fields):
        actor = actor or facilitator
        target = target_group or group
        fields.setdefault("title", "Który model umowy ESCO przyjmujemy?")
        if kind in ("single", "multiple", "score", "ranked"):
            fields.setdefault("options", ["Model A", "Model B", "Model C"])
        return services.poll_create(
            actor=actor, access=access_of(actor, target), kind=kind, **fields
        )

    return make


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the messages in English, the language the code is written in:
    the catalogues' own tests check the Polish and Ukrainian."""
    with translation.override("en"):
        yield


@pytest.fixture
def user_factory(user_factory):
    """People who read GWD in English unless a test says otherwise."""

    def make(**fields):
        fields.setdefault("language", "en")
        return user_factory(**fields)

    return make
