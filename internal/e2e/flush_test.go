package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
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
		if err == nil && sharedChainsSorted(got.String()) == sharedChainsSorted(string(want)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the restarted manager did not rebuild the golden topology (err %v):\n%s", err,
				topoview.TreeDiff(sharedChainsSorted(string(want)), sharedChainsSorted(got.String())))
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// sharedChain matches the VPC chains into which elastic IPs and interfaces each put their own
// NAT rule on top: the rules match disjoint addresses, so their order only records which owner
// synced last. The golden test creates those owners one at a time; a restarted manager syncs
// them concurrently.
var sharedChain = regexp.MustCompile(`^[├└]── vc_vpc-[0-9a-f]+_(preelip|postchain|mdulin|mdulout)$`)

var ruleNumber = regexp.MustCompile(`^([│ ]   [├└]── )#\d+ `)

// sharedRuleRef is a reference to a rule of a shared chain by position ("used by ... #2").
var sharedRuleRef = regexp.MustCompile(`(vc_vpc-[0-9a-f]+_(?:preelip|postchain|mdulin|mdulout)) #\d+`)

// sharedChainsSorted renumbers the rules of the shared chains in a topology tree and sorts
// them, leaving every other line as it is.
func sharedChainsSorted(tree string) string {
	lines := strings.Split(sharedRuleRef.ReplaceAllString(tree, "$1 #"), "\n")
	for i := 0; i < len(lines); i++ {
		if !sharedChain.MatchString(lines[i]) {
			continue
		}
		var idx []int
		var rules []string
		for j := i + 1; j < len(lines) && (strings.HasPrefix(lines[j], "│   ") || strings.HasPrefix(lines[j], "    ")); j++ {
			if m := ruleNumber.FindStringSubmatch(lines[j]); m != nil {
				idx = append(idx, j)
				rules = append(rules, strings.TrimPrefix(lines[j], m[0]))
			}
		}
		slices.Sort(rules)
		for k, j := range idx {
			prefix := ruleNumber.FindStringSubmatch(lines[j])[1]
			lines[j] = prefix + "# " + rules[k]
		}
	}
	return strings.Join(lines, "\n")
}
