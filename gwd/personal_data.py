"""Everything GWD keeps about a person: the export (GDPR articles 15 and 20) and what
account deletion removes or anonymises.

Each app registers a section per kind of record it keeps about people — how to export
it, how to erase it, and which relations to the user it covers ("app.Model.field") —
from its AppConfig.ready(), in its own personal_data module. This registry sits below
every app and imports none of them. A relation to the user that no
section exports is listed with `omit()` and the reason; a test walks every model and
fails on a relation that is neither, so a new model cannot be forgotten.

On deletion, a section without an `erase` function relies on the user row's own
`on_delete` (CASCADE removes the rows, SET_NULL unlinks them: a message stays, signed
"former member"); one with `kept` is retained on purpose, for the reason given.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

Exporter = Callable[[Any], object]
Eraser = Callable[[Any], object]


@dataclass(frozen=True)
class Section:
    name: str
    covers: tuple[str, ...]
    export: Exporter
    erase: Eraser | None = None
    kept: str = ""


_sections: dict[str, Section] = {}
_omissions: dict[str, str] = {}


def register(
    name: str,
    *,
    covers: Iterable[str],
    export: Exporter,
    erase: Eraser | None = None,
    kept: str = "",
) -> None:
    """Add (or replace) the section `name` of the export."""
    _sections[name] = Section(name, tuple(covers), export, erase, kept)


def omit(field: str, reason: str) -> None:
    """Declare that the relation `field` ("app.Model.field") is not exported, and why."""
    _omissions[field] = reason


def sections() -> list[Section]:
    return list(_sections.values())


def covered() -> set[str]:
    return {field for section in _sections.values() for field in section.covers}


def omissions() -> dict[str, str]:
    return dict(_omissions)


def export(user: Any) -> dict:
    """Every section for `user`, in the order the apps registered them."""
    return {section.name: section.export(user) for section in _sections.values()}


def erase(user: Any) -> None:
    """Run every section's eraser; call inside the transaction that deletes the user."""
    for section in _sections.values():
        if section.erase is not None:
            section.erase(user)


def when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value else None
