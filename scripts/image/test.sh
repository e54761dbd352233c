#!/usr/bin/env bash
# CI's image step: builds the image from the Dockerfile (scripts/image/build.sh, timed), then runs it as
# the Deployment does (read-only root, its non-root user, a /tmp of its own, no capabilities) without a
# kubeconfig, and checks that it starts and stops with the clear no-credentials message (exit 2): a
# missing file or dependency in the image fails here. Prints the build time and the image size.
set -euo pipefail
. scripts/image/podman.sh
tag=crashtriage:ci
scripts/image/build.sh "$tag"
set +e
out=$(podman_ run --rm "${ulimits[@]}" --read-only --user 10001:10001 --tmpfs /tmp:rw,size=64m \
  --cap-drop ALL --security-opt no-new-privileges --env WEBHOOK_TOKEN=ci "$tag" 2>&1)
code=$?
set -e
if [ "$code" -ne 2 ] || ! grep -q 'no usable Kubernetes credentials: no kubeconfig found' <<<"$out"; then
  echo "image: the container did not stop with the no-kubeconfig message (exit $code):" >&2
  echo "$out" >&2
  exit 1
fi
echo "image: $tag runs read-only as 10001 and stops without a kubeconfig, saying so (exit 2)"
