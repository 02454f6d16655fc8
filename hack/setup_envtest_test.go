// Package hack_test checks the helper scripts behind the README's two commands.
package hack_test

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// checkRuns is how many times the version checks run: the SIGPIPE race they had under
// pipefail failed about 27 runs in 200.
const checkRuns = 200

// TestSetupEnvtestVersionChecksNeverFail runs the cached-binary version checks of
// hack/setup-envtest.sh 200 times against the real cached kube-apiserver and etcd: each one
// must pass, or `make run` and `make test` fail (or rebuild etcd for minutes) at random.
func TestSetupEnvtestVersionChecksNeverFail(t *testing.T) {
	// Build (or wait for) the cache first, as make does.
	out, err := exec.Command("./setup-envtest.sh").Output()
	if err != nil {
		t.Fatalf("setup-envtest.sh: %v", err)
	}
	dir := strings.TrimSpace(string(out))
	if _, err := os.Stat(dir + "/kube-apiserver"); err != nil {
		t.Fatalf("setup-envtest.sh printed %q: %v", dir, err)
	}
	// Sourced, the script only defines its functions; the loop counts failed checks.
	script := `source ./setup-envtest.sh
fails=0
for _ in $(seq ` + strconv.Itoa(checkRuns) + `); do
  etcd_ok || fails=$((fails+1))
  apiserver_ok || fails=$((fails+1))
done
echo "$fails"`
	got, err := exec.Command("bash", "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("checks: %v\n%s", err, got)
	}
	if fails := strings.TrimSpace(string(got)); fails != "0" {
		t.Errorf("%s of %d version checks failed on a good cache", fails, 2*checkRuns)
	}
}
