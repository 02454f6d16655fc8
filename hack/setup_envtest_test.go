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
