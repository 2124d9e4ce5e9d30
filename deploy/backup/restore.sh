#!/usr/bin/env bash
# Restores a dump made by backup.sh into an EMPTY database (e.g. on a fresh cluster after losing the
# old one), then checks it.
#   restore.sh DUMP TARGET_DATABASE_URL [--owners]
# The target database must exist and hold no tables (createdb first); restore.sh refuses otherwise, so
# it can never mix a backup into live data. By default objects become owned by the role restoring
# (--no-owner: the target cluster need not have the old roles); --owners keeps the dump's owners (the
# roles must exist: restore pg_dumpall --roles-only output first). Privileges are not restored by default
# either (--no-privileges): the target cluster need not have yorisoi_runtime; `yorisoi migrate` run as the
# owner grants it again (README, operations). The manifest beside the dump, when present, must match the
# dump's SHA-256.
#
# Afterwards start yorisoi on the restored database with THE SAME encryption keys and pseudonym pepper
# as the backed-up service (they are not in the dump); `yorisoi migrate --config FILE` then has nothing
# to do (the dump carries schema_migrations) except granting yorisoi_runtime its privileges, and `yorisoi keys status --config FILE` shows that every
# row opens with the keys given.
set -euo pipefail
dump=${1:?usage: restore.sh DUMP TARGET_DATABASE_URL [--owners]}
url=${2:?usage: restore.sh DUMP TARGET_DATABASE_URL [--owners]}
owners=${3:-}

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

tables=$(psql "$url" -X -q -A -t -v ON_ERROR_STOP=1 -c \
  "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
if [ "$tables" != 0 ]; then
  echo "restore.sh: the target database already has $tables tables; restore into an empty database" >&2
  exit 1
fi

owner_flags=(--no-owner --no-privileges)
[ "$owners" = --owners ] && owner_flags=()
# One transaction: either everything is restored or nothing is.
pg_restore --exit-on-error --single-transaction "${owner_flags[@]}" --dbname="$url" "$dump"

newest=$(psql "$url" -X -q -A -t -v ON_ERROR_STOP=1 -c 'SELECT coalesce(max(version), 0) FROM schema_migrations')
echo "restore.sh: restored $dump (newest migration $newest); start yorisoi with the same keys and pepper" >&2
