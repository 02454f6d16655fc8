package chaos

import (
	"strings"
	"testing"

	"github.com/midovpc/midovpc/internal/topoview"
)

// TestCheckNamesEveryDuplicateAndOrphan feeds the checker a topology with the duplicates a
// crash could leave and expects each named with its ids.
func TestCheckNamesEveryDuplicateAndOrphan(t *testing.T) {
	golden := []byte("tenant t\n\nrouters (2)\n├── vr_vpc-a_2\n└── vr_vpc-b_3\nchains (1)\n└── ic_i-1_prechain\nhosts (0)\n")
	topo := &topoview.Topology{
		Tenant: "t",
		Routers: []topoview.Router{
			{ID: "r1", Name: "vr_vpc-a_2"},
			{ID: "r2", Name: "vr_vpc-b_3"},
			{ID: "r3", Name: "vr_vpc-a_4"},            // a second router for vpc-a
			{ID: "r4", Name: "natr_nat-1_subnet-1_3"}, // index 3 handed out twice
		},
		Chains: []topoview.Chain{
			{ID: "c1", Name: "ic_i-1_prechain"},
			{ID: "c2", Name: "ic_i-1_prechain"},
		},
	}
	rep, err := Check(topo, golden)
	if err != nil {
		t.Fatal(err)
	}
	got := rep.String()
	for _, want := range []string{
		"chain ic_i-1_prechain: 2 objects (ids c1, c2)",
		"router indexes: vr_vpc-a has 2 routers (indexes 2, 4)",
		"router index 3 handed to 2 routers: vr_vpc-b_3, natr_nat-1_subnet-1_3",
		"router vr_vpc-a_4 (ids r3)",
		"router natr_nat-1_subnet-1_3 (ids r4)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	if rep.OK() {
		t.Error("a topology with duplicates passes")
	}
}

// TestCheckPassesTheGoldenTopology: a topology rendered like its golden file is OK.
func TestCheckPassesTheGoldenTopology(t *testing.T) {
	topo := &topoview.Topology{Tenant: "t", Routers: []topoview.Router{{ID: "r1", Name: "vr_vpc-a_2"}}}
	var b strings.Builder
	if err := topo.WriteTree(&b); err != nil {
		t.Fatal(err)
	}
	rep, err := Check(topo, []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Errorf("the golden topology fails:\n%s", rep)
	}
}
