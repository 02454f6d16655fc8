package maintenance

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/midovpc/midovpc/internal/midonet"
	msync "github.com/midovpc/midovpc/internal/midonet/sync"
	"github.com/midovpc/midovpc/internal/topology"
	"github.com/midovpc/midovpc/internal/translate"
)

// Problems check finds.
const (
	ProblemDuplicate          = "duplicate"
	ProblemDuplicateRule      = "duplicate rule"
	ProblemDuplicateRoute     = "duplicate route"
	ProblemUnconnectedPort    = "unconnected port"
	ProblemUnreferencedChain  = "unreferenced chain"
	ProblemUnreferencedGroup  = "unreferenced group"
	ProblemStaleARP           = "stale ARP entry"
	ProblemStaleMAC           = "stale MAC entry"
	ProblemUnusedSecurityGrp  = "unused security group"
	ProblemUnassociatedNetACL = "unassociated network ACL"
)

// Finding is one problem check found. Repair is what --repair deletes for it; nil when the
// finding is reported only (it may be in use by a resource MidoNet cannot see).
type Finding struct {
	Problem string    `json:"problem"`
	What    string    `json:"what"`
	Detail  string    `json:"detail,omitempty"`
	Repair  *Deletion `json:"repair,omitempty"`
}

// Report is what check found.
type Report struct {
	Findings []Finding `json:"findings"`
}

// RepairPlan is the plan --repair applies: every finding's deletion.
func (r Report) RepairPlan() Plan {
	var p Plan
	for _, f := range r.Findings {
		if f.Repair != nil {
			p.add(*f.Repair)
		}
	}
	p.sort()
	return p
}

// Check finds, among the objects midovpc owns: duplicates (routers, bridges, chains, IP
// address groups and port groups sharing a name; identical rules in a chain; identical routes
// on a router), unconnected ports, chains and groups nothing refers to, and ARP and MAC
// entries that point at nothing.
func Check(st *State) Report {
	c := checker{st: st, r: newRefs(st), gone: map[string]bool{}}
	c.duplicates()
	c.duplicateRulesAndRoutes()
	c.unconnectedPorts()
	c.unreferencedChains()
	c.unreferencedGroups()
	c.staleTables()
	return Report{Findings: c.findings}
}

type checker struct {
	st       *State
	r        *refs
	findings []Finding
	// gone holds the ids of objects a repair deletes, so that their children are not reported
	// again.
	gone map[string]bool
}

func (c *checker) find(problem, what, detail string, repair *Deletion) {
	if repair != nil {
		repair.Reason = problem
		if repair.What == "" {
			repair.What = what
		}
		if repair.ID != "" {
			c.gone[repair.ID] = true
		}
	}
	c.findings = append(c.findings, Finding{Problem: problem, What: what, Detail: detail, Repair: repair})
}

// named is one owned named object, as duplicates compares them.
type named struct {
	kind, id, name, what string
	key                  string // fragment key: its deterministic id tells midovpc's own
	refs                 int
}

// duplicates finds owned names held by more than one object and keeps one: the one with the
// id midovpc gives the object it creates, else the most referenced, else the lowest id (the
// one the sync engine adopts).
func (c *checker) duplicates() {
	var all []named
	for _, x := range c.st.Routers {
		if ownedIn(x.Name, translate.ObjectRouter, LayerCore, LayerMetadata, LayerDynamic) {
			all = append(all, named{KindRouter, x.ID, x.Name, describeRouter(x), topology.Router{Name: x.Name}.Key(), c.linkedPorts(x.Ports)})
		}
	}
	for _, x := range c.st.Bridges {
		if ownedIn(x.Name, translate.ObjectBridge, LayerCore, LayerMetadata, LayerDynamic) {
			all = append(all, named{KindBridge, x.ID, x.Name, describeBridge(x), topology.Bridge{Name: x.Name}.Key(), c.linkedPorts(x.Ports)})
		}
	}
	for _, x := range c.st.Chains {
		if ownedIn(x.Name, translate.ObjectChain, LayerCore, LayerMetadata, LayerDynamic) {
			all = append(all, named{KindChain, x.ID, x.Name, describeChain(x), topology.Chain{Name: x.Name}.Key(), c.r.uses[x.ID]})
		}
	}
	for _, x := range c.st.AddrGroups {
		if ownedIn(x.Name, translate.ObjectAddrGroup, LayerCore, LayerMetadata, LayerDynamic) {
			all = append(all, named{KindAddrGroup, x.ID, x.Name, describeAddrGroup(x), topology.AddrGroup{Name: x.Name}.Key(), c.r.uses[x.ID]})
		}
	}
	for _, x := range c.st.PortGroups {
		if ownedIn(x.Name, translate.ObjectPortGroup, LayerCore, LayerMetadata, LayerDynamic) {
			all = append(all, named{KindPortGroup, x.ID, x.Name, describePortGroup(x), topology.PortGroup{Name: x.Name}.Key(), c.r.uses[x.ID] + len(x.Members)})
		}
	}
	groups := map[string][]named{}
	var keys []string
	for _, n := range all {
		k := n.kind + "/" + n.name
		if len(groups[k]) == 0 {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], n)
	}
	slices.Sort(keys)
	for _, k := range keys {
		same := groups[k]
		if len(same) < 2 {
			continue
		}
		keep, why := c.keeper(same)
		for _, n := range same {
			if n.id == keep.id {
				continue
			}
			detail := fmt.Sprintf("%d objects named %s; keeping %s (%s)", len(same), n.name, keep.id, why)
			if c.st.ForeignRefs[n.id] {
				c.find(ProblemDuplicate, n.what+" "+n.id, detail+"; this one is used by another tenant, left alone", nil)
				continue
			}
			c.find(ProblemDuplicate, n.what+" "+n.id, detail, &Deletion{Kind: n.kind, ID: n.id, Name: n.name, What: n.what + " " + n.id})
		}
	}
}

func (c *checker) keeper(same []named) (named, string) {
	det := msync.ObjectID(c.st.Tenant, same[0].key)
	if i := slices.IndexFunc(same, func(n named) bool { return n.id == det }); i >= 0 {
		return same[i], "the one midovpc created"
	}
	best := slices.MaxFunc(same, func(a, b named) int { return cmp.Or(cmp.Compare(a.refs, b.refs), strings.Compare(b.id, a.id)) })
	if slices.ContainsFunc(same, func(n named) bool { return n.refs != best.refs }) {
		return best, "the most used"
	}
	return best, "the lowest id, as midovpc adopts"
}

// linkedPorts counts a device's ports that are linked or bound: what makes it the live one.
func (c *checker) linkedPorts(ports []midonet.Port) int {
	n := 0
	for _, p := range ports {
		if deref(p.PeerID) != "" || deref(p.HostID) != "" {
			n++
		}
	}
	return n
}

// duplicateRulesAndRoutes finds rules identical in every field to an earlier rule of the same
// owned chain (the later one never decides a packet) and routes identical to another route of
// the same owned router (kept: one midovpc created, whose id is a UUIDv5, else the lowest id).
func (c *checker) duplicateRulesAndRoutes() {
	for _, ch := range c.st.Chains {
		if c.gone[ch.ID] || !ownedIn(ch.Name, translate.ObjectChain, LayerCore, LayerMetadata, LayerDynamic) {
			continue
		}
		first := map[string]int{}
		for i, rule := range ch.Rules {
			k := ruleKey(rule)
			if at, dup := first[k]; dup {
				what := describeRule(rule, i+1, ch.Name)
				c.find(ProblemDuplicateRule, what, fmt.Sprintf("same as rule #%d, which is kept", at), &Deletion{Kind: KindRule, ID: rule.ID})
				continue
			}
			first[k] = i + 1
		}
	}
	for _, rt := range c.st.Routers {
		if c.gone[rt.ID] || !ownedIn(rt.Name, translate.ObjectRouter, LayerCore, LayerMetadata, LayerDynamic) {
			continue
		}
		routes := userRoutes(rt.Routes)
		slices.SortFunc(routes, func(a, b midonet.Route) int {
			return cmp.Or(-cmp.Compare(createdByMidovpc(a.ID), createdByMidovpc(b.ID)), strings.Compare(a.ID, b.ID))
		})
		first := map[string]string{}
		for _, route := range routes {
			k := routeKey(route)
			if kept, dup := first[k]; dup {
				c.find(ProblemDuplicateRoute, route.Describe(rt.Name)+" "+route.ID, "same as route "+kept+", which is kept",
					&Deletion{Kind: KindRoute, ID: route.ID})
				continue
			}
			first[k] = route.ID
		}
	}
}

// ruleKey is a rule's every field but its identity and position.
func ruleKey(r midonet.Rule) string {
	r.ID, r.ChainID, r.Position, r.URI = "", "", 0, ""
	b, _ := json.Marshal(r)
	return string(b)
}

func routeKey(r midonet.Route) string {
	return fmt.Sprintf("%s|%s/%d|%s/%d|%s|%s|%d", r.Type, r.SrcNetworkAddr, r.SrcNetworkLength, r.DstNetworkAddr,
		r.DstNetworkLength, deref(r.NextHopPort), deref(r.NextHopGateway), r.Weight)
}

// unconnectedPorts finds ports of owned devices that are neither linked nor bound and are not
// waiting to be bound: interface ports (their filters are an interface's ic_ chains), port
// group members (gateway uplinks) and the metadata switch's external port keep their place.
func (c *checker) unconnectedPorts() {
	check := func(device, deviceID string, ports []midonet.Port) {
		for _, p := range ports {
			if deref(p.PeerID) != "" || deref(p.HostID) != "" || deref(p.InterfaceName) != "" ||
				c.waitsForBinding(p) || c.st.ForeignRefs[p.ID] {
				continue
			}
			c.find(ProblemUnconnectedPort, describePort(p, device), "neither linked nor bound", &Deletion{Kind: KindPort, ID: p.ID})
		}
	}
	for _, rt := range c.st.Routers {
		if !c.gone[rt.ID] && ownedIn(rt.Name, translate.ObjectRouter, LayerCore, LayerMetadata, LayerDynamic) {
			check(rt.Name, rt.ID, rt.Ports)
		}
	}
	for _, b := range c.st.Bridges {
		if !c.gone[b.ID] && ownedIn(b.Name, translate.ObjectBridge, LayerCore, LayerMetadata, LayerDynamic) {
			check(b.Name, b.ID, b.Ports)
		}
	}
}

func (c *checker) waitsForBinding(p midonet.Port) bool {
	for _, pg := range c.st.PortGroups {
		if slices.Contains(pg.Members, p.ID) {
			return true
		}
	}
	for _, id := range []string{deref(p.InboundFilterID), deref(p.OutboundFilterID)} {
		name := c.chainName(id)
		if name == translate.MetadataExtFilterName {
			return true
		}
		if n, ok := translate.ParseName(name); ok && n.Kind == translate.NameInterfaceChain {
			return true
		}
	}
	return false
}

func (c *checker) chainName(id string) string {
	if id == "" {
		return ""
	}
	for _, ch := range c.st.Chains {
		if ch.ID == id {
			return ch.Name
		}
	}
	return ""
}

// unreferencedChains finds owned chains that no device, port or rule uses. Chains that are
// used only while their resource has members (a security group's, a network ACL's) are
// reported without a repair when their VPC is still there.
func (c *checker) unreferencedChains() {
	for _, ch := range c.st.Chains {
		n, layer, ok := OwnedName(ch.Name)
		if !ok || n.Object != translate.ObjectChain || layer != LayerDynamic || c.gone[ch.ID] || c.r.used(ch.ID) {
			continue
		}
		switch n.Kind {
		case translate.NameSGChain:
			c.find(ProblemUnusedSecurityGrp, describeChain(ch), "no interface jumps to it: a group without members, or a leftover (objects "+n.SecurityGroup+" --delete removes it)", nil)
		case translate.NameACLChain:
			if c.vpcExists(n.VPC) {
				c.find(ProblemUnassociatedNetACL, describeChain(ch), "no subnet of "+n.VPC+" jumps to it", nil)
				continue
			}
			c.find(ProblemUnreferencedChain, describeChain(ch), "nothing uses it and VPC "+n.VPC+" is gone", &Deletion{Kind: KindChain, ID: ch.ID, Name: ch.Name})
		default:
			c.find(ProblemUnreferencedChain, describeChain(ch), "no device, port or rule uses it", &Deletion{Kind: KindChain, ID: ch.ID, Name: ch.Name})
		}
	}
}

func (c *checker) vpcExists(vpc string) bool {
	for _, rt := range c.st.Routers {
		if v, _, ok := translate.ParseVPCRouterName(rt.Name); ok && v == vpc {
			return true
		}
	}
	return false
}

// unreferencedGroups finds the elip_ groups of interfaces and NAT gateways that are gone (no
// rule uses them, and no port or router of their owner is left), and security groups' groups
// nothing uses (reported only).
func (c *checker) unreferencedGroups() {
	for _, g := range c.st.AddrGroups {
		n, layer, ok := OwnedName(g.Name)
		if !ok || n.Object != translate.ObjectAddrGroup || layer != LayerDynamic || c.gone[g.ID] || c.r.used(g.ID) {
			continue
		}
		switch {
		case n.Kind == translate.NameSGGroup:
			// sg_priv_ and sg_pub_ are used by no rule of midovpc's own: only a group with no
			// chain left at all is worth a word, and the operator decides.
			if !c.chainNamed(translate.SGIngressChainName(n.SecurityGroup)) && !c.chainNamed(translate.SGEgressChainName(n.SecurityGroup)) {
				c.find(ProblemUnusedSecurityGrp, describeAddrGroup(g), "its security group has no chains left (objects "+n.SecurityGroup+" --delete removes it)", nil)
			}
		case n.NAT != "":
			if !c.natRouterExists(n.NAT) {
				c.find(ProblemUnreferencedGroup, describeAddrGroup(g), "no rule uses it and NAT gateway "+n.NAT+" has no router", &Deletion{Kind: KindAddrGroup, ID: g.ID, Name: g.Name})
			}
		case n.Interface != "":
			if !c.chainNamed(translate.InterfacePreChainName(n.Interface)) && !c.chainNamed(translate.InterfacePostChainName(n.Interface)) {
				c.find(ProblemUnreferencedGroup, describeAddrGroup(g), "no rule uses it and interface "+n.Interface+" has no chains", &Deletion{Kind: KindAddrGroup, ID: g.ID, Name: g.Name})
			}
		}
	}
}

func (c *checker) chainNamed(name string) bool {
	return slices.ContainsFunc(c.st.Chains, func(ch Chain) bool { return ch.Name == name && !c.gone[ch.ID] })
}

func (c *checker) natRouterExists(nat string) bool {
	return slices.ContainsFunc(c.st.Routers, func(rt Router) bool {
		n, _, _, ok := translate.ParseNATRouterName(rt.Name)
		return ok && n == nat
	})
}

// staleTables finds MAC entries whose port is not a port of the bridge, and ARP entries whose
// MAC belongs to nothing on the bridge: no live MAC entry, no DHCP host, no router port linked
// to it.
func (c *checker) staleTables() {
	for _, b := range c.st.Bridges {
		if c.gone[b.ID] || !ownedIn(b.Name, translate.ObjectBridge, LayerCore, LayerMetadata, LayerDynamic) {
			continue
		}
		ports := map[string]bool{}
		known := map[string]bool{}
		for _, p := range b.Ports {
			ports[p.ID] = true
			if peer, ok := c.r.portOf[deref(p.PeerID)]; ok && peer.PortMAC != "" {
				known[strings.ToLower(peer.PortMAC)] = true
			}
		}
		for _, d := range b.DHCP {
			for _, h := range d.Hosts {
				known[strings.ToLower(h.MacAddr)] = true
			}
		}
		for _, e := range b.MAC {
			if !ports[e.PortID] {
				c.find(ProblemStaleMAC, fmt.Sprintf("MAC %s → port %s on %s", e.MacAddr, e.PortID, b.Name), "no such port on the bridge",
					&Deletion{Kind: KindMAC, Parent: b.ID, MAC: e.MacAddr, PortID: e.PortID})
				continue
			}
			known[strings.ToLower(e.MacAddr)] = true
		}
		for _, e := range b.ARP {
			if !known[strings.ToLower(e.MAC)] {
				c.find(ProblemStaleARP, fmt.Sprintf("ARP %s → %s on %s", e.IP, e.MAC, b.Name), "no port, DHCP host or MAC entry of the bridge has that MAC",
					&Deletion{Kind: KindARP, Parent: b.ID, IP: e.IP, MAC: e.MAC})
			}
		}
	}
}

// createdByMidovpc is 1 for an id midovpc gave (a UUIDv5 of the tenant and the object's key,
// see sync.ObjectID), else 0.
func createdByMidovpc(id string) int {
	if u, err := uuid.Parse(id); err == nil && u.Version() == 5 {
		return 1
	}
	return 0
}
