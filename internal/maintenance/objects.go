package maintenance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/translate"
)

// Object statuses of a model's listing.
const (
	StatusPresent   = "present"   // exactly one object of that name, as the scheme wants it
	StatusMissing   = "missing"   // the scheme wants it and MidoNet has none
	StatusDuplicate = "duplicate" // more than one object of that name
	StatusMismatch  = "mismatch"  // present but not wired as the scheme wants (Detail says how)
)

// Object is one MidoNet object of a model.
type Object struct {
	Kind   string   `json:"kind"`
	Name   string   `json:"name"`
	IDs    []string `json:"ids,omitempty"`
	Status string   `json:"status"`
	Detail string   `json:"detail,omitempty"`
}

// ModelObjects is what MidoNet holds of one cloud model (vpc-, subnet-, i-, eni-, nat-, sg-,
// acl-).
type ModelObjects struct {
	ID      string   `json:"id"`
	Kind    string   `json:"kind"`
	Objects []Object `json:"objects"`
	// Delete is what objects ID --delete removes.
	Delete Plan `json:"delete"`
}

// Model is one cloud model found by the names of the tenant's objects.
type Model struct {
	ID      string   `json:"id"`
	Kind    string   `json:"kind"`
	Objects []string `json:"objects"`
}

// modelKinds maps an id prefix to the model's kind.
var modelKinds = map[string]string{"vpc": "vpc", "subnet": "subnet", "i": "interface", "eni": "interface",
	"nat": "nat-gateway", "sg": "security-group", "acl": "network-acl"}

// ModelKind is the kind of model an id names, "" when it names none.
func ModelKind(id string) string {
	prefix, _, _ := strings.Cut(id, "-")
	if kind, ok := modelKinds[prefix]; ok && translate.IsID(prefix, id) {
		return kind
	}
	return ""
}

// mentions lists the model ids a parsed name carries.
func mentions(n translate.Name) []string {
	var ids []string
	for _, id := range []string{n.VPC, n.Subnet, n.NAT, n.Interface, n.SecurityGroup, n.ACL} {
		if id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// namedObject is one owned named object of the state.
type namedObject struct {
	kind, id, name string
	parsed         translate.Name
}

func ownedObjects(st *State) []namedObject {
	var out []namedObject
	add := func(kind, id, name string, obj translate.ObjectType) {
		if n, _, ok := OwnedName(name); ok && n.Object == obj {
			out = append(out, namedObject{kind, id, name, n})
		}
	}
	for _, x := range st.Routers {
		add(KindRouter, x.ID, x.Name, translate.ObjectRouter)
	}
	for _, x := range st.Bridges {
		add(KindBridge, x.ID, x.Name, translate.ObjectBridge)
	}
	for _, x := range st.Chains {
		add(KindChain, x.ID, x.Name, translate.ObjectChain)
	}
	for _, x := range st.AddrGroups {
		add(KindAddrGroup, x.ID, x.Name, translate.ObjectAddrGroup)
	}
	return out
}

// Models lists the cloud models the tenant's object names show, each with its objects'
// names: the VPCs, subnets, interfaces, NAT gateways, security groups and network ACLs
// MidoNet holds something of.
func Models(st *State) []Model {
	byID := map[string]*Model{}
	for _, o := range ownedObjects(st) {
		for _, id := range mentions(o.parsed) {
			m, ok := byID[id]
			if !ok {
				m = &Model{ID: id, Kind: ModelKind(id)}
				byID[id] = m
			}
			if !slices.Contains(m.Objects, o.name) {
				m.Objects = append(m.Objects, o.name)
			}
		}
	}
	out := make([]Model, 0, len(byID))
	for _, m := range byID {
		slices.Sort(m.Objects)
		out = append(out, *m)
	}
	slices.SortFunc(out, func(a, b Model) int {
		if c := strings.Compare(a.Kind, b.Kind); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// ObjectsOf lists the MidoNet objects of one model: the names the scheme gives it (each
// present, missing, duplicated or miswired) and the other owned names that carry its id, and
// plans their deletion. For a VPC that is its router, chains, subnet bridges and ACL chains;
// for an interface also its bridge port, DHCP host and ARP and MAC entries; for a VPC or NAT
// gateway also the eucabr/eucamdbr ports and eucart/eucamdrt routes that lead to its router.
func ObjectsOf(st *State, id string) (ModelObjects, error) {
	kind := ModelKind(id)
	if kind == "" {
		return ModelObjects{}, fmt.Errorf("%q is not the id of a vpc-, subnet-, i-, eni-, nat-, sg- or acl- (prefix and 8 or 17 lowercase hex digits)", id)
	}
	m := ModelObjects{ID: id, Kind: kind}
	o := objectLister{st: st, r: newRefs(st), m: &m, listed: map[string]bool{}}
	switch kind {
	case "vpc":
		o.vpc(id)
	case "subnet":
		o.subnet(id)
	case "interface":
		o.iface(id)
	case "nat-gateway":
		o.nat(id)
	case "security-group":
		o.securityGroup(id)
	case "network-acl":
		o.acl(id)
	}
	o.otherNames(id)
	o.planDelete()
	return m, nil
}

type objectLister struct {
	st     *State
	r      *refs
	m      *ModelObjects
	listed map[string]bool // names listed
	// extra are unnamed objects the model's deletion takes (ports, DHCP hosts, entries).
	extra []Deletion
}

// expect lists the objects of kind named name: present (with a check of how it is wired),
// missing or duplicated.
func (o *objectLister) expect(kind, name string, wired func(id string) string) {
	if o.listed[kind+"/"+name] {
		return
	}
	o.listed[kind+"/"+name] = true
	ids := o.idsNamed(kind, name)
	obj := Object{Kind: kind, Name: name, IDs: ids}
	switch {
	case len(ids) == 0:
		obj.Status = StatusMissing
	case len(ids) > 1:
		obj.Status, obj.Detail = StatusDuplicate, fmt.Sprintf("%d objects of that name (check --repair keeps one)", len(ids))
	default:
		obj.Status = StatusPresent
		if wired != nil {
			if d := wired(ids[0]); d != "" {
				obj.Status, obj.Detail = StatusMismatch, d
			}
		}
	}
	o.m.Objects = append(o.m.Objects, obj)
}

func (o *objectLister) idsNamed(kind, name string) []string {
	var ids []string
	for _, x := range ownedObjects(o.st) {
		if x.kind == kind && x.name == name {
			ids = append(ids, x.id)
		}
	}
	return ids
}

// otherNames lists the owned names carrying the id that the scheme's expectations above did
// not (the subnets of a VPC, the routers of a NAT gateway, ...).
func (o *objectLister) otherNames(id string) {
	for _, x := range ownedObjects(o.st) {
		if slices.Contains(mentions(x.parsed), id) {
			o.expect(x.kind, x.name, nil)
		}
	}
}

func (o *objectLister) namesLike(kind string, match func(translate.Name) bool) []string {
	var names []string
	for _, x := range ownedObjects(o.st) {
		if x.kind == kind && match(x.parsed) && !slices.Contains(names, x.name) {
			names = append(names, x.name)
		}
	}
	slices.Sort(names)
	return names
}

// expectRouters expects the model's routers (those whose names match), each linked to the
// uplink; with none, the router is listed missing under pattern, since its index is unknown.
func (o *objectLister) expectRouters(match func(translate.Name) bool, pattern string) {
	routers := o.namesLike(KindRouter, match)
	if len(routers) == 0 {
		o.m.Objects = append(o.m.Objects, Object{Kind: KindRouter, Name: pattern, Status: StatusMissing})
	}
	for _, name := range routers {
		o.expect(KindRouter, name, o.uplinkLinked)
	}
}

func (o *objectLister) vpc(id string) {
	o.expectRouters(func(n translate.Name) bool { return n.Kind == translate.NameVPCRouter && n.VPC == id }, "vr_"+id+"_<index>")
	o.expect(KindChain, translate.VPCPreChainName(id), o.usedAsFilter)
	o.expect(KindChain, translate.VPCPreElipChainName(id), o.used)
	o.expect(KindChain, translate.VPCPostChainName(id), o.usedAsFilter)
	if o.hasCore(translate.MetadataBridgeName) {
		o.expect(KindChain, translate.VPCMetadataInChainName(id), o.usedAsFilter)
		o.expect(KindChain, translate.VPCMetadataOutChainName(id), o.usedAsFilter)
	}
}

func (o *objectLister) subnet(id string) {
	bridges := o.namesLike(KindBridge, func(n translate.Name) bool { return n.Kind == translate.NameSubnetBridge && n.Subnet == id })
	if len(bridges) == 0 {
		o.m.Objects = append(o.m.Objects, Object{Kind: KindBridge, Name: "vb_<vpc>_" + id, Status: StatusMissing})
	}
	for _, name := range bridges {
		o.expect(KindBridge, name, o.subnetBridgeWired(id))
	}
	o.expect(KindChain, translate.SubnetInChainName(id), o.usedAsFilter)
	o.expect(KindChain, translate.SubnetOutChainName(id), o.usedAsFilter)
	// The VPC router's port on the subnet goes with the bridge's deletion.
	for _, b := range o.st.Bridges {
		if !slices.Contains(bridges, b.Name) {
			continue
		}
		for _, p := range b.Ports {
			if peer, ok := o.r.portOf[deref(p.PeerID)]; ok {
				if _, isRouter := o.routerNamed(o.r.portDevice[peer.ID]); isRouter && ownedIn(o.r.portDevice[peer.ID], translate.ObjectRouter, LayerDynamic) {
					o.extra = append(o.extra, Deletion{Kind: KindPort, ID: peer.ID, What: describePort(peer, o.r.portDevice[peer.ID]) + " linked to " + b.Name})
				}
			}
		}
	}
}

func (o *objectLister) iface(id string) {
	pre, post := translate.InterfacePreChainName(id), translate.InterfacePostChainName(id)
	o.expect(KindChain, pre, o.usedAsFilter)
	o.expect(KindChain, post, o.usedAsFilter)
	o.expect(KindAddrGroup, translate.ElipPreGroupName(id), nil)
	o.expect(KindAddrGroup, translate.ElipPostGroupName(id), nil)
	chainIDs := append(o.idsNamed(KindChain, pre), o.idsNamed(KindChain, post)...)
	var port *midonet.Port
	var bridge Bridge
	for _, b := range o.st.Bridges {
		for _, p := range b.Ports {
			if slices.Contains(chainIDs, deref(p.InboundFilterID)) || slices.Contains(chainIDs, deref(p.OutboundFilterID)) {
				port, bridge = &p, b
			}
		}
	}
	tap := translate.TapName(id)
	if port == nil {
		o.m.Objects = append(o.m.Objects, Object{Kind: KindPort, Name: "port bound to " + tap, Status: StatusMissing})
	} else {
		obj := Object{Kind: KindPort, Name: describePort(*port, bridge.Name), IDs: []string{port.ID}, Status: StatusPresent}
		if deref(port.InterfaceName) != tap {
			obj.Status, obj.Detail = StatusMismatch, "not bound to "+tap+" (instance not running on a node?)"
		}
		o.m.Objects = append(o.m.Objects, obj)
		o.extra = append(o.extra, Deletion{Kind: KindPort, ID: port.ID, What: obj.Name})
	}
	var macs []string
	for _, b := range o.st.Bridges {
		for _, d := range b.DHCP {
			for _, h := range d.Hosts {
				if h.Name != id {
					continue
				}
				what := fmt.Sprintf("DHCP host %s %s %s on %s", h.Name, h.MacAddr, h.IPAddr, b.Name)
				o.m.Objects = append(o.m.Objects, Object{Kind: KindDHCPHost, Name: what, Status: StatusPresent})
				o.extra = append(o.extra, Deletion{Kind: KindDHCPHost, What: what, Parent: b.ID, CIDR: d.CIDR(), MAC: h.MacAddr})
				macs = append(macs, strings.ToLower(h.MacAddr))
			}
		}
		for _, e := range b.ARP {
			if slices.Contains(macs, strings.ToLower(e.MAC)) {
				what := fmt.Sprintf("ARP %s → %s on %s", e.IP, e.MAC, b.Name)
				o.m.Objects = append(o.m.Objects, Object{Kind: KindARP, Name: what, Status: StatusPresent})
				o.extra = append(o.extra, Deletion{Kind: KindARP, What: what, Parent: b.ID, IP: e.IP, MAC: e.MAC})
			}
		}
		for _, e := range b.MAC {
			if port != nil && e.PortID == port.ID {
				what := fmt.Sprintf("MAC %s → its port on %s", e.MacAddr, b.Name)
				o.m.Objects = append(o.m.Objects, Object{Kind: KindMAC, Name: what, Status: StatusPresent})
				o.extra = append(o.extra, Deletion{Kind: KindMAC, What: what, Parent: b.ID, MAC: e.MacAddr, PortID: e.PortID})
			}
		}
	}
}

func (o *objectLister) nat(id string) {
	o.expectRouters(func(n translate.Name) bool { return n.Kind == translate.NameNATRouter && n.NAT == id }, "natr_"+id+"_<subnet>_<index>")
	o.expect(KindChain, translate.NATInChainName(id), o.usedAsFilter)
	o.expect(KindChain, translate.NATOutChainName(id), o.usedAsFilter)
	o.expect(KindAddrGroup, translate.ElipPreGroupName(id), nil)
}

func (o *objectLister) securityGroup(id string) {
	o.expect(KindChain, translate.SGIngressChainName(id), nil)
	o.expect(KindChain, translate.SGEgressChainName(id), nil)
	o.expect(KindAddrGroup, translate.SGPrivGroupName(id), nil)
	o.expect(KindAddrGroup, translate.SGPubGroupName(id), nil)
	o.expect(KindAddrGroup, translate.SGAllGroupName(id), nil)
}

func (o *objectLister) acl(id string) {
	names := o.namesLike(KindChain, func(n translate.Name) bool { return n.Kind == translate.NameACLChain && n.ACL == id })
	if len(names) == 0 {
		o.m.Objects = append(o.m.Objects, Object{Kind: KindChain, Name: "acl_ingress_<vpc>_" + id, Status: StatusMissing},
			Object{Kind: KindChain, Name: "acl_egress_<vpc>_" + id, Status: StatusMissing})
	}
	for _, name := range names {
		o.expect(KindChain, name, nil)
	}
}

// Wiring checks: "" when the object is wired as the scheme wants it.

func (o *objectLister) used(id string) string {
	if !o.r.used(id) {
		return "nothing uses it"
	}
	return ""
}

func (o *objectLister) usedAsFilter(id string) string {
	for _, p := range o.r.portOf {
		if deref(p.InboundFilterID) == id || deref(p.OutboundFilterID) == id {
			return ""
		}
	}
	for _, b := range o.st.Bridges {
		if deref(b.InboundFilterID) == id || deref(b.OutboundFilterID) == id {
			return ""
		}
	}
	for _, rt := range o.st.Routers {
		if deref(rt.InboundFilterID) == id || deref(rt.OutboundFilterID) == id {
			return ""
		}
	}
	return "no device or port uses it as a filter"
}

func (o *objectLister) uplinkLinked(id string) string {
	for _, rt := range o.st.Routers {
		if rt.ID != id {
			continue
		}
		for _, p := range rt.Ports {
			if peer := deref(p.PeerID); peer != "" && o.r.portDevice[peer] == translate.CoreBridgeName {
				return ""
			}
		}
	}
	return "no port linked to " + translate.CoreBridgeName
}

func (o *objectLister) subnetBridgeWired(subnet string) func(string) string {
	return func(id string) string {
		for _, b := range o.st.Bridges {
			if b.ID != id {
				continue
			}
			var problems []string
			if o.chainNameOf(deref(b.InboundFilterID)) != translate.SubnetInChainName(subnet) {
				problems = append(problems, "inbound filter is not "+translate.SubnetInChainName(subnet))
			}
			if o.chainNameOf(deref(b.OutboundFilterID)) != translate.SubnetOutChainName(subnet) {
				problems = append(problems, "outbound filter is not "+translate.SubnetOutChainName(subnet))
			}
			if len(b.DHCP) == 0 {
				problems = append(problems, "no DHCP subnet")
			}
			linked := slices.ContainsFunc(b.Ports, func(p midonet.Port) bool { return deref(p.PeerID) != "" })
			if !linked {
				problems = append(problems, "no port linked to a router")
			}
			return strings.Join(problems, "; ")
		}
		return ""
	}
}

func (o *objectLister) chainNameOf(id string) string {
	for _, c := range o.st.Chains {
		if c.ID == id {
			return c.Name
		}
	}
	return ""
}

func (o *objectLister) hasCore(name string) bool {
	_, ok := o.routerNamed(name)
	if ok {
		return true
	}
	return slices.ContainsFunc(o.st.Bridges, func(b Bridge) bool { return b.Name == name })
}

func (o *objectLister) routerNamed(name string) (Router, bool) {
	for _, rt := range o.st.Routers {
		if rt.Name == name {
			return rt, true
		}
	}
	return Router{}, false
}

// planDelete plans the deletion of every listed object that is present, of the unnamed
// objects found with them, and of what leads to deleted routers from the core.
func (o *objectLister) planDelete() {
	p := &o.m.Delete
	reason := "objects " + o.m.ID + " --delete"
	gonePorts, goneAddrs := map[string]bool{}, map[string]string{}
	for _, obj := range o.m.Objects {
		for _, id := range obj.IDs {
			if o.st.ForeignRefs[id] {
				p.note("kept %s %s: another tenant's object uses it", obj.Kind, obj.Name)
				continue
			}
			switch obj.Kind {
			case KindRouter:
				rt, _ := o.routerByID(id)
				if foreignLinked(o.st, rt.Ports) {
					p.note("kept router %s: another tenant's port is linked to it", rt.Name)
					continue
				}
				p.add(Deletion{Kind: KindRouter, ID: id, Name: rt.Name, What: describeRouter(rt), Reason: reason})
				for _, port := range rt.Ports {
					gonePorts[port.ID] = true
					if port.PortAddress != "" {
						goneAddrs[port.PortAddress] = rt.Name
					}
				}
			case KindBridge:
				for _, b := range o.st.Bridges {
					if b.ID == id && foreignLinked(o.st, b.Ports) {
						p.note("kept bridge %s: another tenant's port is linked to it", b.Name)
					} else if b.ID == id {
						p.add(Deletion{Kind: KindBridge, ID: id, Name: b.Name, What: describeBridge(b), Reason: reason})
						for _, port := range b.Ports {
							gonePorts[port.ID] = true
						}
					}
				}
			case KindChain:
				for _, c := range o.st.Chains {
					if c.ID == id {
						p.add(Deletion{Kind: KindChain, ID: id, Name: c.Name, What: describeChain(c), Reason: reason})
					}
				}
			case KindAddrGroup:
				for _, g := range o.st.AddrGroups {
					if g.ID == id {
						p.add(Deletion{Kind: KindAddrGroup, ID: id, Name: g.Name, What: describeAddrGroup(g), Reason: reason})
					}
				}
			}
		}
	}
	for _, d := range o.extra {
		if d.ID != "" && gonePorts[d.ID] {
			continue // goes with its device
		}
		d.Reason = reason
		p.add(d)
		if d.Kind == KindPort {
			gonePorts[d.ID] = true
			if port, ok := o.r.portOf[d.ID]; ok && port.PortAddress != "" {
				goneAddrs[port.PortAddress] = o.r.portDevice[d.ID]
			}
		}
	}
	planCoreLeftovers(o.st, o.r, p, gonePorts, goneAddrs)
	p.sort()
}

func (o *objectLister) routerByID(id string) (Router, bool) {
	for _, rt := range o.st.Routers {
		if rt.ID == id {
			return rt, true
		}
	}
	return Router{}, false
}
