package controllers

import (
	"context"
	"testing"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// Our writes to an object: a cached copy they replaced is stale (the reconcile waits for the
// cache instead of writing on it for a 409), and their update events are ours (they wake
// nobody); a write by anyone else is neither.
func TestOwnWrites(t *testing.T) {
	ctx := context.Background()
	c := wakeFixture(t)
	w := &ownWrites{}
	obj := get(t, c, "vpc-1", &vpcv1.Vpc{})
	cached := obj.DeepCopy()

	obj.Finalizers = append(obj.Finalizers, vpcv1.Finalizer)
	if err := w.update(ctx, c, obj, false); err != nil {
		t.Fatal(err)
	}
	afterFinalizer := obj.DeepCopy()
	obj.Status.RouterIndex = 3
	if err := w.update(ctx, c, obj, true); err != nil {
		t.Fatal(err)
	}
	for _, copy := range []*vpcv1.Vpc{cached, afterFinalizer} {
		if !w.stale(copy) {
			t.Errorf("a copy at version %s, replaced by our writes, is not stale", copy.ResourceVersion)
		}
	}
	if !w.ownEvent(afterFinalizer) {
		t.Error("the update event of our own write is not recognised")
	}
	if w.stale(obj) {
		t.Error("the copy our last write made is stale")
	}
	if !w.ownEvent(obj) {
		t.Error("the update event of our last write is not recognised")
	}
	if len(w.m) != 0 {
		t.Errorf("%d objects still remembered once the cache showed our last write", len(w.m))
	}

	// Someone else's write: its event passes, and a copy it replaced is not ours to wait for.
	theirs := obj.DeepCopy()
	theirs.Spec.DHCPOptionSet = "dopt-1"
	if err := c.Update(ctx, theirs); err != nil {
		t.Fatal(err)
	}
	if w.ownEvent(theirs) {
		t.Error("another writer's update counted as ours")
	}
	if w.stale(theirs) {
		t.Error("another writer's version counted as stale")
	}
}
