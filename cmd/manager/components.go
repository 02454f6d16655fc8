package main

import (
	"context"
	"fmt"
	"os"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/controllers"
	"github.com/midovpc/midovpc/internal/endpoint"
	"github.com/midovpc/midovpc/internal/globalview"
	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	msync "github.com/midovpc/midovpc/internal/midonet/sync"
)

// midonetParts are the MidoNet client, index and sync engine behind the controllers. They do
// not need Kubernetes, so they are made before the control plane is reached (or, with --dev,
// started) and the index can load meanwhile.
type midonetParts struct {
	mn     *midonet.Client
	ix     *index.Index
	se     *msync.Engine
	engine controllers.Engine
}

// newMidoNet makes the MidoNet parts (and, with --dev and no URL, the embedded emulator).
func newMidoNet(o *options) (*midonetParts, error) {
	if o.dev && o.midonetURL == "" {
		url, err := startEmbeddedMidoNet(o)
		if err != nil {
			return nil, err
		}
		o.midonetURL = url
	}
	mn, err := midonet.New(midonet.Config{
		URL:         o.midonetURL,
		Tenant:      o.midonetTenant,
		TokenFile:   o.midonetTokenFile,
		CAFile:      o.midonetCAFile,
		QPS:         o.midonetQPS,
		MaxInFlight: o.midonetInFlight,
		Timeout:     o.midonetTimeout,
		Logger:      ctrl.Log.WithName("midonet"),
		UserAgent:   "midovpc-manager",
	})
	if err != nil {
		return nil, fmt.Errorf("MidoNet client: %w", err)
	}
	ix := index.New(mn, o.midonetTenant)
	se := &msync.Engine{Client: mn, Index: ix, Tenant: o.midonetTenant, Logger: ctrl.Log.WithName("sync")}
	return &midonetParts{mn: mn, ix: ix, se: se, engine: controllers.NewMidoNetEngine(se)}, nil
}

// loadIndexEarly starts loading the MidoNet index at once, while the control plane starts and
// the caches fill (a restart over a converged MidoNet reads it all, thousands of requests), when
// this replica will act anyway: without leader election. With it, a standby must not read
// MidoNet, and the index loads once elected.
func loadIndexEarly(ctx context.Context, o *options, parts *midonetParts) {
	if o.leaderElect {
		return
	}
	go func() { _ = loadIndexWhenElected(parts.engine).Start(ctx) }()
}

// setupComponents adds midovpc's parts to the manager: the MidoNet client, index and sync
// engine behind the controllers, the periodic resync that finds drift, and the global-view
// projector.
func setupComponents(ctx context.Context, mgr ctrl.Manager, o *options, parts *midonetParts) error {
	log := ctrl.Log.WithName("setup")
	mn, ix, se, engine := parts.mn, parts.ix, parts.se, parts.engine
	ctrls, err := controllers.Setup(ctx, mgr, engine, o.maxConcurrentReconciles)
	if err != nil {
		return fmt.Errorf("set up controllers: %w", err)
	}
	if o.dev {
		ctrls.WithoutGarbageCollector() // the dev control plane has no kube-controller-manager
	}
	if err := addHealthChecks(mgr, mn, ix); err != nil {
		return err
	}
	if o.leaderElect {
		if err := mgr.Add(loadIndexWhenElected(engine)); err != nil {
			return err
		}
	}
	if err := mgr.Add(publishEndpoint(mgr.GetClient(), o.dev, endpoint.Endpoint{URL: o.midonetURL, Tenant: o.midonetTenant})); err != nil {
		return err
	}
	if o.resyncPeriod > 0 {
		if err := mgr.Add(manager.RunnableFunc(func(ctx context.Context) error {
			return se.RunResync(ctx, o.resyncPeriod, ctrls.Requeue)
		})); err != nil {
			return err
		}
	}
	if o.dev {
		if err := setupNamespaceFinalizer(mgr); err != nil {
			return err
		}
	}
	if o.globalView != "" {
		r := globalview.NewRunner(mgr, o.globalView, o.namespace)
		r.Finalizers = []string{vpcv1.Finalizer}
		if err := mgr.Add(r); err != nil {
			return err
		}
	} else {
		log.Info("no --global-view: projection is off; resources come from kubectl apply only")
	}
	return nil
}

// startEmbeddedMidoNet starts the in-process emulator for --dev, its hosts seeded from a
// hosts file or from the view's nodes, gateways and CLC.
func startEmbeddedMidoNet(o *options) (string, error) {
	srv := sim.New(sim.Options{Logger: ctrl.Log.WithName("midonet-sim")})
	if o.devHosts != "" {
		seed, err := sim.LoadSeed(o.devHosts)
		if err != nil {
			return "", err
		}
		if err := srv.ApplySeed(seed); err != nil {
			return "", err
		}
	} else if data, err := os.ReadFile(o.globalView); err == nil {
		v, err := globalview.Parse(data)
		if err != nil {
			return "", fmt.Errorf("seed emulator hosts from %s: %w", o.globalView, err)
		}
		for _, h := range globalview.HostsFromView(v) {
			spec := sim.HostSpec{Name: h.Name, TunnelZones: h.TunnelZones}
			for _, i := range h.Interfaces {
				spec.Interfaces = append(spec.Interfaces, sim.InterfaceSpec{Name: i.Name, Addresses: i.Addresses})
			}
			if _, err := srv.AddHost(spec); err != nil {
				return "", err
			}
		}
	}
	running, err := sim.Listen("127.0.0.1:0", srv)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(os.Stderr, "embedded MidoNet emulator at %s\n  kubectl-midovpc topology --midonet-url %s\n\n", running.URL, running.URL)
	return running.URL, nil
}
