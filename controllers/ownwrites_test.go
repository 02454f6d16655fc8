package controllers

import (
	"context"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

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
	if !w.ownEvent(cached, afterFinalizer) {
		t.Error("the update event of our own write is not recognised")
	}
	if w.stale(obj) {
		t.Error("the copy our last write made is stale")
	}
	if !w.ownEvent(afterFinalizer, obj) {
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
	if w.ownEvent(obj, theirs) {
		t.Error("another writer's update counted as ours")
	}
	if w.stale(theirs) {
		t.Error("another writer's version counted as stale")
	}
}

// eventFirst is a client whose status writes deliver their update event (to ownEvent) before
// they return, as a loaded API server's watch can.
type eventFirst struct {
	client.Client
	event func(old, new client.Object)
}

func (c eventFirst) Status() client.SubResourceWriter {
	return eventFirstStatus{c.Client.Status(), c.event}
}

type eventFirstStatus struct {
	client.SubResourceWriter
	event func(old, new client.Object)
}

func (s eventFirstStatus) Update(ctx context.Context, obj client.Object, opts ...client.SubResourceUpdateOption) error {
	old := obj.DeepCopyObject().(client.Object)
	if err := s.SubResourceWriter.Update(ctx, obj, opts...); err != nil {
		return err
	}
	s.event(old, obj.DeepCopyObject().(client.Object))
	return nil
}

// The update event of our write that comes before the write returns is ours too, and leaves
// nothing to remember; another writer's event from the version our write started from, while
// ours is in flight, is taken for ours, and our write fails for the conflict (its reconcile is
// retried and reads what that writer wrote).
func TestOwnWriteWhoseEventComesFirst(t *testing.T) {
	ctx := context.Background()
	w := &ownWrites{}
	var passed []string
	deliver := func(old, new client.Object) {
		if !w.ownEvent(old, new) {
			passed = append(passed, new.GetResourceVersion())
		}
	}
	c := eventFirst{wakeFixture(t), deliver}
	obj := get(t, c, "vpc-1", &vpcv1.Vpc{})
	obj.Status.RouterIndex = 3
	if err := w.update(ctx, c, obj, true); err != nil {
		t.Fatal(err)
	}
	if len(passed) != 0 {
		t.Errorf("the events of our write, come before its answer, passed: %v", passed)
	}
	if len(w.m) != 0 {
		t.Errorf("%d objects still remembered after the event of our write came", len(w.m))
	}

	// Another writer wins the race from the same version.
	ours := obj.DeepCopy()
	theirs := obj.DeepCopy()
	theirs.Status.RouterIndex = 4
	k := keyOf(ours)
	w.begin(k, ours.ResourceVersion)
	theirOld := theirs.DeepCopy()
	if err := c.Client.Status().Update(ctx, theirs); err != nil {
		t.Fatal(err)
	}
	if !w.ownEvent(theirOld, theirs) {
		t.Error("an event from the version our write in flight started from passed")
	}
	ours.Status.RouterIndex = 5
	err := c.Client.Status().Update(ctx, ours)
	if err == nil {
		t.Fatal("our write from the replaced version did not fail for a conflict")
	}
	w.end(k, obj.ResourceVersion, ours.ResourceVersion, false)
	if len(w.m) != 0 {
		t.Errorf("%d objects still remembered after the failed write", len(w.m))
	}
}
