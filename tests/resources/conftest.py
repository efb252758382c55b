from tests.groups.conftest import (  # noqa: F401 — the group cast, shared
    facilitator,
    group,
    group_factory,
    kielce,
    login,
    member,
    member_factory,
    observer,
    other_group,
    outsider,
)
