// Package hack_test checks the helper scripts behind the README's two commands.
package hack_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// checkRuns is how many times each version check runs: the SIGPIPE race they had under
// pipefail failed about 27 runs in 200 against the real etcd.
const checkRuns = 200

// Stand-ins for the cached binaries, answering --version as the real ones do. The etcd one
// writes its first line, pauses, then writes the rest: a check that stops reading at the
// first match (`etcd --version | grep -q` under pipefail) then fails with SIGPIPE every time,
// as the real etcd made it fail now and then.
const (
	fakeEtcd = `#!/bin/sh
echo "etcd Version: 3.7.3"
sleep 0.01
echo "Git SHA: v3.7.3"
echo "Go Version: go1.26.0"
echo "Go OS/Arch: linux/amd64"
`
	fakeAPIServer = `#!/bin/sh
echo "Kubernetes v1.37.2"
`
)

// TestSetupEnvtestVersionChecksNeverFail runs the version checks of hack/setup-envtest.sh
// (sourced: its functions, not the build) 200 times each against a good cache: every run must
// pass, or `make run` and `make test` fail (or rebuild etcd for minutes) at random.
func TestSetupEnvtestVersionChecksNeverFail(t *testing.T) {
	cache := t.TempDir()
	dir := filepath.Join(cache, "k8s", "1.37.2")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"etcd": fakeEtcd, "kube-apiserver": fakeAPIServer} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	script := `source ./setup-envtest.sh
fails=0
for _ in $(seq ` + strconv.Itoa(checkRuns) + `); do
  etcd_ok || fails=$((fails+1))
  apiserver_ok || fails=$((fails+1))
done
echo "$fails"`
	cmd := exec.Command("bash", "-c", script)
	cmd.Env = append(os.Environ(), "MIDOVPC_CACHE="+cache, "K8S_VERSION=1.37.2", "ETCD_VERSION=3.7.3")
	got, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("checks: %v\n%s", err, got)
	}
	if fails := strings.TrimSpace(string(got)); fails != "0" {
		t.Errorf("%s of %d version checks failed on a good cache", fails, 2*checkRuns)
	}
}

// TestSetupEnvtestRejectsAWrongVersion: the checks are not a rubber stamp.
func TestSetupEnvtestRejectsAWrongVersion(t *testing.T) {
	cache := t.TempDir()
	dir := filepath.Join(cache, "k8s", "1.37.2")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "etcd"), []byte(strings.ReplaceAll(fakeEtcd, "3.7.3", "3.6.0")), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "kube-apiserver"), []byte(strings.ReplaceAll(fakeAPIServer, "1.37.2", "1.36.0")), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "-c", `source ./setup-envtest.sh; etcd_ok && echo etcd-accepted; apiserver_ok && echo apiserver-accepted; true`)
	cmd.Env = append(os.Environ(), "MIDOVPC_CACHE="+cache, "K8S_VERSION=1.37.2", "ETCD_VERSION=3.7.3")
	got, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	if s := strings.TrimSpace(string(got)); s != "" {
		t.Errorf("wrong versions accepted: %s", s)
	}
}

// fakeGo stands in for the go command of a cold build: `mod download -json` names a go.mod
// with one staging module, and `build -o OUT PKG` writes a stand-in binary for PKG.
const fakeGo = `#!/bin/sh
dir="$(dirname "$0")"
case "$1" in
mod)
  printf 'module k8s.io/kubernetes\nreplace k8s.io/api => ./staging/src/k8s.io/api\n' > "$dir/kubernetes.mod"
  echo '{'
  echo "	\"GoMod\": \"$dir/kubernetes.mod\","
  echo '}'
  ;;
build)
  out=""; pkg=""
  while [ $# -gt 0 ]; do
    case "$1" in -o) out="$2"; shift ;; *) pkg="$1" ;; esac
    shift
  done
  case "$pkg" in
  *etcd*) cp "$dir/etcd.stand-in" "$out" ;;
  *) cp "$dir/apiserver.stand-in" "$out" ;;
  esac
  chmod 0755 "$out"
  ;;
esac
`

// TestSetupEnvtestColdBuildSucceeds runs the whole script on an empty cache, with a stand-in
// go command: it must build both binaries, print the cache folder and exit 0. A RETURN trap
// left set by a build once fired again when main returned, on an unset variable, so the first
// `make test` on a fresh machine failed after building everything.
func TestSetupEnvtestColdBuildSucceeds(t *testing.T) {
	cache := t.TempDir()
	tools := t.TempDir()
	for name, body := range map[string]string{"go": fakeGo, "etcd.stand-in": fakeEtcd, "apiserver.stand-in": fakeAPIServer} {
		if err := os.WriteFile(filepath.Join(tools, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("bash", "./setup-envtest.sh")
	cmd.Env = append(os.Environ(), "MIDOVPC_CACHE="+cache, "K8S_VERSION=1.37.2", "ETCD_VERSION=3.7.3",
		"GO="+filepath.Join(tools, "go"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("cold build: %v\n%s", err, stderr.String())
	}
	want := filepath.Join(cache, "k8s", "1.37.2")
	if got := strings.TrimSpace(string(out)); got != want {
		t.Errorf("printed %q, want the cache folder %q", got, want)
	}
	for _, name := range []string{"etcd", "kube-apiserver"} {
		if _, err := os.Stat(filepath.Join(want, name)); err != nil {
			t.Errorf("%s not installed: %v", name, err)
		}
	}
}
