package midonet_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
)

// The hook a reconciler uses to record its claims before its first MidoNet write: it runs
// once, before any write reaches MidoNet, never for reads, and a failure stops every write.
func TestBeforeWriteRunsOnceBeforeTheFirstWrite(t *testing.T) {
	e := plainEnv(t)
	var calls atomic.Int32
	var bridgesSeen []int
	ctx := midonet.WithBeforeWrite(e.ctx, func(ctx context.Context) error {
		calls.Add(1)
		// What MidoNet holds when the hook runs: no write has gone out yet.
		bs, err := e.c.ListBridges(context.Background(), "")
		bridgesSeen = append(bridgesSeen, len(bs))
		return err
	})
	if _, err := e.c.ListBridges(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 0 {
		t.Fatalf("a read ran the hook %d times; want none", n)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mustDo(t, "create bridge", errOf(e.c.CreateBridge(ctx, &midonet.Bridge{ID: newID(), Name: "br"})))
		}()
	}
	wg.Wait()
	if n := calls.Load(); n != 1 || bridgesSeen[0] != 0 {
		t.Fatalf("hook ran %d times, seeing %v bridges; want once, before any of the 8 creates (0 bridges)", n, bridgesSeen)
	}

	refuse := errors.New("status update refused")
	ctx = midonet.WithBeforeWrite(e.ctx, func(context.Context) error { return refuse })
	if _, err := e.c.CreateBridge(ctx, &midonet.Bridge{ID: newID(), Name: "br"}); !errors.Is(err, refuse) {
		t.Fatalf("create after a failed hook: %v; want the hook's error", err)
	}
	if bs, _ := e.c.ListBridges(e.ctx, ""); len(bs) != 8 {
		t.Fatalf("MidoNet holds %d bridges; want the 8 created before, and none after the failed hook", len(bs))
	}
}

func errOf[T any](_ T, err error) error { return err }
