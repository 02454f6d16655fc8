package topoview

import (
	"fmt"
	"strings"
)

// TreeDiff shows the first ten lines where two printed trees differ (WriteTree's output, or
// any text compared line by line), each as "line N" with the wanted and the got line; "" when
// they are the same. Tests and the chaos check use it to say where a topology departs from
// its golden tree.
func TreeDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var out strings.Builder
	n := 0
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			fmt.Fprintf(&out, "line %d\n  want: %s\n  got:  %s\n", i+1, w, g)
			if n++; n == 10 {
				break
			}
		}
	}
	return out.String()
}
