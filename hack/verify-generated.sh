#!/usr/bin/env bash
# Regenerates deepcopy code, CRDs, RBAC and the Helm chart into a scratch folder and compares them with the
# files in the tree: a change to the API or to the RBAC markers must be committed together
# with its generated files.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cg="go tool controller-gen"
$cg object:headerFile=hack/boilerplate.go.txt paths=./api/... output:object:dir="$tmp/object"
$cg crd rbac:roleName=manager-role paths="./api/...;./controllers/..." \
  output:crd:artifacts:config="$tmp/crd" output:rbac:artifacts:config="$tmp/rbac"
stale=0
check() { # generated committed
  if ! diff -q "$1" "$2" >/dev/null 2>&1; then
    echo "stale generated file: $2 (run 'make generate manifests')" >&2
    diff -u "$2" "$1" | head -20 >&2 || true
    stale=1
  fi
}
check "$tmp/object/zz_generated.deepcopy.go" api/v1alpha1/zz_generated.deepcopy.go
for f in "$tmp"/crd/*.yaml; do check "$f" "config/crd/bases/$(basename "$f")"; done
for f in config/crd/bases/*.yaml; do
  [ -f "$tmp/crd/$(basename "$f")" ] || { echo "generated file without a source: $f" >&2; stale=1; }
done
check "$tmp/rbac/role.yaml" config/rbac/role.yaml
# The Helm chart is rendered from config/default (with the committed CRDs and RBAC): any
# change there must come with 'make helm'.
go run ./hack/helm-chart --out "$tmp/chart"
if ! diff -r "$tmp/chart" dist/chart >/dev/null 2>&1; then
  echo "stale generated chart: dist/chart (run 'make helm')" >&2
  diff -ru dist/chart "$tmp/chart" | head -20 >&2 || true
  stale=1
fi
exit $stale
