#!/bin/sh
# gwd-restore.sh — restore a dump made by gwd-backup.sh into a given database.
#
# Usage:
#   gwd-restore.sh [--yes] DUMP_FILE TARGET
#
#   DUMP_FILE  a gwd-YYYYmmddTHHMMSSZ.dump file (pg_dump --format=custom)
#   TARGET     postgres://user:password@host:5432/name — or only a database name, in
#              which case host, port, user and password come from DATABASE_URL when it
#              is set, else from libpq's PGHOST/PGPORT/PGUSER/PGPASSWORD or ~/.pgpass.
#   --yes      do not ask for confirmation (for scripts and restore drills).
#
# The restore runs pg_restore --clean --if-exists --no-owner --no-privileges
# --single-transaction:
#   --clean --if-exists  drops each object of the dump before re-creating it, without
#                        errors for objects that do not exist (an empty database);
#   --no-owner           objects belong to the role that restores, so connect as the role
#                        GWD uses (the "gwd" role) and GWD owns its tables afterwards;
#   --no-privileges      no GRANT/REVOKE from the source (GWD needs nothing beyond
#                        ownership, and roles of the old server may not exist here);
#   --single-transaction all or nothing: an error rolls the whole restore back and the
#                        database is left exactly as it was.
# Then it runs ANALYZE, because a restore brings no planner statistics.
#
# Prefer restoring into a freshly created, empty database (createdb -O gwd NAME):
# --clean drops only what the dump contains, so tables that exist in the target but
# not in the dump (say, from a newer migration) would stay behind. Stop GWD first
# (systemctl stop gwd.target) when the target is the database it is using.

set -eu

die() {
    echo "gwd-restore: $*" >&2
    exit 1
}
usage() {
    echo "usage: $0 [--yes] DUMP_FILE TARGET (postgres://user:password@host:5432/name or a database name)" >&2
    exit 2
}

here=$(dirname "$0")
[ -r "$here/gwd-pg-env.sh" ] || die "$here/gwd-pg-env.sh is missing (keep the deploy/backup files together)"
# shellcheck source=gwd-pg-env.sh
. "$here/gwd-pg-env.sh"

yes=0
while [ $# -gt 0 ]; do
    case $1 in
        --yes | -y) yes=1; shift ;;
        -h | --help) usage ;;
        --) shift; break ;;
        -*) echo "gwd-restore: unknown option $1" >&2; usage ;;
        *) break ;;
    esac
done
[ $# -eq 2 ] || usage
dump=$1
target=$2

command -v pg_restore >/dev/null || die "pg_restore not found (install postgresql-client)"
command -v psql >/dev/null || die "psql not found (install postgresql-client)"
if [ ! -f "$dump" ] || [ ! -r "$dump" ]; then die "$dump is not a readable file"; fi
# Reading the table of contents proves the file is a complete custom-format dump.
toc=$(pg_restore --list "$dump") || die "$dump is not a readable pg_dump custom-format file"

case $target in
    *://*)
        gwd_pg_env "$target" || die "TARGET is not a PostgreSQL URL"
        ;;
    *)
        if [ -n "${DATABASE_URL:-}" ]; then
            gwd_pg_env "$DATABASE_URL" || die "DATABASE_URL is not usable"
        fi
        PGDATABASE=$target
        export PGDATABASE
        ;;
esac
[ -n "${PGDATABASE:-}" ] || die "TARGET names no database"

# What is about to happen, from the dump's own header.
echo "Dump:   $dump"
printf '%s\n' "$toc" |
    grep -E '^;[[:space:]]*(Archive created at|dbname:|Dumped from database version:)' |
    sed 's/^;[[:space:]]*/        /'
echo "Target: $(gwd_pg_describe)"
tables=$(psql -X -q -A -t --no-password -v ON_ERROR_STOP=1 \
    -c "select count(*) from pg_tables where schemaname = 'public'") ||
    die "cannot connect to the target database (does it exist? createdb -O gwd $PGDATABASE)"
echo "        now holds $tables table(s) in schema public; objects of the dump will be replaced."

if [ "$yes" -ne 1 ]; then
    [ -t 0 ] || die "not a terminal: confirm with --yes"
    printf 'Type the database name (%s) to restore into it: ' "$PGDATABASE"
    read -r answer || answer=
    [ "$answer" = "$PGDATABASE" ] || die "not confirmed; nothing was changed"
fi

echo "gwd-restore: restoring…"
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
    --no-password --dbname="$PGDATABASE" "$dump" ||
    die "pg_restore failed; the transaction was rolled back and the target is unchanged"
# client_min_messages: a role that is not a superuser may not analyze the shared
# catalogues and would get one warning for each; its own tables are analyzed.
psql -X -q --no-password -v ON_ERROR_STOP=1 -c 'SET client_min_messages = error' -c 'ANALYZE' ||
    die "restored, but ANALYZE failed (run it by hand)"
echo "gwd-restore: done. Next: run 'manage.py migrate' with the current code, then start GWD."
