package testcloud

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/manager"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/globalview"
	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	"github.com/midovpc/midovpc/internal/testenv"
	"github.com/midovpc/midovpc/internal/topoview"
)

// Cloud is what `make run` runs, for tests: a control plane, the MidoNet emulator, and the
// manager with the global-view runner watching a view file in a temporary folder.
type Cloud struct {
	Env     *testenv.Env
	MidoNet *sim.Running
	Client  *midonet.Client
	Tenant  string
	view    string
	mgr     *testenv.Manager
}

// StartCloud starts everything and converges view (its hosts are seeded into the emulator);
// it returns once the view's version is acknowledged.
func StartCloud(dir string, view []byte, timeout time.Duration) (c *Cloud, err error) {
	c = &Cloud{Tenant: midonet.DefaultTenant, view: filepath.Join(dir, "global_network_info.xml")}
	defer func() {
		if err != nil {
			c.Stop()
		}
	}()
	if c.Env, err = testenv.Start(); err != nil {
		return nil, err
	}
	if c.MidoNet, err = sim.Start(sim.Options{}); err != nil {
		return nil, err
	}
	if c.Client, err = midonet.New(midonet.Config{URL: c.MidoNet.URL, Tenant: c.Tenant, QPS: -1}); err != nil {
		return nil, err
	}
	if err := c.seedHosts(view); err != nil {
		return nil, err
	}
	if err := os.WriteFile(c.view, view, 0o644); err != nil {
		return nil, err
	}
	c.mgr, err = c.Env.StartManager(testenv.ManagerOptions{
		MidoNetURL: c.MidoNet.URL, Tenant: c.Tenant,
		Setup: func(mgr manager.Manager) error {
			r := globalview.NewRunner(mgr, c.view, globalview.DefaultNamespace)
			r.Finalizers = []string{vpcv1.Finalizer}
			r.Poll = time.Second
			return mgr.Add(r)
		},
	})
	if err != nil {
		return nil, err
	}
	return c, c.waitAck(view, timeout)
}

// Apply writes the next view (as the CLC does: a temporary file renamed over) and waits
// until it is acknowledged. Hosts it names that the emulator lacks are seeded first.
func (c *Cloud) Apply(view []byte, timeout time.Duration) error {
	if err := c.seedHosts(view); err != nil {
		return err
	}
	tmp := c.view + ".temp"
	if err := os.WriteFile(tmp, view, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, c.view); err != nil {
		return err
	}
	return c.waitAck(view, timeout)
}

// Snapshot reads the tenant's topology from the emulator once it has settled: the ack says
// every projected object is Ready, but objects pruned from the previous view may still be
// being removed from MidoNet; two equal reads half a second apart end the wait.
func (c *Cloud) Snapshot(ctx context.Context) (*topoview.Snapshot, error) {
	var last []byte
	var lastErr error
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		snap, err := topoview.ReadSnapshot(ctx, c.Client, c.Tenant)
		if err != nil {
			lastErr = err // a device deleted between two list calls
			continue
		}
		data, err := json.Marshal(snap)
		if err != nil {
			return nil, err
		}
		if bytes.Equal(data, last) {
			return snap, nil
		}
		last, lastErr = data, nil
	}
	if lastErr != nil {
		return nil, lastErr
	}
	return nil, errors.New("the MidoNet topology did not settle within 60s")
}

func (c *Cloud) seedHosts(view []byte) error {
	v, err := globalview.Parse(view)
	if err != nil {
		return err
	}
	hosts, err := c.Client.ListHosts(context.Background())
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, h := range hosts {
		known[h.Name] = true
	}
	for _, h := range globalview.HostsFromView(v) {
		if known[h.Name] {
			continue
		}
		spec := sim.HostSpec{Name: h.Name, TunnelZones: h.TunnelZones}
		for _, i := range h.Interfaces {
			spec.Interfaces = append(spec.Interfaces, sim.InterfaceSpec{Name: i.Name, Addresses: i.Addresses})
		}
		if _, err := c.MidoNet.Server.AddHost(spec); err != nil {
			return err
		}
	}
	return nil
}

func (c *Cloud) waitAck(view []byte, timeout time.Duration) error {
	v, err := globalview.Parse(view)
	if err != nil {
		return err
	}
	if v.Version == "" {
		return errors.New("the view has no version: nothing to wait for")
	}
	ack := globalview.AckPath(c.view)
	deadline := time.Now().Add(timeout)
	for {
		if got, _ := globalview.ReadAck(ack); got == v.Version {
			return nil
		}
		if time.Now().After(deadline) {
			got, _ := globalview.ReadAck(ack)
			return fmt.Errorf("view version %s not acknowledged within %s (ack holds %q)", v.Version, timeout, got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop stops what StartCloud started.
func (c *Cloud) Stop() {
	if c.mgr != nil {
		_ = c.mgr.Stop()
	}
	if c.MidoNet != nil {
		_ = c.MidoNet.Close()
	}
	if c.Env != nil {
		_ = c.Env.Stop()
	}
}
