# shellcheck shell=bash
# Sourced by backup.sh and restore.sh: both name the database only by libpq's environment variables
# (PGSERVICE with a pg_service.conf, or PGHOST, PGPORT, PGUSER, PGDATABASE, …; the password from
# ~/.pgpass, PGPASSFILE or the service file), never by a URL or a conninfo string on the command line,
# where `ps` would show it to every local user.

# refuse_connection_arguments SCRIPT USAGE ARG...: exits 2 when an argument looks like a connection string.
refuse_connection_arguments() {
  local script=$1 usage=$2
  shift 2
  local arg
  for arg in "$@"; do
    if [[ $arg == *postgres*://* ]] || [[ $arg == *dbname=* ]]; then
      echo "$script: $usage (a database URL on the command line would be visible in ps)" >&2
      exit 2
    fi
  done
}

# require_database_named SCRIPT USAGE: exits 2 unless PGSERVICE or PGDATABASE names the database.
require_database_named() {
  if [ -z "${PGSERVICE:-}${PGDATABASE:-}" ]; then
    echo "$1: name the database with PGSERVICE or PGDATABASE; $2" >&2
    exit 2
  fi
}
