#!/bin/sh
# Entrypoint of deploy/containers/postgres.Dockerfile (runs as the postgres user).
#   postgres-entrypoint primary [postgres options]   the primary; on an empty volume: initdb and roles
#   postgres-entrypoint replica [postgres options]   a hot standby; on an empty volume: pg_basebackup
# Secrets are files under /run/secrets (compose): db_superuser_password, db_owner_password,
# db_password, db_replication_password. They never reach a command line or the environment.
set -eu
role=${1:-primary}
[ $# -gt 0 ] && shift
primary_host=${YORISOI_PRIMARY_HOST:-db-primary}
data_root=$(dirname "$PGDATA")

# The roles of deploy/OPERATIONS.md: the owner runs `yorisoi migrate`, the service logs in as yorisoi_app,
# a member of yorisoi_runtime (what migrate grants; no UPDATE/DELETE on the audit log). The replica's
# slot is made here, not by pg_basebackup --create-slot, so that a replica re-cloned onto an empty
# volume finds it again.
init_primary() {
  initdb -D "$PGDATA" -U postgres --pwfile=/run/secrets/db_superuser_password \
    --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --data-checksums
  # Over the network: the application roles to their database, and streaming. The superuser only
  # through the local socket (podman/docker exec).
  cat >> "$PGDATA/pg_hba.conf" <<'HBA'
host    yorisoi         yorisoi,yorisoi_app     samenet     scram-sha-256
host    replication     replicator              samenet     scram-sha-256
HBA
  # Listening on no TCP address while the roles are made: nobody connects to a half-made database.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
  # psql reads the passwords itself (backquotes run in psql): not on a command line.
  psql -X -q -v ON_ERROR_STOP=1 -d postgres <<'SQL'
\set owner_password `tr -d '\n' < /run/secrets/db_owner_password`
\set app_password `tr -d '\n' < /run/secrets/db_password`
\set replication_password `tr -d '\n' < /run/secrets/db_replication_password`
CREATE ROLE yorisoi LOGIN PASSWORD :'owner_password';
CREATE DATABASE yorisoi OWNER yorisoi;
CREATE ROLE yorisoi_runtime NOLOGIN;
CREATE ROLE yorisoi_app LOGIN PASSWORD :'app_password' IN ROLE yorisoi_runtime;
CREATE ROLE replicator REPLICATION LOGIN PASSWORD :'replication_password';
SELECT 1 FROM pg_create_physical_replication_slot('replica1');
SQL
  pg_ctl -D "$PGDATA" -m fast -w stop
}

init_replica() {
  # primary_conninfo keeps reading the password from this file (in the volume, beside PGDATA).
  passfile=$data_root/.pgpass
  (
    umask 077
    password=$(sed 's/[\\:]/\\&/g' /run/secrets/db_replication_password | tr -d '\n')
    printf '*:*:replication:replicator:%s\n' "$password" > "$passfile"
  )
  # The primary may still be making its cluster (compose's start order does not wait for it).
  tries=0
  until pg_isready -q -h "$primary_host" -p 5432; do
    tries=$((tries + 1))
    if [ "$tries" -ge 120 ]; then
      echo "postgres-entrypoint: the primary $primary_host did not accept connections within 120 s" >&2
      exit 1
    fi
    sleep 1
  done
  PGPASSFILE=$passfile pg_basebackup --host="$primary_host" --username=replicator --pgdata="$PGDATA" \
    --wal-method=stream --write-recovery-conf --slot=replica1 --checkpoint=fast
  echo "primary_conninfo = 'host=$primary_host port=5432 user=replicator passfile=$passfile application_name=replica1'" \
    >> "$PGDATA/postgresql.auto.conf"
}

case "$role" in
  primary)
    [ -s "$PGDATA/PG_VERSION" ] || init_primary
    exec postgres -D "$PGDATA" -c listen_addresses='*' -c wal_level=replica -c max_wal_senders=5 \
      -c max_replication_slots=5 -c password_encryption=scram-sha-256 "$@"
    ;;
  replica)
    [ -s "$PGDATA/PG_VERSION" ] || init_replica
    exec postgres -D "$PGDATA" -c listen_addresses='*' -c hot_standby=on "$@"
    ;;
  *)
    echo "postgres-entrypoint: unknown role '$role' (primary|replica)" >&2
    exit 2
    ;;
esac
