package main

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/midovpc/midovpc/internal/endpoint"
)

// publishEndpoint tells kubectl-midovpc which MidoNet this manager uses, once it leads: the
// ConfigMap midovpc-midonet in the manager's namespace (with --dev, midovpc-system, created
// if missing). Outside a pod and without --dev there is nowhere to publish, and nothing is.
func publishEndpoint(c client.Client, dev bool, e endpoint.Endpoint) manager.Runnable {
	return manager.RunnableFunc(func(ctx context.Context) error {
		log := ctrl.Log.WithName("setup")
		ns := endpoint.ManagerNamespace()
		if ns == "" && dev {
			ns = endpoint.DefaultNamespace
			err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
			if err != nil && !apierrors.IsAlreadyExists(err) {
				log.Info("cannot create the namespace to publish the MidoNet endpoint in", "namespace", ns, "error", err.Error())
				return nil
			}
		}
		if ns == "" {
			log.Info("not running in a pod: the MidoNet endpoint is not published for kubectl-midovpc")
			return nil
		}
		for delay := time.Second; ; delay = min(2*delay, time.Minute) {
			err := endpoint.Publish(ctx, c, ns, e)
			if err == nil {
				log.Info("published the MidoNet endpoint for kubectl-midovpc", "configmap", ns+"/"+endpoint.ConfigMapName)
				return nil
			}
			log.Info("publishing the MidoNet endpoint failed; retrying", "in", delay, "error", err.Error())
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(delay):
			}
		}
	})
}
