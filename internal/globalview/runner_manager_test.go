package globalview

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/go-logr/logr/testr"
	ctrl "sigs.k8s.io/controller-runtime"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// TestRunnerInManager runs the Runner as the manager does: added to it, started after
// its caches, reading through the cached client.
func TestRunnerInManager(t *testing.T) {
	env := controlPlane(t)
	deleteCoreNetwork(t, env.Client)
	ns := testNamespace(t)
	path := filepath.Join(t.TempDir(), "global_network_info.xml")

	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{
		Scheme:                 env.Scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Logger:                 testr.New(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	r := NewRunner(mgr, path, ns)
	if !r.NeedLeaderElection() {
		t.Error("the runner must run on the leader only")
	}
	if err := mgr.Add(r); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- mgr.Start(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("manager: %v", err)
		}
	})

	writeViewFile(t, path, readFixture(t, "example"))
	eventually(t, "view projected through the manager", func() error {
		gv, err := globalViewStatus(env.Client)
		if err != nil {
			return err
		}
		if gv.ViewVersion != "3f9c1e7a" {
			return fmt.Errorf("status.globalView = %+v", gv)
		}
		eni := &vpcv1.NetworkInterface{}
		return env.Client.Get(ctx, keyOf(ns, "eni-e5e5e5e5"), eni)
	})
	// A rejected view is reported on the CoreNetwork through the manager's recorder.
	writeViewFile(t, path, []byte("<network-data"))
	eventually(t, "rejection reported", func() error {
		gv, err := globalViewStatus(env.Client)
		if err != nil {
			return err
		}
		if gv.LastError == "" {
			return errors.New("no lastError yet")
		}
		return nil
	})
}
