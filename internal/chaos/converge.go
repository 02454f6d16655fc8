package chaos

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/globalview"
)

// Converge creates the projection's resources kind by kind and in name order, waiting for
// each step to be Ready, as the end-to-end golden suite does: router indexes and metadata
// ids are then handed out in one order, and the topology is the golden one. Objects that
// exist already are kept (a step repeated after a restart).
func Converge(ctx context.Context, c client.Client, p *globalview.Projection) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: p.Namespace}}
	if err := create(ctx, c, ns); err != nil {
		return err
	}
	one := func(objs ...client.Object) error {
		for _, o := range objs {
			if err := create(ctx, c, o); err != nil {
				return err
			}
			if err := WaitReady(ctx, c, o); err != nil {
				return err
			}
		}
		return nil
	}
	all := func(objs ...client.Object) error {
		for _, o := range objs {
			if err := create(ctx, c, o); err != nil {
				return err
			}
		}
		return WaitReady(ctx, c, objs...)
	}
	steps := []func() error{
		func() error { return one(p.CoreNetwork) },
		func() error { return all(objects(p.DhcpOptionSets)...) },
		func() error { return one(objects(p.Vpcs)...) },
		func() error { return all(objects(p.InternetGateways)...) },
		func() error { return all(objects(p.NetworkAcls)...) },
		func() error { return all(objects(p.RouteTables)...) },
		func() error { return all(objects(p.SecurityGroups)...) },
		func() error { return all(objects(p.Subnets)...) },
		func() error { return one(objects(p.NatGateways)...) },
		func() error { return one(objects(p.NetworkInterfaces)...) },
		// One at a time: their NAT rules share the VPC's chains, where each goes on top.
		func() error { return one(objects(p.ElasticIPs)...) },
		// Routes to NAT gateways and interfaces and references between groups come in
		// once their targets are Ready.
		func() error { return WaitReady(ctx, c, p.Objects()...) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func create(ctx context.Context, c client.Client, o client.Object) error {
	// Create a copy: a failed or repeated create must not leave server fields in p.
	cp := o.DeepCopyObject().(client.Object)
	if cp.GetLabels()[vpcv1.SourceLabel] == vpcv1.SourceGlobalView {
		// Written as the view's applier writes it, by its field manager: a later Apply of
		// the next view owns it, and deletes it when that view drops it.
		return applyAsView(ctx, c, cp)
	}
	err := c.Create(ctx, cp)
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create %T %s: %w", o, o.GetName(), err)
	}
	return nil
}

// applyAsView creates o unless it exists, by a server-side apply of the view's field manager.
func applyAsView(ctx context.Context, c client.Client, o client.Object) error {
	if err := c.Get(ctx, client.ObjectKeyFromObject(o), o.DeepCopyObject().(client.Object)); err == nil {
		return nil
	} else if !apierrors.IsNotFound(err) {
		return fmt.Errorf("create %T %s: %w", o, o.GetName(), err)
	}
	gvk, err := apiutil.GVKForObject(o, c.Scheme())
	if err != nil {
		return err
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
	if err != nil {
		return err
	}
	delete(m, "status")
	u := &unstructured.Unstructured{Object: m}
	u.SetGroupVersionKind(gvk)
	u.SetCreationTimestamp(metav1.Time{})
	if err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner(globalview.FieldManager), client.ForceOwnership); err != nil {
		return fmt.Errorf("create %T %s: %w", o, o.GetName(), err)
	}
	return nil
}

// WaitReady waits until each object is Ready for its current generation.
func WaitReady(ctx context.Context, c client.Client, objs ...client.Object) error {
	for _, o := range objs {
		cur := o.DeepCopyObject().(client.Object)
		for {
			err := c.Get(ctx, client.ObjectKeyFromObject(o), cur)
			if err == nil && vpcv1.IsReady(cur.GetGeneration(), cur.(interface {
				GetReconcileStatus() *vpcv1.ReconcileStatus
			}).GetReconcileStatus()) {
				break
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("%T %s is not Ready (last error %v): %w", o, o.GetName(), err, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	return nil
}

func objects[T client.Object](xs []T) []client.Object {
	out := make([]client.Object, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
