package chaos

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/midovpc/midovpc/internal/topoview"
)

// Report is what a topology holds beyond or short of the golden one.
type Report struct {
	// Duplicates name every object made twice: the same name twice, one owner with two
	// router indexes, one router index or metadata id handed to two owners, one tap bound
	// twice. Each entry names the objects and their ids.
	Duplicates []string
	// Orphans are named objects (routers, bridges, chains, groups) the golden topology does
	// not hold; Missing the golden's named objects that are not there.
	Orphans, Missing []string
	// Diff is the first lines where the rendered topology differs from the golden one.
	Diff string
}

// OK reports whether the topology is exactly the golden one.
func (r *Report) OK() bool {
	return len(r.Duplicates) == 0 && len(r.Orphans) == 0 && len(r.Missing) == 0 && r.Diff == ""
}

func (r *Report) String() string {
	var b strings.Builder
	section := func(title string, xs []string) {
		if len(xs) == 0 {
			return
		}
		fmt.Fprintf(&b, "%s (%d):\n", title, len(xs))
		for _, x := range xs {
			fmt.Fprintf(&b, "  %s\n", x)
		}
	}
	section("duplicates", r.Duplicates)
	section("orphans", r.Orphans)
	section("missing", r.Missing)
	if r.Diff != "" {
		fmt.Fprintf(&b, "differs from the golden topology:\n%s", r.Diff)
	}
	return b.String()
}

// Check compares a topology with the golden rendering want (the tree of topoview).
func Check(topo *topoview.Topology, want []byte) (*Report, error) {
	var got bytes.Buffer
	if err := topo.WriteTree(&got); err != nil {
		return nil, err
	}
	r := &Report{}
	r.Duplicates = duplicates(topo, got.String())
	have := namedObjects(topo)
	golden := goldenNames(string(want))
	for _, k := range sortedKeys(have) {
		if !golden[k] {
			r.Orphans = append(r.Orphans, fmt.Sprintf("%s (ids %s)", k, strings.Join(have[k], ", ")))
		}
	}
	for _, k := range sortedKeys(golden) {
		if _, ok := have[k]; !ok {
			r.Missing = append(r.Missing, k)
		}
	}
	if !bytes.Equal(got.Bytes(), want) {
		r.Diff = topoview.TreeDiff(string(want), got.String())
	}
	return r, nil
}

// namedObjects maps "kind name" to the ids of the objects with that name.
func namedObjects(t *topoview.Topology) map[string][]string {
	out := map[string][]string{}
	add := func(kind, name, id string) { out[kind+" "+name] = append(out[kind+" "+name], id) }
	for _, x := range t.Routers {
		add("router", x.Name, x.ID)
	}
	for _, x := range t.Bridges {
		add("bridge", x.Name, x.ID)
	}
	for _, x := range t.Chains {
		add("chain", x.Name, x.ID)
	}
	for _, x := range t.IPAddrGroups {
		add("ip address group", x.Name, x.ID)
	}
	for _, x := range t.PortGroups {
		add("port group", x.Name, x.ID)
	}
	return out
}

var (
	sectionLine = regexp.MustCompile(`^(routers|bridges|chains|ip address groups|port groups|hosts) \(\d+\)$`)
	sectionKind = map[string]string{
		"routers": "router", "bridges": "bridge", "chains": "chain",
		"ip address groups": "ip address group", "port groups": "port group",
	}
)

// goldenNames reads the named objects of a rendered tree: the first word of each top-level
// entry of the routers, bridges, chains and groups sections.
func goldenNames(tree string) map[string]bool {
	out := map[string]bool{}
	kind := ""
	for _, line := range strings.Split(tree, "\n") {
		if m := sectionLine.FindStringSubmatch(line); m != nil {
			kind = sectionKind[m[1]]
			continue
		}
		if kind == "" {
			continue
		}
		for _, p := range []string{"├── ", "└── "} {
			if rest, ok := strings.CutPrefix(line, p); ok {
				out[kind+" "+strings.Fields(rest)[0]] = true
			}
		}
	}
	return out
}

var (
	// vr_<vpc>_<index>, natr_<nat>_<subnet>_<index>: the owner and its router index.
	routerIndex = regexp.MustCompile(`^(vr_[^_]+|natr_[^_]+_[^_]+)_(\d+)$`)
	// A metadata DNAT rule: 255.x.y.z is the interface's metadata id, then its private IP.
	metadataDNAT = regexp.MustCompile(`dnat nwDst=(255\.\d+\.\d+\.\d+)/32 → (\S+)`)
)

func duplicates(t *topoview.Topology, tree string) []string {
	out := appendShared(nil, namedObjects(t), "%s: %d objects (ids %s)")
	// Router indexes: one per owner, one owner per index.
	byOwner, byIndex := map[string][]string{}, map[string][]string{}
	for _, r := range t.Routers {
		m := routerIndex.FindStringSubmatch(r.Name)
		if m == nil {
			continue
		}
		byOwner[m[1]] = appendUnique(byOwner[m[1]], m[2])
		byIndex[m[2]] = appendUnique(byIndex[m[2]], r.Name)
	}
	out = appendShared(out, byOwner, "router indexes: %s has %d routers (indexes %s)")
	out = appendShared(out, byIndex, "router index %s handed to %d routers: %s")
	// Metadata ids: one per interface, one interface per id.
	byID, byIP := map[string][]string{}, map[string][]string{}
	for _, m := range metadataDNAT.FindAllStringSubmatch(tree, -1) {
		byID[m[1]] = appendUnique(byID[m[1]], m[2])
		byIP[m[2]] = appendUnique(byIP[m[2]], m[1])
	}
	out = appendShared(out, byID, "metadata id %s handed to %d interfaces: %s")
	out = appendShared(out, byIP, "interface %s has %d metadata ids: %s")
	// Taps: one port bound to each host interface.
	taps := map[string][]string{}
	for _, b := range t.Bridges {
		for _, p := range b.Ports {
			if p.Binding != nil {
				k := p.Binding.HostID + ":" + p.Binding.Interface
				taps[k] = append(taps[k], b.Name+"/"+p.ID)
			}
		}
	}
	out = appendShared(out, taps, "tap %s bound to %d ports: %s")
	return out
}

// appendShared adds, for each key of m (in order) that has more than one value, the sentence
// format makes of the key, the number of values and the values.
func appendShared(out []string, m map[string][]string, format string) []string {
	for _, k := range sortedKeys(m) {
		if vs := m[k]; len(vs) > 1 {
			out = append(out, fmt.Sprintf(format, k, len(vs), strings.Join(vs, ", ")))
		}
	}
	return out
}

func appendUnique(xs []string, x string) []string {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
