package topoview

import (
	"strings"
	"testing"
)

func TestTreeDiff(t *testing.T) {
	tree := "routers\n└── eucart\nbridges\n"
	if d := TreeDiff(tree, tree); d != "" {
		t.Errorf("same trees: diff %q, want none", d)
	}
	got := TreeDiff(tree, "routers\n└── vr_vpc-1_2\nbridges\n")
	want := "line 2\n  want: └── eucart\n  got:  └── vr_vpc-1_2\n"
	if got != want {
		t.Errorf("diff = %q, want %q", got, want)
	}
	// A tree that is longer shows the lines it has beyond the other, ten at the most.
	longer := tree + strings.Repeat("extra\n", 20)
	if n := strings.Count(TreeDiff(tree, longer), "line "); n != 10 {
		t.Errorf("diff of 20 extra lines shows %d, want the first 10", n)
	}
}
