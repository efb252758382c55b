"""On PostgreSQL a statement a connection runs again and again is prepared, so it is
planned once per connection (gwd.settings, DATABASE_PREPARED_STATEMENTS)."""

import pytest
from django.db import connection

from groups.models import Group

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no prepared statements to keep; the PostgreSQL run checks them",
)


def prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_a_statement_run_five_times_is_prepared_with_its_parameters_apart(group):
    for _ in range(6):
        assert Group.objects.filter(slug=group.slug).exists()
    statements = [sql for sql in prepared() if '"groups_group"."slug" =' in sql]
    assert statements, "the group's lookup is prepared"
    # The slug is a parameter of the prepared statement, not written into it: another
    # group's lookup is the same statement.
    assert all(group.slug not in sql for sql in statements)
