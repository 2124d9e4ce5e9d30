#!/usr/bin/env bash
# Restores a dump made by backup.sh into an EMPTY database (e.g. on a fresh cluster after losing the
# old one), then checks it.
#   PGHOST=NEW PGDATABASE=yorisoi restore.sh DUMP [--owners]      (or PGSERVICE=… restore.sh DUMP)
# The target database is named only by libpq's environment variables (PGSERVICE, or PGHOST, PGPORT,
# PGUSER, PGDATABASE, …; the password from ~/.pgpass, PGPASSFILE or the service file), like backup.sh:
# a database URL on the command line would be visible to every local user in `ps`.
# The target database must exist and hold no tables (createdb first); restore.sh refuses otherwise, so
# it can never mix a backup into live data. By default objects become owned by the role restoring
# (--no-owner: the target cluster need not have the old roles); --owners keeps the dump's owners (the
# roles must exist: restore pg_dumpall --roles-only output first). Privileges are not restored by default
# either (--no-privileges): the target cluster need not have yorisoi_runtime; `yorisoi migrate` run as the
# owner grants it again (deploy/OPERATIONS.md). The manifest beside the dump, when present, must match the
# dump's SHA-256.
#
# Afterwards start yorisoi on the restored database with THE SAME encryption keys and pseudonym pepper
# as the backed-up service (they are not in the dump); `yorisoi migrate --config FILE` then has nothing
# to do (the dump carries schema_migrations) except granting yorisoi_runtime its privileges, and `yorisoi keys status --config FILE` shows that every
# row opens with the keys given.
set -euo pipefail
usage="usage: PGSERVICE=… restore.sh DUMP [--owners] (the target database from libpq's PG* environment variables)"
# shellcheck source=deploy/backup/pg-environment.sh
. "$(dirname "$0")/pg-environment.sh"
refuse_connection_arguments restore.sh "$usage" "$@"
if [ "$#" -lt 1 ] || [ "$#" -gt 2 ] || { [ "$#" = 2 ] && [ "$2" != --owners ]; }; then
  echo "restore.sh: $usage" >&2
  exit 2
fi
require_database_named restore.sh "$usage"
dump=$1
owners=${2:-}

manifest=${dump%.dump}.manifest
if [ -f "$manifest" ]; then
  want=$(sed -n 's/^sha256=//p' "$manifest")
  have=$(sha256sum "$dump" | cut -d' ' -f1)
  if [ "$want" != "$have" ]; then
    echo "restore.sh: $dump does not match its manifest (sha256 $have, manifest says $want)" >&2
    exit 1
  fi
else
  echo "restore.sh: no manifest beside $dump: integrity not checked" >&2
fi

tables=$(psql -X -q -A -t -v ON_ERROR_STOP=1 -c \
  "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
if [ "$tables" != 0 ]; then
  echo "restore.sh: the target database already has $tables tables; restore into an empty database" >&2
  exit 1
fi

owner_flags=(--no-owner --no-privileges)
[ "$owners" = --owners ] && owner_flags=()
# One transaction: either everything is restored or nothing is.
# pg_restore restores into a database only when given --dbname: the database's name (or the service's),
# never more; host, port, user and password still come from the environment.
if [ -n "${PGDATABASE:-}" ]; then
  target=$PGDATABASE
else
  target="service=$PGSERVICE"
fi
pg_restore --exit-on-error --single-transaction "${owner_flags[@]}" --dbname="$target" "$dump"

newest=$(psql -X -q -A -t -v ON_ERROR_STOP=1 -c 'SELECT coalesce(max(version), 0) FROM schema_migrations')
echo "restore.sh: restored $dump (newest migration $newest); start yorisoi with the same keys and pepper" >&2
