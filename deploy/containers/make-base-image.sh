#!/usr/bin/env bash
# Makes the debian:bookworm base image locally, from Debian's mirror, for machines that cannot pull
# from docker.io (podman; run as root):
#   deploy/containers/make-base-image.sh [CACHE_DIR]     (default /var/cache/yorisoi-containers)
# debootstrap --variant=minbase bookworm, with the sources of Debian's own image (bookworm,
# bookworm-updates, bookworm-security), imported as docker.io/library/debian:bookworm and tagged
# debian:bookworm-slim too (a minbase is about what the slim image holds; its man pages stay).
# The root file system is kept in CACHE_DIR; an existing image is left as it is.
set -euo pipefail
cache=${1:-/var/cache/yorisoi-containers}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
image=docker.io/library/debian:bookworm

if podman image exists "$image" && podman image exists "$image-slim"; then
  exit 0
fi
command -v debootstrap >/dev/null || { echo "make-base-image: apt-get install debootstrap" >&2; exit 1; }

rootfs=$cache/bookworm-rootfs
if [ ! -x "$rootfs/usr/bin/apt-get" ]; then
  rm -rf "$rootfs.partial"
  mkdir -p "$cache"
  debootstrap --variant=minbase bookworm "$rootfs.partial" "$mirror" >&2
  mv "$rootfs.partial" "$rootfs"
fi

# Debian's image lists updates and security too; package lists and downloaded .debs are not kept.
rm -f "$rootfs/etc/apt/sources.list"
cat > "$rootfs/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb

tar -C "$rootfs" --numeric-owner -c . \
  | podman import --change 'CMD ["bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      - "$image" >/dev/null
podman tag "$image" "$image-slim"
echo "make-base-image: $image and $image-slim from $mirror" >&2
