package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// namespaceFinalizer is --dev's stand-in for kube-controller-manager's namespace controller,
// which the dev control plane (kube-apiserver and etcd only) does not run: without it
// `kubectl delete namespace` would wait forever. It deletes every object in a terminating
// namespace, waits until they are gone (midovpc's own finalizers remove their MidoNet
// objects first), then removes the namespace's "kubernetes" finalizer. Building and running
// kube-controller-manager would cost another long build for this one job: midovpc deletes
// the children of a Vpc or Subnet itself, so the garbage collector is not needed either.
type namespaceFinalizer struct {
	client client.Client
	// reader lists uncached: a cache would start an informer per resource type.
	reader    client.Reader
	discovery discovery.DiscoveryInterface
}

// setupNamespaceFinalizer adds the dev namespace finalizer to mgr.
func setupNamespaceFinalizer(mgr ctrl.Manager) error {
	dc, err := discovery.NewDiscoveryClientForConfig(mgr.GetConfig())
	if err != nil {
		return fmt.Errorf("dev namespace finalizer: %w", err)
	}
	r := &namespaceFinalizer{client: mgr.GetClient(), reader: mgr.GetAPIReader(), discovery: dc}
	return ctrl.NewControllerManagedBy(mgr).Named("dev-namespace-finalizer").For(&corev1.Namespace{}).Complete(r)
}

// Reconcile empties and finalizes one terminating namespace.
func (r *namespaceFinalizer) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	ns := &corev1.Namespace{}
	if err := r.client.Get(ctx, req.NamespacedName, ns); err != nil {
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	if ns.DeletionTimestamp == nil || !slices.Contains(ns.Spec.Finalizers, corev1.FinalizerKubernetes) {
		return reconcile.Result{}, nil
	}
	left, err := r.deleteContents(ctx, ns.Name)
	if err != nil {
		return reconcile.Result{}, err
	}
	if len(left) > 0 {
		ctrl.LoggerFrom(ctx).Info("namespace is being emptied", "namespace", ns.Name, "waitingFor", strings.Join(left, ", "))
		return reconcile.Result{RequeueAfter: time.Second}, nil
	}
	ns.Spec.Finalizers = slices.DeleteFunc(ns.Spec.Finalizers, func(f corev1.FinalizerName) bool { return f == corev1.FinalizerKubernetes })
	if err := r.client.SubResource("finalize").Update(ctx, ns); err != nil && !apierrors.IsNotFound(err) {
		return reconcile.Result{}, fmt.Errorf("finalize namespace %s: %w", ns.Name, err)
	}
	return reconcile.Result{}, nil
}

// deleteContents deletes every object of every namespaced resource in namespace and returns
// the resources that still hold objects.
func (r *namespaceFinalizer) deleteContents(ctx context.Context, namespace string) ([]string, error) {
	lists, err := r.discovery.ServerPreferredNamespacedResources()
	if err != nil && len(lists) == 0 {
		return nil, fmt.Errorf("discover namespaced resources: %w", err)
	}
	var left []string
	for _, l := range lists {
		gv, err := schema.ParseGroupVersion(l.GroupVersion)
		if err != nil {
			continue
		}
		for _, res := range l.APIResources {
			if !slices.Contains(res.Verbs, "list") || !slices.Contains(res.Verbs, "delete") {
				continue
			}
			objs := &metav1.PartialObjectMetadataList{}
			objs.SetGroupVersionKind(gv.WithKind(res.Kind + "List"))
			if err := r.reader.List(ctx, objs, client.InNamespace(namespace)); err != nil {
				return nil, fmt.Errorf("list %s in %s: %w", res.Name, namespace, err)
			}
			for i := range objs.Items {
				o := &objs.Items[i]
				o.SetGroupVersionKind(gv.WithKind(res.Kind))
				if o.DeletionTimestamp == nil {
					if err := r.client.Delete(ctx, o); client.IgnoreNotFound(err) != nil {
						return nil, fmt.Errorf("delete %s %s/%s: %w", res.Kind, namespace, o.Name, err)
					}
				}
			}
			if len(objs.Items) > 0 {
				left = append(left, fmt.Sprintf("%d %s", len(objs.Items), res.Name))
			}
		}
	}
	return left, nil
}
