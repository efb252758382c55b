"""Statements the ORM builds once, given their parameters at each use.

Building a statement through the ORM (resolving its expressions, compiling its SQL) cost
a search more CPU than PostgreSQL took to run several of them (docs/performance.md, (c)).
A statement whose shape does not change from request to request is built once with
placeholders, values no real parameter takes, and each use puts its own values where
those landed among the parameters.
"""

from collections.abc import Callable
from typing import Any

from django.db import connection


class Statement:
    """The statement `build(*placeholders)` returns, as (sql, params), each placeholder
    found exactly once among its parameters."""

    def __init__(self, build: Callable[..., tuple[str, list]], *placeholders: Any) -> None:
        self.sql, params = build(*placeholders)
        self.params = list(params)
        self.places = []
        for placeholder in placeholders:
            # By type as well: True == 1, and a flag is not an id.
            places = [
                n
                for n, param in enumerate(self.params)
                if type(param) is type(placeholder) and param == placeholder
            ]
            if len(places) != 1:
                raise ValueError(f"the statement does not hold {placeholder!r} once")
            self.places.append(places[0])

    def of(self, *values: Any) -> tuple[str, list]:
        params = list(self.params)
        for place, value in zip(self.places, values, strict=True):
            params[place] = value
        return self.sql, params


def executed(run: Callable[[], object]) -> tuple[str, list]:
    """The one statement `run` executes, as (sql, params): for what the ORM only
    executes, never returns (an aggregate)."""
    seen: list[tuple[str, list]] = []

    def capture(execute, sql, params, many, context):
        seen.append((sql, list(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        run()
    if len(seen) != 1:
        raise ValueError(f"expected one statement, {len(seen)} were executed")
    return seen[0]
