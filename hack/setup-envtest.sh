#!/usr/bin/env bash
# Builds the envtest control plane (kube-apiserver and etcd) from the Go module
# proxy into a cache outside the repository, and prints the folder holding them.
#
# The usual envtest download cannot be reached here, so we build from source:
#   - kube-apiserver from k8s.io/kubernetes, whose go.mod replaces every staging
#     module (k8s.io/api, k8s.io/apiserver, ...) with a local ./staging path. We
#     derive that list from the go.mod itself and map each one to the published
#     module of the matching v0.x version.
#   - etcd from go.etcd.io/etcd/server/v3.
# Binaries are static (CGO_ENABLED=0) and carry their version through -ldflags -X,
# as Kubernetes' own build stamps it. A cached binary that answers --version
# correctly is not rebuilt.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-1.37.2}"
ETCD_VERSION="${ETCD_VERSION:-3.7.3}"
CACHE_ROOT="${MIDOVPC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/midovpc}"
OUT="$CACHE_ROOT/k8s/$K8S_VERSION"
GO="${GO:-go}"

log() { echo "setup-envtest: $*" >&2; }

mkdir -p "$OUT"

# The version checks capture the whole output before matching: `cmd | grep -q` under
# pipefail fails whenever grep exits at its first match and the writer gets SIGPIPE.
apiserver_ok() {
  local v
  [ -x "$OUT/kube-apiserver" ] || return 1
  v="$("$OUT/kube-apiserver" --version 2>/dev/null)" || return 1
  [ "$v" = "Kubernetes v$K8S_VERSION" ]
}
etcd_ok() {
  local v
  [ -x "$OUT/etcd" ] || return 1
  v="$("$OUT/etcd" --version 2>/dev/null)" || return 1
  [[ "$v" == *"etcd Version: $ETCD_VERSION"* ]]
}

# install_atomically SRC DEST: copy beside DEST, then rename over it.
install_atomically() {
  cp "$1" "$2.tmp.$$"
  chmod 0755 "$2.tmp.$$"
  mv -f "$2.tmp.$$" "$2"
}

build_apiserver() {
  local work minor gomod
  work="$(mktemp -d)"
  trap 'rm -rf "$work"; trap - RETURN' RETURN
  minor="0.${K8S_VERSION#1.}"
  log "building kube-apiserver v$K8S_VERSION (staging modules at v$minor); this takes about 10 minutes cold"
  gomod="$(cd "$work" && GOFLAGS=-mod=mod "$GO" mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
  [ -f "$gomod" ] || { log "could not download k8s.io/kubernetes@v$K8S_VERSION"; exit 1; }
  {
    echo "module midovpc.local/envtest-build"
    echo
    echo "go 1.26"
    echo
    echo "require k8s.io/kubernetes v$K8S_VERSION"
    echo
    # Every "k8s.io/x => ./staging/src/k8s.io/x" line becomes a published module.
    grep -E '^[[:space:]]*(replace[[:space:]]+)?k8s\.io/[^[:space:]]+[[:space:]]+=>[[:space:]]+\./staging/' "$gomod" \
      | sed -E 's/^[[:space:]]*(replace[[:space:]]+)?(k8s\.io\/[^[:space:]]+).*/\2/' \
      | sort -u \
      | while read -r mod; do echo "replace $mod => $mod v$minor"; done
  } > "$work/go.mod"
  log "$(grep -c '^replace' "$work/go.mod") staging modules mapped"
  local pkg=k8s.io/kubernetes/pkg/version
  local base=k8s.io/component-base/version
  local ld="-s -w"
  for p in "$pkg" "$base"; do
    ld="$ld -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=${K8S_VERSION#1.} -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  ld="${ld//gitMinor=${K8S_VERSION#1.}/gitMinor=$(echo "$K8S_VERSION" | cut -d. -f2)}"
  (cd "$work" && GOFLAGS=-mod=mod CGO_ENABLED=0 "$GO" build -trimpath -ldflags "$ld" -o "$work/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver)
  install_atomically "$work/kube-apiserver" "$OUT/kube-apiserver"
}

build_etcd() {
  local work
  work="$(mktemp -d)"
  trap 'rm -rf "$work"; trap - RETURN' RETURN
  log "building etcd v$ETCD_VERSION"
  cat > "$work/go.mod" <<MOD
module midovpc.local/etcd-build

go 1.26

require go.etcd.io/etcd/server/v3 v$ETCD_VERSION
MOD
  local ld="-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=v$ETCD_VERSION"
  (cd "$work" && GOFLAGS=-mod=mod CGO_ENABLED=0 "$GO" build -trimpath -ldflags "$ld" -o "$work/etcd" go.etcd.io/etcd/server/v3)
  install_atomically "$work/etcd" "$OUT/etcd"
}

main() {
  # One build at a time: parallel test runs and `make run` may call this together.
  exec 9>"$OUT/.lock"
  flock 9

  etcd_ok || build_etcd
  etcd_ok || { log "etcd at $OUT/etcd does not report version $ETCD_VERSION"; "$OUT/etcd" --version >&2 || true; exit 1; }
  apiserver_ok || build_apiserver
  apiserver_ok || { log "kube-apiserver at $OUT/kube-apiserver does not report v$K8S_VERSION"; "$OUT/kube-apiserver" --version >&2 || true; exit 1; }

  echo "$OUT"
}

# Sourced (by hack/setup_envtest_test.go), it only defines the checks and builds.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
