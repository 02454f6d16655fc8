package testenv

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/midovpc/midovpc/controllers"
	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
	msync "github.com/midovpc/midovpc/internal/midonet/sync"
)

// Manager is the controllers running in a manager against a MidoNet, as the manager command
// runs them, with a fresh client, index and sync engine (a restarted process).
type Manager struct {
	Manager manager.Manager
	// Index is the controllers' mirror of MidoNet (tests wait for it to see a change).
	Index  *index.Index
	cancel context.CancelFunc
	done   chan error
}

// ManagerOptions say where MidoNet is and how the manager runs.
type ManagerOptions struct {
	MidoNetURL string
	Tenant     string
	// Resync is the drift-check period; 0 turns it off.
	Resync time.Duration
	// MidoNetTimeout bounds each MidoNet request attempt (0: the client's default).
	MidoNetTimeout time.Duration
	// Setup adds more runnables (e.g. the global-view runner) before the manager starts.
	Setup func(mgr manager.Manager) error
	// WrapTransport, when set, wraps the manager's transport to the API server (a test
	// counting its requests).
	WrapTransport func(http.RoundTripper) http.RoundTripper
}

// StartManager starts the controllers on the control plane.
func (e *Env) StartManager(o ManagerOptions) (*Manager, error) {
	skip := true
	cfg := rest.CopyConfig(e.Config)
	if o.WrapTransport != nil {
		cfg.Wrap(o.WrapTransport)
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 e.Scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Controller:             config.Controller{SkipNameValidation: &skip},
	})
	if err != nil {
		return nil, err
	}
	mn, err := midonet.New(midonet.Config{URL: o.MidoNetURL, Tenant: o.Tenant, QPS: -1, MaxInFlight: 16, Timeout: o.MidoNetTimeout})
	if err != nil {
		return nil, err
	}
	se := &msync.Engine{Client: mn, Index: index.New(mn, o.Tenant), Tenant: o.Tenant}
	ctx, cancel := context.WithCancel(context.Background())
	cs, err := controllers.Setup(ctx, mgr, controllers.NewMidoNetEngine(se), 2)
	if err != nil {
		cancel()
		return nil, err
	}
	cs.WithoutGarbageCollector() // envtest runs kube-apiserver and etcd only
	if o.Resync > 0 {
		err := mgr.Add(manager.RunnableFunc(func(ctx context.Context) error { return se.RunResync(ctx, o.Resync, cs.Requeue) }))
		if err != nil {
			cancel()
			return nil, err
		}
	}
	if o.Setup != nil {
		if err := o.Setup(mgr); err != nil {
			cancel()
			return nil, err
		}
	}
	m := &Manager{Manager: mgr, Index: se.Index, cancel: cancel, done: make(chan error, 1)}
	go func() { m.done <- mgr.Start(ctx) }()
	return m, nil
}

// Stop stops the manager and waits for it.
func (m *Manager) Stop() error {
	m.cancel()
	if err := <-m.done; err != nil {
		return fmt.Errorf("manager: %w", err)
	}
	return nil
}
