package topology

import (
	"bytes"
	"fmt"
	"io"
	"net/netip"
	"strings"
)

// Dump writes the fragment, sorted, one object per line (rules indented under their chain):
//
//	owner Vpc ns/vpc-1a2b3c4d
//	router vr_vpc-1a2b3c4d_2
//	port vr_vpc-1a2b3c4d_2[uplink] router 169.254.0.2 net=169.254.0.0/17 in=… peer=eucabr[vpc:vpc-1a2b3c4d]
//	route vr_vpc-1a2b3c4d_2 0.0.0.0/0>169.254.0.0/17 port=vr_vpc-1a2b3c4d_2[uplink] w=0
//	chain vc_vpc-1a2b3c4d_prechain
//	  1 jump chain=vc_vpc-1a2b3c4d_preelip
func (f Fragment) Dump(w io.Writer) error {
	s := f.Clone()
	s.Sort()
	var b bytes.Buffer
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("owner %s", s.Owner)
	for _, r := range s.Routers {
		line("router %s%s%s", r.Name, filters(r.InboundFilter, r.OutboundFilter), asn(r.ASNumber))
	}
	for _, x := range s.Bridges {
		line("bridge %s%s", x.Name, filters(x.InboundFilter, x.OutboundFilter))
	}
	for _, p := range s.Ports {
		var extra strings.Builder
		if p.Kind == RouterPort {
			fmt.Fprintf(&extra, " %s net=%s", p.Address, p.Network)
			if p.MAC != "" {
				fmt.Fprintf(&extra, " mac=%s", p.MAC)
			}
		}
		extra.WriteString(filters(p.InboundFilter, p.OutboundFilter))
		if p.Peer != nil {
			fmt.Fprintf(&extra, " peer=%s", p.Peer)
		}
		if p.Binding != nil {
			fmt.Fprintf(&extra, " bind=%s:%s", p.Binding.Host, p.Binding.Interface)
		}
		line("port %s %s%s", p.Ref, strings.ToLower(string(p.Kind)), extra.String())
	}
	for _, r := range s.Routes {
		gw := ""
		if r.Gateway.IsValid() {
			gw = " gw=" + r.Gateway.String()
		}
		typ := ""
		if r.Type != RouteNormal {
			typ = " type=" + r.Type
		}
		line("route %s %s>%s port=%s%s w=%d%s", r.Router, r.Src, r.Dst, r.NextHopPort, gw, r.Weight, typ)
	}
	for _, c := range s.Chains {
		shared := ""
		if c.Shared {
			shared = " shared"
		}
		line("chain %s%s", c.Name, shared)
		for i, r := range c.Rules {
			line("  %d %s", i+1, r)
		}
	}
	for _, cr := range s.ChainRules {
		line("chain-rules %s %s", cr.Chain, cr.Placement)
		for _, r := range cr.Rules {
			line("  - %s", r)
		}
	}
	for _, a := range s.AddrGroups {
		shared := ""
		if a.Shared {
			shared = " shared"
		}
		line("addrgroup %s %s%s", a.Name, addrs(a.Addresses), shared)
	}
	for _, ga := range s.GroupAddrs {
		line("group-addrs %s %s", ga.Group, addrs(ga.Addresses))
	}
	for _, pg := range s.PortGroups {
		st := ""
		if pg.Stateful {
			st = " stateful"
		}
		m := make([]string, len(pg.Members))
		for i, p := range pg.Members {
			m[i] = p.String()
		}
		line("portgroup %s%s members=[%s]", pg.Name, st, strings.Join(m, ","))
	}
	for _, d := range s.DHCPSubnets {
		line("dhcp-subnet %s %s gw=%s dns=%s", d.Bridge, d.Prefix, d.DefaultGateway, addrs(d.DNSServers))
	}
	for _, h := range s.DHCPHosts {
		opts := make([]string, len(h.ExtraOpts))
		for i, o := range h.ExtraOpts {
			opts[i] = o.Name + "=" + o.Value
		}
		line("dhcp-host %s %s name=%s mac=%s ip=%s opts=[%s]", h.Bridge, h.Subnet, h.Name, h.MAC, h.IP, strings.Join(opts, ","))
	}
	for _, e := range s.ARPEntries {
		mac := e.MAC
		if e.MACOfPort != nil {
			mac = "mac-of:" + e.MACOfPort.String()
		}
		line("arp %s %s>%s", e.Bridge, e.IP, mac)
	}
	for _, e := range s.MACEntries {
		line("mac %s %s>%s", e.Bridge, e.MAC, e.Port)
	}
	for _, p := range s.BGPPeers {
		line("bgp-peer %s as=%d %s", p.Router, p.ASN, p.Address)
	}
	for _, n := range s.BGPNetworks {
		line("bgp-network %s %s", n.Router, n.Prefix)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// String returns Dump's text.
func (f Fragment) String() string {
	var b strings.Builder
	_ = f.Dump(&b) // a strings.Builder never fails
	return b.String()
}

func filters(in, out string) string {
	s := ""
	if in != "" {
		s += " in=" + in
	}
	if out != "" {
		s += " out=" + out
	}
	return s
}

func asn(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" as=%d", n)
}

func addrs(as []netip.Addr) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return "{" + strings.Join(s, ",") + "}"
}
