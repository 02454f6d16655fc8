package index

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/translate"
)

// Drift is what changed in MidoNet behind midovpc's back between two mirrors. Each list is
// ordered by kind and id.
type Drift struct {
	Vanished []Ref
	Changed  []Ref
	Appeared []Ref
}

// Empty reports whether nothing drifted.
func (d Drift) Empty() bool {
	return len(d.Vanished) == 0 && len(d.Changed) == 0 && len(d.Appeared) == 0
}

// All lists every drifted object.
func (d Drift) All() []Ref {
	out := slices.Clone(d.Vanished)
	out = append(out, d.Changed...)
	return append(out, d.Appeared...)
}

// flatEntry is one object of a flattened mirror: its ref, the container it belongs to (for
// skipping containers written during a resync) and a fingerprint of its content.
type flatEntry struct {
	ref       Ref
	container string
	print     string
}

// diff compares two mirrors, skipping the containers in skip.
func diff(old, fresh *mirror, skip map[string]bool) Drift {
	a, b := old.flatten(), fresh.flatten()
	var d Drift
	for k, e := range a {
		if skip[e.container] {
			continue
		}
		if f, ok := b[k]; !ok {
			d.Vanished = append(d.Vanished, e.ref)
		} else if f.print != e.print {
			d.Changed = append(d.Changed, f.ref)
		}
	}
	for k, f := range b {
		if skip[f.container] {
			continue
		}
		if _, ok := a[k]; !ok {
			d.Appeared = append(d.Appeared, f.ref)
		}
	}
	for _, l := range [][]Ref{d.Vanished, d.Changed, d.Appeared} {
		slices.SortFunc(l, func(x, y Ref) int {
			if c := strings.Compare(string(x.Kind), string(y.Kind)); c != 0 {
				return c
			}
			return strings.Compare(x.ID, y.ID)
		})
	}
	return d
}

// fingerprint prints what drift detection compares of an object: the fields a client writes,
// in a canonical form. Objects recorded from their own create or update (no read-back, see
// docs/design.md) and the same objects read from MidoNet must print the same, so the print
// leaves out what MidoNet fills in on its own: self links and other links, ids taken from the
// path (routerId, chainId, ipAddrGroupId, portGroupId), agent and allocation state (tunnelKey,
// active, bgpStatus), values derived from others (networkAddress, portSubnet), DHCP server
// defaults (serverAddr, interfaceMTU), and empty values (null, "", false, 0, [], {}), so that a
// default left out of a request equals the default read back. adminStateUp and enabled print
// only when false (true is the default).
func fingerprint(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return "unprintable"
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return string(data)
	}
	canon, err := json.Marshal(canonical(doc))
	if err != nil {
		return "unprintable"
	}
	return string(canon)
}

// serverFilled are the keys fingerprint leaves out (see there).
var serverFilled = map[string]bool{
	"uri": true, "routerId": true, "chainId": true, "ipAddrGroupId": true, "portGroupId": true,
	"tunnelKey": true, "active": true, "bgpStatus": true, "hostInterfacePort": true,
	"networkAddress": true, "portSubnet": true, "serverAddr": true, "interfaceMTU": true,
	"device": true, "host": true, "peer": true, "link": true, "portGroups": true,
	"inboundFilter": true, "outboundFilter": true, "peeringTable": true, "jumpChainName": true,
}

func canonical(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if serverFilled[k] || strings.HasSuffix(k, "Template") {
				continue
			}
			if (k == "adminStateUp" || k == "enabled") && e == true {
				continue
			}
			if e = canonical(e); !isEmpty(e) {
				out[k] = e
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = canonical(e)
		}
		return out
	}
	return v
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case bool:
		return !x
	case float64:
		return x == 0
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// flatten lists every object of the mirror that drift detection looks at. Server-managed state
// is left out: the automatic Local routes, a port's agent-reported "active" and BGP status,
// rule positions (a rule moves when another is inserted above it), and IP address groups whose
// name is not ours (they belong to other users of the installation).
func (m *mirror) flatten() map[string]flatEntry {
	out := map[string]flatEntry{}
	add := func(ref Ref, container string, content any) {
		out[string(ref.Kind)+"/"+ref.ID] = flatEntry{ref: ref, container: container, print: fingerprint(content)}
	}
	for id, r := range m.routers {
		ck := containerKey(KindRouter, id)
		add(Ref{Kind: KindRouter, ID: id, Name: r.Router.Name}, ck, r.Router)
		for pid, p := range r.Ports {
			add(Ref{Kind: KindPort, ID: pid, Parent: id}, ck, portPrint(p))
		}
		for rid, rt := range r.Routes {
			if rt.Type == midonet.RouteTypeLocal || rt.Learned {
				continue
			}
			add(Ref{Kind: KindRoute, ID: rid, Parent: id}, ck, rt)
		}
		for bid, p := range r.Peers {
			add(Ref{Kind: KindBGPPeer, ID: bid, Parent: id}, ck, p)
		}
		for bid, n := range r.Networks {
			add(Ref{Kind: KindBGPNetwork, ID: bid, Parent: id}, ck, n)
		}
	}
	for id, b := range m.bridges {
		ck := containerKey(KindBridge, id)
		add(Ref{Kind: KindBridge, ID: id, Name: b.Bridge.Name}, ck, b.Bridge)
		for pid, p := range b.Ports {
			add(Ref{Kind: KindPort, ID: pid, Parent: id}, ck, portPrint(p))
		}
		for cidr, d := range b.DHCP {
			sid := DHCPSubnetID(id, cidr)
			add(Ref{Kind: KindDHCPSubnet, ID: sid, Parent: id}, ck, d.Subnet)
			for _, h := range d.Hosts {
				add(Ref{Kind: KindDHCPHost, ID: DHCPHostID(id, cidr, h.MacAddr), Parent: sid}, ck, h)
			}
		}
		for _, e := range b.ARP {
			add(Ref{Kind: KindARP, ID: ARPID(id, e.IP, e.MAC), Parent: id}, ck, e)
		}
		for _, e := range b.MAC {
			add(Ref{Kind: KindMAC, ID: MACID(id, e.MacAddr, e.PortID), Parent: id}, ck, e)
		}
	}
	for id, c := range m.chains {
		ck := containerKey(KindChain, id)
		add(Ref{Kind: KindChain, ID: id, Name: c.Chain.Name}, ck, c.Chain)
		for i := range c.Rules {
			r := c.Rules[i].unpack(id)
			r.Position = 0
			add(Ref{Kind: KindRule, ID: r.ID, Parent: id}, ck, r)
		}
	}
	for id, g := range m.groups {
		if !translate.IsOwnedName(g.Group.Name) {
			continue
		}
		ck := containerKey(KindAddrGroup, id)
		add(Ref{Kind: KindAddrGroup, ID: id, Name: g.Group.Name}, ck, g.Group)
		for _, a := range g.Addrs {
			add(Ref{Kind: KindAddr, ID: AddrID(id, a), Parent: id}, ck, a)
		}
	}
	for id, g := range m.portGroups {
		ck := containerKey(KindPortGroup, id)
		add(Ref{Kind: KindPortGroup, ID: id, Name: g.PortGroup.Name}, ck, g.PortGroup)
		for _, p := range g.Members {
			add(Ref{Kind: KindMember, ID: MemberID(id, p), Parent: id}, ck, p)
		}
	}
	for id, h := range m.hosts {
		ck := containerKey(KindHost, id)
		add(Ref{Kind: KindHost, ID: id, Name: h.Host.Name}, ck, struct {
			Alive      bool
			Interfaces []midonet.HostInterface
		}{h.Host.Alive, h.Interfaces})
	}
	for id, z := range m.zones {
		add(Ref{Kind: KindTunnelZone, ID: id, Name: z.Zone.Name}, "", z.Zone)
		for _, mem := range z.Members {
			add(Ref{Kind: KindZoneMember, ID: "tzmember:" + id + ":" + mem.HostID, Parent: id}, "", mem)
		}
	}
	return out
}

// portPrint leaves out agent state and the derived binding link (not known to write-through).
func portPrint(p midonet.Port) midonet.Port {
	p.Active, p.BgpStatus, p.HostInterfacePort = false, nil, nil
	return p
}
