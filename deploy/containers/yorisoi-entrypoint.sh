#!/bin/sh
# Entrypoint of the yorisoi image. libpq refuses a password file that others may read, and the secrets
# compose mounts are readable by all: copy the database password into a private pgpass in /tmp (a
# tmpfs under compose) before starting yorisoi. Nothing secret goes into the environment.
# YORISOI_DB_PASSWORD_FILE names the secret (default /run/secrets/db_password): the migrate service
# points it at the owner role's password, the instances at the runtime login role's.
set -eu
password_file=${YORISOI_DB_PASSWORD_FILE:-/run/secrets/db_password}
if [ -r "$password_file" ]; then
  umask 077
  # pgpass escapes backslash and colon; the secret is one line.
  password=$(sed 's/[\\:]/\\&/g' "$password_file" | tr -d '\n')
  printf '*:*:*:*:%s\n' "$password" > /tmp/yorisoi.pgpass
  export PGPASSFILE=/tmp/yorisoi.pgpass
fi
exec /usr/local/lib/yorisoi/yorisoi "$@"
