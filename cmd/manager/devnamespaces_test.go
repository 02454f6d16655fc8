package main

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/testenv"
)

// TestDevNamespaceDeletionCompletes: in the dev control plane (no kube-controller-manager)
// a deleted namespace is emptied and then goes away instead of staying Terminating.
func TestDevNamespaceDeletionCompletes(t *testing.T) {
	env, err := testenv.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = env.Stop() }()
	ctx := context.Background()
	c := env.Client
	dc, err := discovery.NewDiscoveryClientForConfig(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	r := &namespaceFinalizer{client: c, reader: c, discovery: dc}

	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "tenant-a"}}
	must(t, c.Create(ctx, ns))
	must(t, c.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "tenant-a", Name: "notes"}}))
	must(t, c.Create(ctx, &vpcv1.Vpc{ObjectMeta: metav1.ObjectMeta{Namespace: "tenant-a", Name: "vpc-0a1b2c3d"},
		Spec: vpcv1.VpcSpec{CIDR: "10.0.0.0/16"}}))
	must(t, c.Delete(ctx, ns))

	req := reconcile.Request{NamespacedName: types.NamespacedName{Name: "tenant-a"}}
	for i := 0; ; i++ {
		res, err := r.Reconcile(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if res.RequeueAfter == 0 {
			break
		}
		if i == 10 {
			t.Fatal("namespace still not empty after 10 rounds")
		}
		time.Sleep(100 * time.Millisecond) // deletions of objects without finalizers are immediate
	}
	err = c.Get(ctx, types.NamespacedName{Name: "tenant-a"}, &corev1.Namespace{})
	if !apierrors.IsNotFound(err) {
		t.Errorf("namespace after finalizing: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
