# Sourced by the image scripts: podman as it runs on a machine without a Docker engine or systemd
# (the CI machine). vfs storage (no overlay mounts needed), runc (crun fails on this cgroup layout),
# cgroupfs (no systemd), events to a file (no journald).
podman_flags=(--storage-driver vfs --runtime runc --cgroup-manager cgroupfs --events-backend file)
podman_() {
  podman "${podman_flags[@]}" "$@"
}

# podman's default ulimits (nofile 1048576) are above what this machine allows a process, and runc
# is refused even the machine's own hard nproc: ask for at most 65536 open files (the machine's
# limit when lower) and 4096 processes, plenty for one Node process and for `npm ci`.
nofile=$(ulimit -Hn)
[ "$nofile" = unlimited ] || [ "$nofile" -gt 65536 ] && nofile=65536
ulimits=(--ulimit "nofile=$nofile:$nofile" --ulimit "nproc=4096:4096")

# The Node version the tests run on (the `node` devDependency), which the Dockerfile's FROM names.
node_version() {
  node -p "require('./package-lock.json').packages['node_modules/node'].version"
}
