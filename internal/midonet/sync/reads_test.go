package sync_test

import (
	"net/netip"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	"github.com/midovpc/midovpc/internal/topology"
)

// TestNoReadsAfterTheIndexLoad: a create answered 201 is recorded from the request itself, so
// after the index load a cold converge, an edit and a converge after a restart read nothing
// from MidoNet (counted by the emulator).
func TestNoReadsAfterTheIndexLoad(t *testing.T) {
	e := newEnv(t, sim.Options{})
	e.reset()
	res := e.sync(smallTopology(), nil)
	if res.Created == 0 {
		t.Fatal("cold converge created nothing")
	}
	if n := e.sim.Server.Reads(); n != 0 {
		t.Errorf("cold converge of %d creates made %d reads, want 0", res.Created, n)
	}

	edited := smallTopology()
	edited.Chains[1].Rules = append(edited.Chains[1].Rules, topology.Rule{Type: topology.RuleAccept, NWProto: num(6), TPDst: &topology.Range{Start: 443, End: 443}})
	e.reset()
	res = e.sync(edited, res.Owned)
	if res.Writes != 1 || e.sim.Server.Reads() != 0 {
		t.Errorf("one rule added: %d writes, %d reads; want 1 and 0", res.Writes, e.sim.Server.Reads())
	}

	e.reload() // a restarted manager: the index load reads, nothing after it does
	e.reset()
	res = e.sync(edited, res.Owned)
	if res.Writes != 0 || e.sim.Server.Reads() != 0 {
		t.Errorf("converge after a restart: %d writes, %d reads; want 0 and 0%s", res.Writes, e.sim.Server.Reads(), describe(e.writes()))
	}
}

// TestWritesRecordedFromRequestsAreNotDrift: what the engine recorded from its requests and
// what MidoNet answers when read agree, so a resync after a converge finds no drift.
func TestWritesRecordedFromRequestsAreNotDrift(t *testing.T) {
	e := newEnv(t, sim.Options{})
	e.sync(smallTopology(), nil)
	d, err := e.idx.Resync(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Empty() {
		t.Errorf("resync after a converge reports drift: %+v", d)
	}
}

// TestRouterPortMACChosenByTheEngine: a router port without a MAC of its own gets one in
// MidoNet's ac:ca:ba range from the engine, which is what the subnet's ARP entry needs.
func TestRouterPortMACChosenByTheEngine(t *testing.T) {
	e := newEnv(t, sim.Options{})
	res := e.sync(smallTopology(), nil)
	p, err := e.raw.GetPort(e.ctx, res.IDs[topology.Port{Ref: rtPort}.Key()])
	if err != nil {
		t.Fatal(err)
	}
	if len(p.PortMAC) != 17 || p.PortMAC[:9] != "ac:ca:ba:" {
		t.Fatalf("router port MAC %q, want one in ac:ca:ba", p.PortMAC)
	}
	arp, err := e.raw.ListARPEntries(e.ctx, res.IDs[topology.Bridge{Name: subBridge}.Key()])
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range arp {
		if a.IP == "10.0.1.2" && a.MAC != p.PortMAC {
			t.Errorf("ARP entry 10.0.1.2 → %s, want the router port's %s", a.MAC, p.PortMAC)
		}
	}
}

// TestDeletedPortLeavesNoMACEntry: MidoNet keeps the MAC-table entries of a deleted port, so
// the owner deleting a bridge port deletes every entry pointing at it, even one it never
// recorded (written behind its back).
func TestDeletedPortLeavesNoMACEntry(t *testing.T) {
	e := newEnv(t, sim.Options{})
	res := e.sync(smallTopology(), nil)
	bridge := res.IDs[topology.Bridge{Name: subBridge}.Key()]
	port := res.IDs[topology.Port{Ref: ifPort}.Key()]
	if _, err := e.raw.CreateMACEntry(e.ctx, bridge, &midonet.MacPort{MacAddr: "d0:0d:99:99:99:99", PortID: port}); err != nil {
		t.Fatal(err)
	}
	e.reload()

	without := smallTopology()
	without.Ports = without.Ports[:2]
	without.MACEntries = nil
	without.Chains[2].Rules = without.Chains[2].Rules[:0]
	without.ARPEntries = without.ARPEntries[:1]
	without.DHCPHosts = nil
	e.sync(without, res.Owned)
	entries, err := e.raw.ListMACEntries(e.ctx, bridge)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("MAC table after the port's delete: %+v, want empty", entries)
	}
	if _, err := e.raw.GetPort(e.ctx, port); !midonet.IsNotFound(err) {
		t.Errorf("port still there: %v", err)
	}
}

// TestIPv6GroupAddressAdoptedAsItIs: MidoNet lists IPv6 group addresses uncompressed; after a
// restart the engine still recognises its own (no write, in particular no delete and re-add).
func TestIPv6GroupAddressAdoptedAsItIs(t *testing.T) {
	e := newEnv(t, sim.Options{})
	f := topology.Fragment{Owner: topology.Owner{Kind: topology.KindSecurityGroup, Namespace: "euca", Name: "sg-66667777"},
		AddrGroups: []topology.AddrGroup{{Name: "sg_all_sg-66667777", Addresses: []netip.Addr{ip("2001:db8::1"), ip("10.0.0.1")}}}}
	res := e.sync(f, nil)
	e.reload()
	e.reset()
	if res = e.sync(f, res.Owned); res.Writes != 0 {
		t.Errorf("sync after a restart made %d writes:%s", res.Writes, describe(e.writes()))
	}
}
