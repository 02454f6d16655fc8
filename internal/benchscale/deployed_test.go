package benchscale

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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
