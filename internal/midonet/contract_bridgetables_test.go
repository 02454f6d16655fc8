package midonet_test

import (
	"reflect"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
)

// DHCP subnets and hosts (spec §2.9) and the bridge state tables (§2.14).
func TestContractBridgeTables(t *testing.T) {
	t.Run("§2.9 DHCP subnets and hosts", func(t *testing.T) {
		e := plainEnv(t)
		br := must[*midonet.Bridge](t, "bridge")(e.c.CreateBridge(e.ctx, &midonet.Bridge{Name: "subnet-1"}))
		const cidr = "10.0.1.0/24"
		in := &midonet.DHCPSubnet{SubnetPrefix: "10.0.1.0", SubnetLength: 24, DefaultGateway: "10.0.1.1", ServerAddr: "10.0.1.2",
			DNSServerAddrs: []string{"10.0.0.2", "8.8.8.8"}, InterfaceMTU: midonet.Int(1450),
			Opt121Routes: []midonet.Opt121Route{{DestinationPrefix: "169.254.169.254", DestinationLength: 32, GatewayAddr: "10.0.1.1"}}}
		s := must[*midonet.DHCPSubnet](t, "create subnet")(e.c.CreateDHCPSubnet(e.ctx, br.ID, in))
		want := *in
		want.Enabled, want.URI = midonet.Bool(true), s.URI
		if !reflect.DeepEqual(*s, want) || s.CIDR() != cidr || s.URI != e.run.URL+"/bridges/"+br.ID+"/dhcp/10.0.1.0_24" {
			t.Fatalf("subnet = %+v\nwant %+v", *s, want)
		}
		_, err := e.c.CreateDHCPSubnet(e.ctx, br.ID, &midonet.DHCPSubnet{SubnetPrefix: "10.0.1.0", SubnetLength: 24})
		wantConflict(t, err, "The specified DHCP subnet(10.0.1.0/24) already exists on this bridge.")
		_, err = e.c.CreateDHCPSubnet(e.ctx, newID(), in)
		wantNotFound(t, err, "")
		must[*midonet.DHCPSubnet](t, "second subnet")(e.c.CreateDHCPSubnet(e.ctx, br.ID, &midonet.DHCPSubnet{SubnetPrefix: "10.0.2.0", SubnetLength: 24}))
		if got := must[[]midonet.DHCPSubnet](t, "list subnets")(e.c.ListDHCPSubnets(e.ctx, br.ID)); len(got) != 2 {
			t.Fatalf("subnets = %+v", got)
		}

		host := &midonet.DHCPHost{MacAddr: "d0:0d:12:34:56:78", IPAddr: "10.0.1.5", Name: "i-12345678",
			ExtraDHCPOpts: []midonet.ExtraDHCPOpt{{OptName: "domain_search", OptValue: "example.internal"}}}
		h := must[*midonet.DHCPHost](t, "create host")(e.c.CreateDHCPHost(e.ctx, br.ID, cidr, host))
		if h.MacAddr != host.MacAddr || h.IPAddr != host.IPAddr || h.Name != host.Name ||
			!reflect.DeepEqual(h.ExtraDHCPOpts, host.ExtraDHCPOpts) || h.URI != s.URI+"/hosts/"+host.MacAddr {
			t.Fatalf("host = %+v", h)
		}
		_, err = e.c.CreateDHCPHost(e.ctx, br.ID, cidr, &midonet.DHCPHost{MacAddr: host.MacAddr, IPAddr: "10.0.1.9", Name: "dup"})
		wantConflict(t, err, "Subnet 10.0.1.0/24 on bridge "+br.ID+" already has a host with MAC address "+host.MacAddr+".")

		// PUT replaces the host in place: new address, new options, same key.
		changed := &midonet.DHCPHost{MacAddr: host.MacAddr, IPAddr: "10.0.1.6", Name: "i-12345678",
			ExtraDHCPOpts: []midonet.ExtraDHCPOpt{{OptName: "domain_search", OptValue: "other.internal"}, {OptName: "ntp_server", OptValue: "10.0.0.3"}}}
		h = must[*midonet.DHCPHost](t, "update host")(e.c.UpdateDHCPHost(e.ctx, br.ID, cidr, changed))
		if h.IPAddr != "10.0.1.6" || !reflect.DeepEqual(h.ExtraDHCPOpts, changed.ExtraDHCPOpts) {
			t.Fatalf("updated host = %+v", h)
		}
		if got := must[[]midonet.DHCPHost](t, "list hosts")(e.c.ListDHCPHosts(e.ctx, br.ID, cidr)); len(got) != 1 || got[0].IPAddr != "10.0.1.6" {
			t.Fatalf("hosts after update = %+v", got)
		}
		if got := must[*midonet.DHCPHost](t, "get host")(e.c.GetDHCPHost(e.ctx, br.ID, cidr, host.MacAddr)); !reflect.DeepEqual(got, h) {
			t.Fatalf("get host = %+v, want %+v", got, h)
		}

		// A subnet PUT replaces its fields and keeps its hosts.
		s.DNSServerAddrs, s.DefaultGateway, s.InterfaceMTU = []string{"1.1.1.1"}, "10.0.1.254", nil
		s = must[*midonet.DHCPSubnet](t, "update subnet")(e.c.UpdateDHCPSubnet(e.ctx, br.ID, s))
		if s.DefaultGateway != "10.0.1.254" || len(s.DNSServerAddrs) != 1 || s.InterfaceMTU != nil || s.ServerAddr != "10.0.1.2" {
			t.Fatalf("updated subnet = %+v", s)
		}
		if got := must[[]midonet.DHCPHost](t, "hosts kept")(e.c.ListDHCPHosts(e.ctx, br.ID, cidr)); len(got) != 1 {
			t.Fatalf("hosts after subnet PUT = %+v", got)
		}

		noSubnet := "Network " + br.ID + " does not have a subnet with address 10.0.1.0/24."
		mustDo(t, "delete host", e.c.DeleteDHCPHost(e.ctx, br.ID, cidr, host.MacAddr))
		_, err = e.c.GetDHCPHost(e.ctx, br.ID, cidr, host.MacAddr)
		wantNotFound(t, err, "")
		wantNotFound(t, e.c.DeleteDHCPHost(e.ctx, br.ID, cidr, host.MacAddr), noSubnet) // same text for a missing host

		// Deleting a subnet deletes its hosts; deleting the bridge deletes its subnets.
		must[*midonet.DHCPHost](t, "host again")(e.c.CreateDHCPHost(e.ctx, br.ID, cidr, host))
		mustDo(t, "delete subnet", e.c.DeleteDHCPSubnet(e.ctx, br.ID, cidr))
		_, err = e.c.ListDHCPHosts(e.ctx, br.ID, cidr)
		wantNotFound(t, err, "")
		wantNotFound(t, e.c.DeleteDHCPSubnet(e.ctx, br.ID, cidr), noSubnet)
		must[*midonet.DHCPSubnet](t, "subnet again")(e.c.CreateDHCPSubnet(e.ctx, br.ID, in))
		must[*midonet.DHCPHost](t, "host again")(e.c.CreateDHCPHost(e.ctx, br.ID, cidr, host))
		mustDo(t, "delete bridge", e.c.DeleteBridge(e.ctx, br.ID))
		_, err = e.c.GetDHCPSubnet(e.ctx, br.ID, cidr)
		wantNotFound(t, err, "")
		_, err = e.c.GetDHCPHost(e.ctx, br.ID, cidr, host.MacAddr)
		wantNotFound(t, err, "")
		// A new bridge with the same subnet starts empty: nothing survived the cascade.
		br2 := must[*midonet.Bridge](t, "bridge 2")(e.c.CreateBridge(e.ctx, &midonet.Bridge{ID: br.ID, Name: "again"}))
		if got := must[[]midonet.DHCPSubnet](t, "subnets of the recreated bridge")(e.c.ListDHCPSubnets(e.ctx, br2.ID)); len(got) != 0 {
			t.Fatalf("subnets survived the bridge delete: %+v", got)
		}
	})

	t.Run("§2.14 MAC table", func(t *testing.T) {
		e := plainEnv(t)
		br := must[*midonet.Bridge](t, "bridge")(e.c.CreateBridge(e.ctx, &midonet.Bridge{Name: "b"}))
		other := must[*midonet.Bridge](t, "other bridge")(e.c.CreateBridge(e.ctx, &midonet.Bridge{Name: "o"}))
		p := must[*midonet.Port](t, "port")(e.c.CreateBridgePort(e.ctx, br.ID, &midonet.Port{}))
		op := must[*midonet.Port](t, "other port")(e.c.CreateBridgePort(e.ctx, other.ID, &midonet.Port{}))
		const mac = "d0:0d:12:34:56:78"
		m := must[*midonet.MacPort](t, "create")(e.c.CreateMACEntry(e.ctx, br.ID, &midonet.MacPort{MacAddr: mac, PortID: p.ID}))
		if m.MacAddr != mac || m.PortID != p.ID || m.URI != e.run.URL+"/bridges/"+br.ID+"/mac_table/d0-0d-12-34-56-78_"+p.ID {
			t.Fatalf("entry = %+v", m)
		}
		if got := must[*midonet.MacPort](t, "get")(e.c.GetMACEntry(e.ctx, br.ID, mac, p.ID)); got.PortID != p.ID {
			t.Fatalf("get = %+v", got)
		}
		if got := must[[]midonet.MacPort](t, "list")(e.c.ListMACEntries(e.ctx, br.ID)); len(got) != 1 {
			t.Fatalf("entries = %+v", got)
		}
		_, err := e.c.CreateMACEntry(e.ctx, br.ID, &midonet.MacPort{MacAddr: mac, PortID: op.ID})
		wantValidation(t, err, "The port must belong to the bridge that owns the MAC table.")
		_, err = e.c.CreateMACEntry(e.ctx, br.ID, &midonet.MacPort{MacAddr: "not-a-mac", PortID: p.ID})
		wantValidation(t, err, "")
		mustDo(t, "delete", e.c.DeleteMACEntry(e.ctx, br.ID, mac, p.ID))
		_, err = e.c.GetMACEntry(e.ctx, br.ID, mac, p.ID)
		wantNotFound(t, err, "")
		mustDo(t, "delete again (204)", e.c.DeleteMACEntry(e.ctx, br.ID, mac, p.ID))
		if got := must[[]midonet.MacPort](t, "list")(e.c.ListMACEntries(e.ctx, br.ID)); len(got) != 0 {
			t.Fatalf("entries after delete = %+v", got)
		}
	})

	t.Run("§2.14 ARP table", func(t *testing.T) {
		e := plainEnv(t)
		br := must[*midonet.Bridge](t, "bridge")(e.c.CreateBridge(e.ctx, &midonet.Bridge{Name: "b"}))
		a := must[*midonet.IP4Mac](t, "create")(e.c.CreateARPEntry(e.ctx, br.ID, &midonet.IP4Mac{IP: "10.0.1.5", MAC: "d0:0d:12:34:56:78"}))
		if a.IP != "10.0.1.5" || a.MAC != "d0:0d:12:34:56:78" || a.URI != e.run.URL+"/bridges/"+br.ID+"/arp_table/10.0.1.5_d0-0d-12-34-56-78" {
			t.Fatalf("entry = %+v", a)
		}
		must[*midonet.IP4Mac](t, "create second")(e.c.CreateARPEntry(e.ctx, br.ID, &midonet.IP4Mac{IP: "10.0.1.6", MAC: "d0:0d:12:34:56:79"}))
		if got := must[*midonet.IP4Mac](t, "get")(e.c.GetARPEntry(e.ctx, br.ID, "10.0.1.5", "d0:0d:12:34:56:78")); got.IP != "10.0.1.5" {
			t.Fatalf("get = %+v", got)
		}
		if got := must[[]midonet.IP4Mac](t, "list")(e.c.ListARPEntries(e.ctx, br.ID)); len(got) != 2 {
			t.Fatalf("entries = %+v", got)
		}
		_, err := e.c.CreateARPEntry(e.ctx, br.ID, &midonet.IP4Mac{IP: "10.0.1.7", MAC: "zz"})
		wantValidation(t, err, "Invalid MAC address: zz")
		mustDo(t, "delete", e.c.DeleteARPEntry(e.ctx, br.ID, "10.0.1.5", "d0:0d:12:34:56:78"))
		mustDo(t, "delete again (204)", e.c.DeleteARPEntry(e.ctx, br.ID, "10.0.1.5", "d0:0d:12:34:56:78"))
		_, err = e.c.GetARPEntry(e.ctx, br.ID, "10.0.1.5", "d0:0d:12:34:56:78")
		wantNotFound(t, err, "")
		if got := must[[]midonet.IP4Mac](t, "list")(e.c.ListARPEntries(e.ctx, br.ID)); len(got) != 1 || got[0].IP != "10.0.1.6" {
			t.Fatalf("entries after delete = %+v", got)
		}
	})
}
