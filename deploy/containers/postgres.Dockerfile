# PostgreSQL 15 from Debian 12's own package, for deploy/compose.yaml: the primary and the streaming
# replica run this image (postgres-entrypoint.sh primary | replica). Built from deploy/containers:
#   podman build -f postgres.Dockerfile -t yorisoi-postgres deploy/containers
FROM debian:bookworm-slim
# Debian's package would create and start a "main" cluster; the entrypoint makes its own in the volume.
RUN mkdir -p /etc/postgresql-common/createcluster.d \
 && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/no-main-cluster.conf \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data \
 && install -d -o postgres -g postgres -m 2775 /var/run/postgresql
COPY --chmod=0755 postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data/pgdata
USER postgres
VOLUME ["/var/lib/postgresql/data"]
EXPOSE 5432
# SIGINT is PostgreSQL's fast shutdown: sessions end, a clean checkpoint, no crash recovery at start.
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint"]
CMD ["primary"]
