#!/usr/bin/env bash
# CI's image step: builds the image from the Dockerfile (scripts/image/build.sh, timed; IMAGE=<tag>
# checks an image already built instead), then runs it as the Deployment does (read-only root, its
# non-root user, a /tmp of its own, no capabilities):
#   1. without a kubeconfig: it stops with the clear no-credentials message (exit 2);
#   2. against the fake Kubernetes API server over TLS on loopback, with a kubeconfig mounted and a
#      webhook sink on loopback (scripts/image/check-image.ts): /healthz, /readyz, /metrics, one
#      alert posted with the token and its diagnosis at the webhook, SIGTERM exiting 0.
# A file missing from the image, a wrong entrypoint or a dependency left out fails one of them.
set -euo pipefail
. scripts/image/podman.sh
tag=${IMAGE:-crashtriage:ci}
[ -n "${IMAGE:-}" ] || scripts/image/build.sh "$tag"
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
node_modules/.bin/node scripts/image/check-image.ts "$tag" -- podman "${podman_flags[@]}" run "${ulimits[@]}"
