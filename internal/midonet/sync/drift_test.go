package sync_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	"github.com/midovpc/midovpc/internal/topology"
)

func hasRef(refs []index.Ref, kind index.Kind, id string) bool {
	return slices.ContainsFunc(refs, func(r index.Ref) bool { return r.Kind == kind && r.ID == id })
}

func TestDriftRequeuesTheOwnerAndTheNextSyncRepairs(t *testing.T) {
	e := newEnv(t, sim.Options{})
	f := smallTopology()
	first := e.sync(f, nil)
	c, ctx := e.raw, e.ctx

	if d, err := e.idx.Resync(ctx); err != nil || !d.Empty() {
		t.Fatalf("resync without changes: %+v, %v", d, err)
	}

	// Behind the engine's back: a rule deleted, a bridge deleted, a rule added.
	victim := e.chainRules(sgIngress)[2]
	if err := c.DeleteRule(ctx, victim.ID); err != nil {
		t.Fatal(err)
	}
	bridge := first.IDs["bridge:"+subBridge]
	if err := c.DeleteBridge(ctx, bridge); err != nil {
		t.Fatal(err)
	}
	intruder, err := c.CreateRule(ctx, first.IDs["chain:"+ifPreChain], &midonet.Rule{Type: "accept", Position: 1})
	if err != nil {
		t.Fatal(err)
	}

	drift, err := e.idx.Resync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !hasRef(drift.Vanished, index.KindRule, victim.ID) || !hasRef(drift.Vanished, index.KindBridge, bridge) ||
		!hasRef(drift.Vanished, index.KindPort, first.IDs["port:"+ifPort.String()]) || !hasRef(drift.Appeared, index.KindRule, intruder.ID) {
		t.Fatalf("drift misses something: %+v", drift)
	}
	if got := e.eng.OwnersOf(drift); !slices.Equal(got, []topology.Owner{f.Owner}) {
		t.Fatalf("owners to requeue: %v, want %v", got, f.Owner)
	}

	e.reset()
	repaired := e.sync(f, first.Owned)
	if repaired.Created == 0 || repaired.Deleted != 1 {
		t.Fatalf("repair: %d created, %d deleted (want the intruder deleted):%s", repaired.Created, repaired.Deleted, describe(e.writes()))
	}
	if n := len(e.chainRules(sgIngress)); n != len(sgRules()) {
		t.Errorf("sg chain has %d rules after repair", n)
	}
	if rules := e.chainRules(ifPreChain); slices.ContainsFunc(rules, func(r midonet.Rule) bool { return r.ID == intruder.ID }) {
		t.Errorf("rule added behind our back survived in an exclusively owned chain")
	}
	e.reset()
	if again := e.sync(f, repaired.Owned); again.Writes != 0 {
		t.Fatalf("sync after repair made %d writes:%s", again.Writes, describe(e.writes()))
	}
	// The repair was written through: nothing drifts.
	if d, err := e.idx.Resync(ctx); err != nil || !d.Empty() {
		t.Fatalf("resync after repair: %+v, %v", d, err)
	}
}

func TestRunResyncHandsDriftedOwnersToRequeue(t *testing.T) {
	e := newEnv(t, sim.Options{})
	f := smallTopology()
	first := e.sync(f, nil)
	if err := e.raw.DeleteRule(e.ctx, e.chainRules(sgIngress)[0].ID); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(e.ctx)
	requeued := make(chan []topology.Owner, 1)
	done := make(chan error, 1)
	go func() {
		done <- e.eng.RunResync(ctx, 5*time.Millisecond, func(owners []topology.Owner) {
			select {
			case requeued <- owners:
			default:
			}
		})
	}()
	owners := <-requeued
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(owners, []topology.Owner{f.Owner}) {
		t.Fatalf("requeued %v, want %v", owners, f.Owner)
	}
	if res := e.sync(f, first.Owned); res.Created != 1 {
		t.Fatalf("repair created %d rules, want 1", res.Created)
	}
}
