package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/midovpc/midovpc/internal/midonet"
)

// midonetProbeTimeout bounds the one MidoNet request a readiness probe makes.
const midonetProbeTimeout = 3 * time.Second

// indexLoader is the part of the controllers' engine that loads the MidoNet index.
type indexLoader interface {
	Ready(ctx context.Context) error
}

// loadedChecker tells whether the MidoNet index has been loaded.
type loadedChecker interface {
	Loaded() bool
}

// addHealthChecks wires /healthz and /readyz. Liveness answers as long as the process
// serves: restarting the manager does not make an unreachable MidoNet come back. Readiness
// says whether this replica can do its job: MidoNet answers, and, on the leader, the
// in-memory index of MidoNet has been loaded (reconciles wait for it).
func addHealthChecks(mgr ctrl.Manager, mn *midonet.Client, ix loadedChecker) error {
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("midonet", midonetReachable(mn)); err != nil {
		return err
	}
	return mgr.AddReadyzCheck("midonet-index", indexLoaded(mgr.Elected(), ix))
}

// midonetReachable reads MidoNet's API root, with the probe's deadline.
func midonetReachable(mn *midonet.Client) healthz.Checker {
	return func(req *http.Request) error {
		ctx, cancel := context.WithTimeout(req.Context(), midonetProbeTimeout)
		defer cancel()
		if _, err := mn.Discover(ctx); err != nil {
			return fmt.Errorf("MidoNet does not answer: %w", err)
		}
		return nil
	}
}

// indexLoaded fails on the leader until the index is loaded. A standby replica loads nothing
// and is ready: otherwise a rolling update would wait forever for the new standby.
func indexLoaded(elected <-chan struct{}, ix loadedChecker) healthz.Checker {
	return func(*http.Request) error {
		select {
		case <-elected:
		default:
			return nil
		}
		if !ix.Loaded() {
			return errors.New("the MidoNet index is not loaded yet")
		}
		return nil
	}
}

// loadIndexWhenElected loads the MidoNet index as soon as this replica leads, retrying with
// back-off while MidoNet does not answer, so that readiness does not wait for a first
// reconcile (a cluster without resources has none).
func loadIndexWhenElected(engine indexLoader) manager.Runnable {
	return manager.RunnableFunc(func(ctx context.Context) error {
		log := ctrl.Log.WithName("setup")
		delay := time.Second
		for {
			err := engine.Ready(ctx)
			if err == nil {
				log.Info("loaded the MidoNet index")
				return nil
			}
			log.Info("loading the MidoNet index failed; retrying", "in", delay, "error", err.Error())
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(delay):
			}
			delay = min(2*delay, 30*time.Second)
		}
	})
}
