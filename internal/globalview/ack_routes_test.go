package globalview

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// A subnet that still leaves out a route to a NAT gateway which is Ready by now is on its way
// to a new sync: the view is not acknowledged until the route is in.
func TestAckWaitsForRoutesToReadyTargets(t *testing.T) {
	env := controlPlane(t)
	c := env.Client
	ctx := context.Background()
	ns := testNamespace(t)
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
	ready := func(obj reconciledObject) { t.Helper(); setReady(t, c, obj) }
	nat := &vpcv1.NatGateway{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "nat-0c1d2e3f4a5b6c7d8"},
		Spec: vpcv1.NatGatewaySpec{Subnet: "subnet-11aa22bb", MACAddress: "d0:0d:9f:8e:7d:6c", PrivateIP: "10.0.1.10"}}
	sn := &vpcv1.Subnet{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "subnet-11aa22bb"},
		Spec: vpcv1.SubnetSpec{VPC: "vpc-0a1b2c3d", CIDR: "10.0.1.0/24"}}
	for _, o := range []reconciledObject{nat, sn} {
		if err := c.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	sn.Status.SkippedRoutes = []vpcv1.SkippedRoute{{DestinationCIDR: "0.0.0.0/0", Target: nat.Name, Reason: "NAT gateway not found in vpc-0a1b2c3d"}}
	ready(sn)
	snRef := ObjectRef{Kind: "Subnet", Namespace: ns, Name: sn.Name}
	refs := []ObjectRef{snRef}
	gens := map[ObjectRef]int64{snRef: sn.Generation}

	// The NAT gateway is not Ready: leaving its route out is the subnet's final word.
	if _, ok, err := firstNotReady(ctx, c, gens, refs); err != nil || !ok {
		t.Fatalf("ready = %v, %v; want ready while the target is not", ok, err)
	}
	// It becomes Ready: the subnet must take the route in before the view counts as applied.
	ready(nat)
	if ref, ok, err := firstNotReady(ctx, c, gens, refs); err != nil || ok || ref != snRef {
		t.Fatalf("ready = %v (%v, %v); want the subnet pending", ok, ref, err)
	}
	// The subnet's next sync takes the route in.
	sn.Status.SkippedRoutes = nil
	ready(sn)
	if _, ok, err := firstNotReady(ctx, c, gens, refs); err != nil || !ok {
		t.Fatalf("ready = %v, %v after the route is in", ok, err)
	}
}

// Likewise a security group whose rule references a group that is Ready by now.
func TestAckWaitsForReferencedGroups(t *testing.T) {
	env := controlPlane(t)
	c := env.Client
	ctx := context.Background()
	ns := testNamespace(t)
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
	ready := func(obj reconciledObject) { t.Helper(); setReady(t, c, obj) }
	other := "sg-5e5e5e5e"
	sg := &vpcv1.SecurityGroup{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "sg-6f6f6f6f"},
		Spec: vpcv1.SecurityGroupSpec{Ingress: []vpcv1.SecurityGroupRule{{Protocol: "all", SecurityGroup: &other}}}}
	ref := &vpcv1.SecurityGroup{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: other}}
	for _, o := range []reconciledObject{sg, ref} {
		if err := c.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	sg.Status.PendingGroups = []string{other}
	ready(sg)
	sgRef := ObjectRef{Kind: "SecurityGroup", Namespace: ns, Name: sg.Name}
	gens := map[ObjectRef]int64{sgRef: sg.Generation}
	if _, ok, err := firstNotReady(ctx, c, gens, []ObjectRef{sgRef}); err != nil || !ok {
		t.Fatalf("ready = %v, %v; want ready while the referenced group is not", ok, err)
	}
	ready(ref)
	if _, ok, err := firstNotReady(ctx, c, gens, []ObjectRef{sgRef}); err != nil || ok {
		t.Fatalf("ready = %v, %v; want the group pending once the referenced group is Ready", ok, err)
	}
}

// setReady records Ready=True for the object's generation, as its controller would.
func setReady(t *testing.T, c client.Client, obj reconciledObject) {
	t.Helper()
	// The runner writes the CoreNetwork's status too (status.globalView): on a conflict, read
	// it again and retry, as a reconciler would.
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		st := obj.GetReconcileStatus()
		st.ObservedGeneration = obj.GetGeneration()
		meta.SetStatusCondition(&st.Conditions, metav1.Condition{Type: vpcv1.ConditionReady, Status: metav1.ConditionTrue,
			Reason: vpcv1.ReasonReconciled, ObservedGeneration: obj.GetGeneration()})
		err := c.Status().Update(context.Background(), obj)
		if apierrors.IsConflict(err) {
			if gerr := c.Get(context.Background(), client.ObjectKeyFromObject(obj), obj); gerr != nil {
				return gerr
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
