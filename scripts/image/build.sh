#!/usr/bin/env bash
# Builds the image from the Dockerfile as written, on the locally assembled base (scripts/image/base.sh),
# and prints how long each part took and the image's size. Usage: scripts/image/build.sh [tag]
# (default crashtriage:ci). Run from the repository root after `npm ci`; needs root, podman, mmdebstrap.
set -euo pipefail
. scripts/image/podman.sh
tag=${1:-crashtriage:ci}

started=$SECONDS
scripts/image/base.sh
based=$SECONDS
# --network host: `npm ci` in the build reaches the registry the way the host does (base's npmrc).
podman_ build --quiet --network host "${ulimits[@]}" --tag "$tag" --file Dockerfile . >/dev/null
built=$SECONDS
size=$(podman_ image inspect "$tag" --format '{{.Size}}')
echo "image: $tag built in $((built - based)) s (base $((based - started)) s), $((size / 1000000)) MB"
