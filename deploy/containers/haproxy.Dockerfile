# HAProxy 2.6 from Debian 12's own package with deploy/haproxy/haproxy.cfg, for deploy/compose.yaml.
# The build context is deploy/haproxy (the config and nothing else):
#   podman build -f deploy/containers/haproxy.Dockerfile -t yorisoi-haproxy deploy/haproxy
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends haproxy \
 && rm -rf /var/lib/apt/lists/*
COPY haproxy.cfg /etc/haproxy/haproxy.cfg
# The config takes its addresses from the environment; these are compose's (the service names).
ENV YORISOI_HAPROXY_BIND=:8080 \
    YORISOI_HAPROXY_WEBHOOK_BIND=:8090 \
    YORISOI_BACKEND_0=yorisoi-0:8080 \
    YORISOI_BACKEND_1=yorisoi-1:8080 \
    YORISOI_HAPROXY_STATS=/tmp/haproxy.sock
# A broken config fails the build, not the start.
RUN haproxy -c -q -f /etc/haproxy/haproxy.cfg
# Debian's package made the haproxy system user; nothing here needs root (the port is above 1024).
USER haproxy
EXPOSE 8080 8090
# In master-worker mode SIGUSR1 is the soft stop: listeners close, open requests finish.
STOPSIGNAL SIGUSR1
CMD ["haproxy", "-W", "-db", "-f", "/etc/haproxy/haproxy.cfg"]
