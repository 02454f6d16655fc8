package controllers

import (
	"context"
	"slices"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// A watch wakes the objects that read the changed one; an update that changes nothing they
// read wakes them for nothing. Most updates are status writes: at 1,000 interfaces a restart
// on a fresh control plane makes some 2,700 of them, and each woke its VPC, its subnet's
// siblings, its groups, its members (a group's member count, written a dozen times as its
// members arrive, woke its fifty interfaces each time): 12,000 reconciles for 1,361 objects.
// So every watch says what it reads of the changed object, and only the updates that change
// that pass. Creations, deletions and drift requeues always pass.

// onChange passes to h the creations, deletions and generic events, and the updates for
// which changed(old, new) holds.
func onChange(changed func(o, n client.Object) bool, h handler.EventHandler) handler.EventHandler {
	return handler.TypedFuncs[client.Object, reconcile.Request]{
		CreateFunc:  h.Create,
		DeleteFunc:  h.Delete,
		GenericFunc: h.Generic,
		UpdateFunc: func(ctx context.Context, e event.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			if changed(e.ObjectOld, e.ObjectNew) {
				h.Update(ctx, e, q)
			}
		},
	}
}

// lifecycleChanged: the spec (its generation: the references it makes, the values a count or a
// copy takes from it) or the start of its deletion. It is all a parent reads of its children
// (that they exist and name it: their deletion waits for them to be gone) and all a count
// reads of what it counts.
func lifecycleChanged(o, n client.Object) bool {
	return o.GetGeneration() != n.GetGeneration() ||
		o.GetDeletionTimestamp().IsZero() != n.GetDeletionTimestamp().IsZero()
}

// pendingGroupsChanged: the lifecycle, and which of the groups it names a group's last sync
// left out (status.pendingGroups): what the deletion of a group it names waits for
// (groupReferrers).
func pendingGroupsChanged(o, n client.Object) bool {
	if lifecycleChanged(o, n) {
		return true
	}
	a, okA := o.(*vpcv1.SecurityGroup)
	b, okB := n.(*vpcv1.SecurityGroup)
	return !okA || !okB || !slices.Equal(a.Status.PendingGroups, b.Status.PendingGroups)
}

// readinessChanged: the lifecycle, and what references read of what they refer to (getSynced,
// inForce, groupInForce, vpcRef): whether it is in MidoNet, whether it is refused, and the
// router index a VPC's or NAT gateway's dependents build their names with; and whether it is
// Ready: a parent that failed to sync and then recovered (its bridge deleted behind our back
// and built again) wakes what it carries, whose own syncs may have failed meanwhile.
func readinessChanged(o, n client.Object) bool {
	if lifecycleChanged(o, n) {
		return true
	}
	a, okA := o.(object)
	b, okB := n.(object)
	if !okA || !okB {
		return true
	}
	return synced(a) != synced(b) || refusedFor(a) != refusedFor(b) || routerIndexOf(o) != routerIndexOf(n) ||
		readyStatus(a) != readyStatus(b)
}

// readyStatus is the status of the Ready condition, "" when there is none.
func readyStatus(o object) metav1.ConditionStatus {
	if c := meta.FindStatusCondition(o.GetReconcileStatus().Conditions, vpcv1.ConditionReady); c != nil {
		return c.Status
	}
	return ""
}

// claimsChanged: readiness, and what the ranking of claims reads (claims.go): the claims
// recorded in status. For the subnets of a VPC, which wake each other: their
// CIDRs must not overlap, a claim the contenders' index does not find.
func claimsChanged(o, n client.Object) bool {
	if readinessChanged(o, n) {
		return true
	}
	a, okA := o.(object)
	b, okB := n.(object)
	if !okA || !okB {
		return true
	}
	return !slices.Equal(a.GetReconcileStatus().Claims, b.GetReconcileStatus().Claims)
}

// rankChanged: what the ranking of claims reads of a contender (claims.go: claimsOf, holds,
// outranks, refused): its claims (from the spec: the generation), the claims its status
// records, and the start of its deletion. Its creation time and uid do not change; whether
// this process let it act changes in a reconcile of its own, which writes its claims next.
func rankChanged(o, n client.Object) bool {
	if lifecycleChanged(o, n) {
		return true
	}
	a, okA := o.(object)
	b, okB := n.(object)
	return !okA || !okB || !slices.Equal(a.GetReconcileStatus().Claims, b.GetReconcileStatus().Claims)
}

// skippedRoutesChanged: the lifecycle of a subnet and the routes it left out, which its
// route table reports.
func skippedRoutesChanged(o, n client.Object) bool {
	if lifecycleChanged(o, n) {
		return true
	}
	a, okA := o.(*vpcv1.Subnet)
	b, okB := n.(*vpcv1.Subnet)
	return !okA || !okB || !slices.Equal(a.Status.SkippedRoutes, b.Status.SkippedRoutes)
}

// refusedFor is the reason of a Ready condition that refuses the object (another resource comes
// first for one of its claims), "" when it is not refused.
func refusedFor(o object) string {
	c := meta.FindStatusCondition(o.GetReconcileStatus().Conditions, vpcv1.ConditionReady)
	if c != nil && (c.Reason == vpcv1.ReasonConflict || c.Reason == vpcv1.ReasonAddressInUse) {
		return c.Reason
	}
	return ""
}

// routerIndexOf is the router index a Vpc or NatGateway records, 0 for other kinds.
func routerIndexOf(o client.Object) int32 {
	switch x := o.(type) {
	case *vpcv1.Vpc:
		return x.Status.RouterIndex
	case *vpcv1.NatGateway:
		return x.Status.RouterIndex
	}
	return 0
}
