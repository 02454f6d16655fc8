package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/midovpc/midovpc/internal/maintenance"
	"github.com/midovpc/midovpc/internal/testenv"
	"github.com/midovpc/midovpc/internal/topoview"
	"github.com/midovpc/midovpc/internal/translate"
)

// TestFlushDynamicThenManagerStartRebuilds is eucanetd's -C made safe, end to end: the
// example converges, its manager stops, flush --dynamic deletes the VPCs' objects (the core
// and the metadata switch stay), and a manager started afterwards rebuilds the golden topology.
func TestFlushDynamicThenManagerStartRebuilds(t *testing.T) {
	h := start(t, nil)
	h.convergeExample("golden")
	h.stopManager()

	st, err := maintenance.Load(h.ctx, h.mn, tenant)
	if err != nil {
		t.Fatal(err)
	}
	plan := maintenance.PlanFlush(st, maintenance.FlushDynamic)
	if _, err := maintenance.Apply(h.ctx, h.mn, plan); err != nil {
		t.Fatal(err)
	}
	t.Logf("flush --dynamic deleted %d objects", len(plan.Deletions))
	st, err = maintenance.Load(h.ctx, h.mn, tenant)
	if err != nil {
		t.Fatal(err)
	}
	if models := maintenance.Models(st); len(models) != 0 {
		t.Fatalf("flush --dynamic left models: %+v", models)
	}
	var routers []string
	for _, r := range st.Routers {
		routers = append(routers, r.Name)
	}
	slices.Sort(routers)
	if want := []string{translate.MetadataRouterName, translate.CoreRouterName}; !slices.Equal(routers, want) {
		t.Errorf("routers after the flush: %v, want %v", routers, want)
	}

	mgr, err := h.env.StartManager(testenv.ManagerOptions{MidoNetURL: h.mido.URL, Tenant: tenant})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mgr.Stop() })
	want, err := os.ReadFile(filepath.Join("testdata", "example-topology.golden"))
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(90 * time.Second)
	for {
		topo, err := topoview.Load(h.ctx, h.mn, tenant)
		var got bytes.Buffer
		if err == nil {
			err = topo.WriteTree(&got)
		}
		if err == nil && bytes.Equal(got.Bytes(), want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the restarted manager did not rebuild the golden topology (err %v):\n%s", err, lineDiff(string(want), got.String()))
		}
		time.Sleep(250 * time.Millisecond)
	}
}
