#!/usr/bin/env bash
# Logical backup of the yorisoi database: one pg_dump custom-format file (compressed, restorable with
# pg_restore into an empty database of a fresh cluster) and a manifest beside it.
#   PGSERVICE=yorisoi backup.sh OUTPUT_DIR        (or PGHOST=… PGPORT=… PGUSER=… PGDATABASE=… backup.sh …)
# The database is named only by libpq's environment variables (PGSERVICE with a pg_service.conf, or
# PGHOST, PGPORT, PGUSER, PGDATABASE, PGSSLMODE, …), and the password comes from ~/.pgpass, PGPASSFILE or
# the service file: nothing about the connection is on a command line, where `ps` would show it to
# every local user. Writes OUTPUT_DIR/yorisoi-<UTC time>.dump and .manifest (SHA-256 of the dump, server
# version, newest migration, the encryption key ids the rows need), readable by the owner only (a new
# OUTPUT_DIR is mode 700, the files 600). Exit 0 only when both are complete; a partial dump is removed.
# The dump is written by a read-only snapshot: the service keeps running meanwhile.
#
# THE DUMP ALONE IS NOT ENOUGH. Messages and LINE user ids are sealed with the encryption keys, and
# residents are found by an HMAC with the pseudonym pepper; both live outside the database (the
# YORISOI_ENCRYPTION_KEYS / _PEPPER secrets or credential files). Keep a copy of every key id the
# manifest lists and of the pepper with the backups, in a different place from the dumps (a safe, an
# HSM, a secrets manager): without them a restore gives back unreadable rows; with them next to the
# dump, whoever steals the dump reads everything.
#
# For point-in-time recovery use WAL archiving with pg_basebackup or pgBackRest as well (deploy/OPERATIONS.md,
# "Backup and restore"): a nightly dump loses up to a day.
set -euo pipefail
# Before anything is created: the folder and the files are the owner's alone.
umask 077
usage="usage: PGSERVICE=… backup.sh OUTPUT_DIR (the database from libpq's PG* environment variables)"
# shellcheck source=deploy/backup/pg-environment.sh
. "$(dirname "$0")/pg-environment.sh"
refuse_connection_arguments backup.sh "$usage" "$@"
if [ "$#" -ne 1 ]; then
  echo "backup.sh: $usage" >&2
  exit 2
fi
require_database_named backup.sh "$usage"
out=$1
mkdir -p "$out"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
dump="$out/yorisoi-$stamp.dump"
manifest="$out/yorisoi-$stamp.manifest"
trap 'rm -f "$dump.partial" "$manifest.partial"' EXIT

# -Fc: compressed, selective restore possible; owners and grants stay in the dump (restore.sh decides
# whether to apply owners).
pg_dump --format=custom --compress=6 --file="$dump.partial"
# A dump that pg_restore cannot read is no backup.
pg_restore --list "$dump.partial" >/dev/null

psql_value() {
  psql -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"
}
# Every column named *key_id holds the id of the key that sealed the row's fields.
key_ids=$(
  psql_value "SELECT format('SELECT DISTINCT %I FROM %I.%I WHERE %I IS NOT NULL', column_name, table_schema,
                            table_name, column_name)
                FROM information_schema.columns
               WHERE table_schema = 'public' AND column_name LIKE '%key_id' AND data_type = 'integer'" |
    while read -r query; do psql_value "$query"; done | sort -un | paste -sd, -
)
{
  echo "file=$(basename "$dump")"
  echo "sha256=$(sha256sum "$dump.partial" | cut -d' ' -f1)"
  echo "created_at=$stamp"
  echo "database=$(psql_value 'SELECT current_database()')"
  echo "server_version=$(psql_value 'SHOW server_version')"
  echo "newest_migration=$(psql_value 'SELECT coalesce(max(version), 0) FROM schema_migrations')"
  echo "encryption_key_ids_needed=${key_ids:-none}"
  echo "note=keys and pseudonym pepper are not in the dump; keep them with the backups, stored apart"
} > "$manifest.partial"

mv "$dump.partial" "$dump"
mv "$manifest.partial" "$manifest"
trap - EXIT
echo "$dump"
echo "backup.sh: wrote $dump ($(du -h "$dump" | cut -f1)); keys needed: ${key_ids:-none} (not in the dump)" >&2
