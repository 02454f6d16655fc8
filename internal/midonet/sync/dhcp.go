package sync

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
	"github.com/midovpc/midovpc/internal/topology"
)

// DHCP subnets are identified by bridge and prefix, DHCP hosts by subnet and MAC. Both are
// updated with PUT, which replaces the whole entry: every field is re-sent (decision (c)).

func (r *run) ensureDHCPSubnets() error {
	for _, d := range r.frag.DHCPSubnets {
		bridge, err := r.bridgeID(d.Bridge)
		if err != nil {
			return fmt.Errorf("%s: %w", d.Key(), err)
		}
		if err := r.ensureDHCPSubnet(bridge, d); err != nil {
			return err
		}
	}
	return nil
}

func addrStrings(as []netip.Addr) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.String())
	}
	return out
}

func (r *run) ensureDHCPSubnet(bridge string, d topology.DHCPSubnet) error {
	unlock := r.e.lock(bridge)
	defer unlock()
	if !r.findOnly {
		if err := r.e.Index.RefreshIfStale(r.ctx, index.KindBridge, bridge); err != nil {
			return err
		}
	}
	p := d.Prefix.Masked()
	cidr := p.String()
	want := midonet.DHCPSubnet{SubnetPrefix: p.Addr().String(), SubnetLength: p.Bits(), DNSServerAddrs: addrStrings(d.DNSServers)}
	if d.DefaultGateway.IsValid() {
		want.DefaultGateway = d.DefaultGateway.String()
	}
	id := index.DHCPSubnetID(bridge, cidr)
	i := slices.IndexFunc(r.e.Index.DHCPSubnetsOf(bridge), func(s midonet.DHCPSubnet) bool { return s.CIDR() == cidr })
	if i >= 0 {
		r.keep(d.Key(), id)
		actual := r.e.Index.DHCPSubnetsOf(bridge)[i]
		if r.findOnly || (actual.DefaultGateway == want.DefaultGateway && slices.Equal(actual.DNSServerAddrs, want.DNSServerAddrs)) {
			return nil
		}
		upd := actual // keep serverAddr, MTU, option 121 routes and enabled as they are
		upd.DefaultGateway, upd.DNSServerAddrs = want.DefaultGateway, want.DNSServerAddrs
		got, err := r.e.Client.UpdateDHCPSubnet(r.ctx, bridge, &upd)
		if err != nil {
			return r.failed(index.KindBridge, bridge, err, "update DHCP subnet %s of bridge %s", cidr, d.Bridge)
		}
		r.updated()
		r.e.Index.PutDHCPSubnet(bridge, *got)
		return nil
	}
	if r.findOnly {
		return nil
	}
	got, err := r.e.Client.CreateDHCPSubnet(r.ctx, bridge, &want)
	if err != nil {
		return r.failed(index.KindBridge, bridge, err, "create DHCP subnet %s of bridge %s", cidr, d.Bridge)
	}
	r.created()
	r.e.Index.PutDHCPSubnet(bridge, *got)
	r.keep(d.Key(), id)
	return nil
}

func (r *run) ensureDHCPHosts() error {
	return r.each(len(r.frag.DHCPHosts), func(i int) error {
		h := r.frag.DHCPHosts[i]
		bridge, err := r.bridgeID(h.Bridge)
		if err != nil {
			return fmt.Errorf("%s: %w", h.Key(), err)
		}
		return r.ensureDHCPHost(bridge, h)
	})
}

func (r *run) ensureDHCPHost(bridge string, h topology.DHCPHost) error {
	if err := r.refreshStale(index.KindBridge, bridge); err != nil {
		return err
	}
	cidr := h.Subnet.Masked().String()
	unlock := r.e.lockEntry(bridge, "dhcp-host "+cidr+" "+strings.ToLower(h.MAC))
	defer unlock()
	if !slices.ContainsFunc(r.e.Index.DHCPSubnetsOf(bridge), func(s midonet.DHCPSubnet) bool { return s.CIDR() == cidr }) {
		return missing("DHCP subnet %s of bridge %s", cidr, h.Bridge)
	}
	mac := strings.ToLower(h.MAC)
	want := midonet.DHCPHost{MacAddr: mac, IPAddr: h.IP.String(), Name: h.Name}
	for _, o := range h.ExtraOpts {
		want.ExtraDHCPOpts = append(want.ExtraDHCPOpts, midonet.ExtraDHCPOpt{OptName: o.Name, OptValue: o.Value})
	}
	id := index.DHCPHostID(bridge, cidr, mac)
	hosts := r.e.Index.DHCPHostsOf(bridge, cidr)
	if i := slices.IndexFunc(hosts, func(o midonet.DHCPHost) bool { return strings.EqualFold(o.MacAddr, mac) }); i >= 0 {
		r.keep(h.Key(), id)
		actual := hosts[i]
		if r.findOnly || (actual.IPAddr == want.IPAddr && actual.Name == want.Name && sameOpts(actual.ExtraDHCPOpts, want.ExtraDHCPOpts)) {
			return nil
		}
		want.MacAddr = actual.MacAddr // the path key as MidoNet spells it
		got, err := r.e.Client.UpdateDHCPHost(r.ctx, bridge, cidr, &want)
		if err != nil {
			return r.failed(index.KindBridge, bridge, err, "update DHCP host %s of %s on bridge %s", mac, cidr, h.Bridge)
		}
		r.updated()
		r.e.Index.PutDHCPHost(bridge, cidr, *got)
		return nil
	}
	if r.findOnly {
		return nil
	}
	got, err := r.e.Client.CreateDHCPHost(r.ctx, bridge, cidr, &want)
	if err != nil {
		return r.failed(index.KindBridge, bridge, err, "create DHCP host %s of %s on bridge %s", mac, cidr, h.Bridge)
	}
	r.created()
	r.e.Index.PutDHCPHost(bridge, cidr, *got)
	r.keep(h.Key(), id)
	return nil
}

func sameOpts(a, b []midonet.ExtraDHCPOpt) bool {
	return slices.Equal(a, b) || len(a) == 0 && len(b) == 0
}
