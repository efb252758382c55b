#!/bin/sh
# gwd-backup.sh — dump GWD's PostgreSQL database to a dated file and prune old dumps.
#
# Run nightly by gwd-backup.timer / gwd-backup.service (deploy/systemd/), or by hand:
#
#   GWD_BACKUP_DIR=/var/backups/gwd DATABASE_URL=postgres://… deploy/backup/gwd-backup.sh
#
# What it does, stopping with a non-zero exit status at the first failure:
#   1. pg_dump --format=custom of the database into
#      $GWD_BACKUP_DIR/gwd-YYYYmmddTHHMMSSZ.dump (UTC time; written as *.partial and
#      renamed only once complete, so a half-written dump never looks like a backup);
#   2. checks that pg_restore can read the dump's table of contents;
#   3. only then deletes dumps older than $GWD_BACKUP_KEEP_DAYS days.
#
# Environment:
#   DATABASE_URL          the URL GWD itself uses (postgres://user:password@host:5432/name).
#                         Without it, libpq's own PGHOST, PGPORT, PGUSER, PGDATABASE,
#                         PGPASSWORD or ~/.pgpass are used.
#   GWD_BACKUP_DIR        directory for the dumps (required; must exist and be writable).
#   GWD_BACKUP_KEEP_DAYS  how many days of dumps to keep (default 14).
#
# The dump holds the database only. Documents live in S3 (protected by the bucket's
# versioning) or, without S3, in PRIVATE_FILES_ROOT, which your file backup must cover.
# pg_dump must be of the server's major version or newer (postgresql-client-NN).

set -eu
umask 077 # dumps hold personal data: readable by their owner only

die() {
    echo "gwd-backup: $*" >&2
    exit 1
}

here=$(dirname "$0")
[ -r "$here/gwd-pg-env.sh" ] || die "$here/gwd-pg-env.sh is missing (keep the deploy/backup files together)"
# shellcheck source=gwd-pg-env.sh
. "$here/gwd-pg-env.sh"

dir=${GWD_BACKUP_DIR:-}
keep=${GWD_BACKUP_KEEP_DAYS:-14}
[ -n "$dir" ] || die "set GWD_BACKUP_DIR to the backup directory"
if [ ! -d "$dir" ] || [ ! -w "$dir" ]; then die "$dir is not a writable directory"; fi
case $keep in
    '' | *[!0-9]*) die "GWD_BACKUP_KEEP_DAYS=$keep is not a whole number of days" ;;
esac
[ "$keep" -ge 1 ] || die "GWD_BACKUP_KEEP_DAYS must be at least 1"
command -v pg_dump >/dev/null || die "pg_dump not found (install postgresql-client)"

if [ -n "${DATABASE_URL:-}" ]; then
    gwd_pg_env "$DATABASE_URL" || die "DATABASE_URL is not usable"
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
final="$dir/gwd-$stamp.dump"
partial="$final.partial"
# Whatever happens, never leave a partial file behind.
trap 'rm -f "$partial"' EXIT
trap 'exit 1' HUP INT TERM

echo "gwd-backup: dumping $(gwd_pg_describe) to $final"
# --no-password: fail rather than wait for a prompt nobody answers.
# --lock-wait-timeout: fail rather than queue behind a migration holding a lock.
pg_dump --format=custom --no-password --lock-wait-timeout=120s --file="$partial" ||
    die "pg_dump failed; no new backup was written, old backups were kept"
pg_restore --list "$partial" >/dev/null ||
    die "pg_restore cannot read the new dump; old backups were kept"
mv "$partial" "$final"
echo "gwd-backup: wrote $final ($(wc -c <"$final" | tr -d ' ') bytes)"

# Keep $keep days: with nightly dumps, -mtime +(keep-1) deletes dumps that are at
# least $keep days old, which leaves the newest $keep of them.
echo "gwd-backup: deleting dumps at least $keep days old:"
find "$dir" -maxdepth 1 -type f -name 'gwd-*.dump' -mtime +"$((keep - 1))" -print -delete
# Partial files left by a machine that lost power mid-dump.
find "$dir" -maxdepth 1 -type f -name 'gwd-*.dump.partial' -mtime +0 -delete
echo "gwd-backup: done"
