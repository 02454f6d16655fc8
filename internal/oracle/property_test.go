package oracle_test

import (
	"context"
	"flag"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/midovpc/midovpc/internal/globalview"
	"github.com/midovpc/midovpc/internal/oracle"
	"github.com/midovpc/midovpc/internal/testcloud"
	"github.com/midovpc/midovpc/internal/trace"
)

// Seeds: fixedSeeds always run (among them every seed that once found a disagreement); more
// with -property.seeds=N or MIDOVPC_PROPERTY_SEEDS=N (random seeds, printed on failure).
var (
	// 193373: an instance without a public address pings an elastic IP in another VPC that
	// overlaps its own; the private source falls inside the target subnet's CIDR and skipped
	// its ACL (eucanetd's sc_<subnet>_in accepts the subnet's own CIDR first). midovpc's
	// sc_<subnet>_in sends it through the ACL (isolation below).
	fixedSeeds = []int64{1, 2, 3, 193373}
	// isolation are flows of fixed seeds that must be dropped by a network ACL, whatever else
	// the oracle says: the findings that were security holes.
	isolation = map[int64][]struct {
		from, to string
		flow     trace.Flow
	}{
		193373: {{"i-55562ff8", "10.116.150.100", trace.Flow{Proto: 1, SrcPort: 40000, ICMPType: 8}}},
	}
	moreSeeds = flag.Int("property.seeds", 0, "random clouds to try besides the fixed seeds")
	onlySeed  = flag.Int64("property.seed", 0, "try only this seed (to reproduce a failure)")
)

const flowsPerCloud = 60

// TestTraceAgreesWithTheOracle converges random clouds into the emulator through the real
// pipeline and asks, for random flows, both trace (on what MidoNet holds) and the oracle (on
// the Kubernetes objects, by AWS rules) whether the packet arrives and where.
func TestTraceAgreesWithTheOracle(t *testing.T) {
	seeds := append([]int64(nil), fixedSeeds...)
	n := *moreSeeds
	if env := os.Getenv("MIDOVPC_PROPERTY_SEEDS"); env != "" {
		n, _ = strconv.Atoi(env)
	}
	for k := 0; k < n; k++ {
		seeds = append(seeds, time.Now().UnixNano()%1_000_000+int64(k))
	}
	if *onlySeed != 0 {
		seeds = []int64{*onlySeed}
	}
	var cloud *testcloud.Cloud
	defer func() {
		if cloud != nil {
			cloud.Stop()
		}
	}()
	for _, seed := range seeds {
		c := generate(seed)
		view := []byte(c.xml())
		var err error
		if cloud == nil {
			cloud, err = testcloud.StartCloud(t.TempDir(), view, 2*time.Minute)
		} else {
			err = cloud.Apply(view, 2*time.Minute)
		}
		if err != nil {
			t.Fatalf("seed %d: converge: %v\n%s", seed, err, view)
		}
		snap, err := cloud.Snapshot(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		p, err := globalview.ProjectDocument(view, "oracle")
		if err != nil {
			t.Fatalf("seed %d: project: %v", seed, err)
		}
		o := oracle.New(oracle.Objects{
			Vpcs: p.Vpcs, Subnets: p.Subnets, SecurityGroups: p.SecurityGroups, NetworkInterfaces: p.NetworkInterfaces,
			ElasticIPs: p.ElasticIPs, RouteTables: p.RouteTables, InternetGateways: p.InternetGateways,
			NatGateways: p.NatGateways, NetworkAcls: p.NetworkAcls,
		})
		network := trace.NewNetwork(snap)
		for _, f := range isolation[seed] {
			res, err := network.Trace(f.from, f.to, f.flow)
			if err != nil {
				t.Fatalf("seed %d: trace %s → %s: %v", seed, f.from, f.to, err)
			}
			if res.Verdict != trace.Dropped || !strings.Contains(res.Reason, "acl_ingress_") {
				t.Errorf("seed %d: %s → %s must be dropped by the target subnet's ACL: %s (%s)\n%s", seed, f.from, f.to, res.Verdict, res.Reason, res)
			}
		}
		if compare(t, seed, c, network, o) {
			for rid, routes := range snap.Routes {
				for _, rt := range routes {
					if strings.HasPrefix(rt.DstNetworkAddr, "10.116.150.") {
						t.Logf("router %s: route %s/%d gw %v w %d", rid, rt.DstNetworkAddr, rt.DstNetworkLength, *rt.NextHopGateway, rt.Weight)
					}
				}
			}
		}
	}
}

type flowSpec struct {
	from, toTrace, toOracle string
	trace                   trace.Flow
	oracle                  oracle.Flow
}

var flowKinds = []struct {
	proto, dport, icmpType int
}{{6, 22, 0}, {6, 80, 0}, {6, 3306, 0}, {6, 8080, 0}, {17, 53, 0}, {1, 0, 8},
	// UDP 67 and 68: eucanetd's DHCP accepts let these past the ACL and the groups.
	{17, 67, 0}, {17, 68, 0}}

// flows draws random flows: from an interface or the internet, to an interface's private
// address (in the source's VPC, or another's), an elastic IP, the internet, or behind a route.
func flows(seed int64, c *genCloud) []flowSpec {
	r := rand.New(rand.NewSource(seed * 7919))
	var out []flowSpec
	for len(out) < flowsPerCloud {
		k := flowKinds[r.Intn(len(flowKinds))]
		f := flowSpec{
			trace:  trace.Flow{Proto: k.proto, SrcPort: 40000, DstPort: k.dport, ICMPType: k.icmpType},
			oracle: oracle.Flow{Proto: k.proto, SrcPort: 40000, DstPort: k.dport, ICMPType: k.icmpType},
		}
		src := c.instances[r.Intn(len(c.instances))]
		external := r.Intn(6) == 0
		if external {
			f.from = "203.0.113.9"
		} else {
			f.from = src.id
		}
		switch d := r.Intn(10); {
		case d < 5 && !external:
			t := c.instances[r.Intn(len(c.instances))]
			if t.vpc != src.vpc {
				// An address of another VPC, sent from this one: what it reaches depends on
				// the source's VPC only.
				f.toTrace, f.toOracle = t.ip, t.ip
				if c.holds(src.vpc, t.ip) {
					continue // it names one of our own: covered by the same-VPC case
				}
			} else {
				f.toTrace, f.toOracle = src.vpc+"/"+t.ip, t.id
			}
		case d < 8:
			var eips []string
			for _, in := range c.instances {
				if in.eip != "" {
					eips = append(eips, in.eip)
				}
			}
			for _, v := range c.vpcs {
				if v.nat != nil {
					eips = append(eips, v.nat.eip)
				}
			}
			if len(eips) == 0 {
				continue
			}
			e := eips[r.Intn(len(eips))]
			f.toTrace, f.toOracle = e, e
		default:
			dst := []string{"8.8.8.8", "198.51.100.7", "192.168.5.5"}[r.Intn(3)]
			if external {
				continue
			}
			f.toTrace, f.toOracle = dst, dst
		}
		if f.from == src.id && (f.toOracle == src.id) {
			continue
		}
		out = append(out, f)
	}
	return out
}

func (c *genCloud) holds(vpc, ip string) bool {
	for _, in := range c.instances {
		if in.vpc == vpc && in.ip == ip {
			return true
		}
	}
	return false
}

// compare asks both for every flow. They agree when the oracle's packet arrives at an
// interface and trace delivers it there, arrives on the internet and trace delivers it to an
// uplink with a public source, or arrives nowhere and trace delivers it to neither.
func compare(t *testing.T, seed int64, c *genCloud, n *trace.Network, o *oracle.Cloud) bool {
	t.Helper()
	bad, known := 0, 0
	seen := map[string]int{}
	eucanetd := *o
	eucanetd.Eucanetd = true
	for _, f := range flows(seed, c) {
		want := o.Reach(f.from, f.toOracle, f.oracle)
		res, err := n.Trace(f.from, f.toTrace, f.trace)
		if err != nil {
			t.Errorf("seed %d: trace %s → %s: %v", seed, f.from, f.toTrace, err)
			continue
		}
		got, exp := outcome(n, res), where(want)
		switch exp {
		case "nowhere", oracle.Internet:
			seen[exp]++
		default:
			seen["an interface"]++
		}
		if got != exp {
			if alt := eucanetd.Reach(f.from, f.toOracle, f.oracle); got == where(alt) {
				known++ // a documented difference of eucanetd's topology from AWS (oracle.Cloud.Eucanetd)
				continue
			}
			bad++
			if bad <= 5 {
				t.Errorf("seed %d: %s → %s (%+v): trace says %s, the oracle %s\n%s", seed, f.from, f.toTrace, f.oracle, got, want, res)
			}
		}
	}
	t.Logf("seed %d: %d flows (%v), %d disagreements, %d known differences of eucanetd's topology from AWS", seed, flowsPerCloud, seen, bad, known)
	if bad > 0 {
		t.Logf("seed %d: %d disagreements; the cloud:\n%s", seed, bad, c.xml())
	}
	return bad > 0
}

func where(v oracle.Verdict) string {
	if v.Arrives {
		return v.To
	}
	return "nowhere"
}

// outcome is where a trace arrives: an interface name, the internet, or nowhere.
func outcome(n *trace.Network, r *trace.Result) string {
	if r.Verdict != trace.Delivered || r.DeliveredTo == nil {
		return "nowhere"
	}
	switch r.DeliveredTo.Kind {
	case "interface":
		return r.DeliveredTo.Name
	case "uplink":
		if n.Public(r.Received.Src) {
			return oracle.Internet
		}
	}
	return "nowhere"
}
