package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/manager"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/globalview"
)

// TestMainJob runs what `make run` runs: the global-view runner projects the view, the
// controllers converge it onto MidoNet, and the applied version is acknowledged to the CLC.
// Then the CLC removes an instance, and MidoNet follows.
func TestMainJob(t *testing.T) {
	dir := t.TempDir()
	view := filepath.Join(dir, "global_network_info.xml")
	example, err := os.ReadFile(filepath.Join("testdata", "global_network_info.example.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(view, example, 0o644); err != nil {
		t.Fatal(err)
	}
	h := start(t, func(mgr manager.Manager) error {
		r := globalview.NewRunner(mgr, view, "eucalyptus-vpc")
		r.Finalizers = []string{vpcv1.Finalizer}
		r.Poll = time.Second
		return mgr.Add(r)
	})
	ack := globalview.AckPath(view)
	waitAck := func(version string) {
		t.Helper()
		deadline := time.Now().Add(90 * time.Second)
		for {
			got, _ := globalview.ReadAck(ack)
			if got == version {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("ack file holds %q, want %q", got, version)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	waitAck("3f9c1e7a")
	if !h.hasBoundTap("vn_i-12345678") {
		t.Fatal("instance i-12345678 is not plugged in")
	}

	// The CLC terminates i-12345678 and writes a new version (temporary file, then rename).
	edited := removeInstance(t, string(example), "i-12345678")
	edited = strings.Replace(edited, `version="3f9c1e7a"`, `version="4a0d2f8b"`, 1)
	tmp := view + ".temp"
	if err := os.WriteFile(tmp, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, view); err != nil {
		t.Fatal(err)
	}
	waitAck("4a0d2f8b")
	if h.hasBoundTap("vn_i-12345678") {
		t.Error("the terminated instance is still plugged in")
	}
	if !h.hasBoundTap("vn_i-01234567") {
		t.Error("another instance was unplugged")
	}
}

// removeInstance drops an instance element and its node listing from a view.
func removeInstance(t *testing.T, view, id string) string {
	t.Helper()
	block := regexp.MustCompile(`(?s)\s*<instance name="` + id + `">.*?</instance>`)
	listing := regexp.MustCompile(`\s*<value>` + id + `</value>`)
	out := listing.ReplaceAllString(block.ReplaceAllString(view, ""), "")
	if out == view {
		t.Fatalf("instance %s not in the view", id)
	}
	return out
}

// hasBoundTap reports whether some bridge port is bound to the tap.
func (h *harness) hasBoundTap(tap string) bool {
	h.t.Helper()
	bridges, err := h.mn.ListBridges(h.ctx, tenant)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, b := range bridges {
		ports, err := h.mn.ListBridgePorts(h.ctx, b.ID)
		if err != nil {
			h.t.Fatal(err)
		}
		for _, p := range ports {
			if p.InterfaceName != nil && *p.InterfaceName == tap {
				return true
			}
		}
	}
	return false
}
