package benchscale

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/yaml"

	"github.com/midovpc/midovpc/internal/testenv"
)

// TestDeployedMemoryLimit keeps the benchmark's default soft limit in step with the container
// limit config/manager deploys the manager with: a benchmark under another limit would not
// say whether the deployed manager fits.
func TestDeployedMemoryLimit(t *testing.T) {
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "config", "manager", "manager.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, doc := range strings.Split(string(data), "\n---\n") {
		var d appsv1.Deployment
		if err := yaml.Unmarshal([]byte(doc), &d); err != nil || d.Kind != "Deployment" {
			continue
		}
		for _, c := range d.Spec.Template.Spec.Containers {
			if c.Name != "manager" {
				continue
			}
			found = true
			if got := c.Resources.Limits.Memory().Value(); got != DeployedContainerMemory {
				t.Errorf("config/manager limits the manager's memory to %d bytes; DeployedContainerMemory is %d", got, DeployedContainerMemory)
			}
		}
	}
	if !found {
		t.Fatal("no manager container in config/manager/manager.yaml")
	}
}

// The report's limit and timings come from the manager's structured log lines.
func TestLoggedFromTheManagersLog(t *testing.T) {
	log := filepath.Join(t.TempDir(), "manager.log")
	lines := "2026-12-03T18:14:28.662Z\tINFO\tsetup\tsoft memory limit\t{\"limit\": \"410Mi (90% of the container's 512Mi less the executable's 55Mi)\"}\n" +
		"2026-12-03T18:14:30.162Z\tINFO\tsetup\tstarting manager\n"
	if err := os.WriteFile(log, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	p := &process{log: log}
	if got := p.loggedValue("soft memory limit", "limit"); !strings.HasPrefix(got, "410Mi (90% of") {
		t.Errorf("loggedValue = %q, want the limit the manager logged", got)
	}
	if got := p.loggedValue("starting manager", "limit"); got != "" {
		t.Errorf("loggedValue of a line without the field = %q, want none", got)
	}
	start, _ := time.Parse(time.RFC3339, "2026-12-03T18:14:28Z")
	if got := p.logged(start, "starting manager"); got != "2.2s" {
		t.Errorf("logged = %q, want 2.2s after the start", got)
	}
}
