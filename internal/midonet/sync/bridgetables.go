package sync

import (
	"fmt"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
	"github.com/midovpc/midovpc/internal/topology"
)

// ARP entries are keyed by IP (one IP has one MAC on a bridge): the owner of the key replaces
// an entry of that IP with another MAC. MAC-table entries are keyed by MAC and port.

func (r *run) ensureARPEntries() error {
	return r.each(len(r.frag.ARPEntries), func(i int) error { return r.ensureARPEntry(r.frag.ARPEntries[i]) })
}

func (r *run) ensureARPEntry(e topology.ARPEntry) error {
	bridge, err := r.bridgeID(e.Bridge)
	if err != nil {
		return fmt.Errorf("%s: %w", e.Key(), err)
	}
	mac := strings.ToLower(e.MAC)
	if e.MACOfPort != nil {
		id, err := r.portID(*e.MACOfPort)
		if err != nil {
			return fmt.Errorf("%s: %w", e.Key(), err)
		}
		p, _ := r.e.Index.Port(id)
		if p.PortMAC == "" {
			return missing("MAC of port %s", *e.MACOfPort)
		}
		mac = strings.ToLower(p.PortMAC) // the MAC MidoNet gave the router port
	}
	if err := r.refreshStale(index.KindBridge, bridge); err != nil {
		return err
	}
	ip := e.IP.String()
	unlock := r.e.lockEntry(bridge, "arp "+ip) // one IP has one MAC on a bridge
	defer unlock()
	var others []midonet.IP4Mac
	found := false
	for _, a := range r.e.Index.ARPEntriesOf(bridge) {
		switch {
		case a.IP != ip:
		case strings.EqualFold(a.MAC, mac):
			found = true
			r.keep(e.Key(), index.ARPID(bridge, ip, a.MAC))
		default:
			others = append(others, a)
		}
	}
	if r.findOnly {
		for _, a := range others { // a stale entry of this IP is ours as well
			r.kept.set(index.ARPID(bridge, ip, a.MAC), true)
		}
		return nil
	}
	if !found {
		got, err := r.e.Client.CreateARPEntry(r.ctx, bridge, &midonet.IP4Mac{IP: ip, MAC: mac})
		if err != nil {
			return r.failed(index.KindBridge, bridge, err, "create ARP entry %s → %s on bridge %s", ip, mac, e.Bridge)
		}
		r.created()
		r.e.Index.PutARPEntry(bridge, *got)
		r.keep(e.Key(), index.ARPID(bridge, ip, got.MAC))
	}
	for _, a := range others {
		if err := r.e.Client.DeleteARPEntry(r.ctx, bridge, a.IP, a.MAC); !gone(err) {
			return r.failed(index.KindBridge, bridge, err, "delete stale ARP entry %s → %s on bridge %s", a.IP, a.MAC, e.Bridge)
		}
		r.removed(index.ARPID(bridge, a.IP, a.MAC))
		r.e.Index.DeleteARPEntry(bridge, a.IP, a.MAC)
	}
	return nil
}

func (r *run) ensureMACEntries() error {
	return r.each(len(r.frag.MACEntries), func(i int) error { return r.ensureMACEntry(r.frag.MACEntries[i]) })
}

func (r *run) ensureMACEntry(e topology.MACEntry) error {
	bridge, err := r.bridgeID(e.Bridge)
	if err != nil {
		return fmt.Errorf("%s: %w", e.Key(), err)
	}
	port, err := r.portID(e.Port)
	if err != nil {
		return fmt.Errorf("%s: %w", e.Key(), err)
	}
	mac := strings.ToLower(e.MAC)
	if err := r.refreshStale(index.KindBridge, bridge); err != nil {
		return err
	}
	unlock := r.e.lockEntry(bridge, "mac "+mac+" "+port)
	defer unlock()
	for _, a := range r.e.Index.MACEntriesOf(bridge) {
		if a.PortID == port && strings.EqualFold(a.MacAddr, mac) {
			r.keep(e.Key(), index.MACID(bridge, a.MacAddr, port))
			return nil
		}
	}
	if r.findOnly {
		return nil
	}
	got, err := r.e.Client.CreateMACEntry(r.ctx, bridge, &midonet.MacPort{MacAddr: mac, PortID: port})
	if err != nil {
		return r.failed(index.KindBridge, bridge, err, "create MAC entry %s → port %s on bridge %s", mac, e.Port, e.Bridge)
	}
	r.created()
	r.e.Index.PutMACEntry(bridge, *got)
	r.keep(e.Key(), index.MACID(bridge, got.MacAddr, port))
	return nil
}
