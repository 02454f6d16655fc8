package sync

import (
	"fmt"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
)

// BGP peers are identified by router, address and AS number; networks by router and prefix.
// The local AS number is a router field (ensureRouters).

func (r *run) ensureBGP() error {
	for _, p := range r.frag.BGPPeers {
		router, err := r.routerID(p.Router)
		if err != nil {
			return fmt.Errorf("%s: %w", p.Key(), err)
		}
		key, det := p.Key(), r.e.objectID(p.Key())
		var cands []midonet.BgpPeer
		for _, a := range r.e.Index.BGPPeersOf(router) {
			if a.Address == p.Address.String() && a.ASNumber == p.ASN {
				cands = append(cands, a)
			}
		}
		if got, ok := preferred(cands, func(a midonet.BgpPeer) string { return a.ID }, det, r); ok {
			r.keep(key, got.ID)
			continue
		}
		if r.findOnly {
			continue
		}
		got, err := r.e.Client.CreateBgpPeer(r.ctx, router, &midonet.BgpPeer{ID: det, ASNumber: p.ASN, Address: p.Address.String()})
		if err != nil && midonet.IsConflict(err) {
			got, err = adopt(r, "BGP peer", key, func() (*midonet.BgpPeer, error) { return r.e.Client.GetBgpPeer(r.ctx, det) },
				func(x *midonet.BgpPeer) bool { return x.Address == p.Address.String() && x.ASNumber == p.ASN })
		} else if err == nil {
			r.created()
		}
		if err != nil {
			return r.failed(index.KindRouter, router, err, "create %s", key)
		}
		r.e.Index.PutBGPPeer(router, *got)
		r.keep(key, got.ID)
	}
	for _, n := range r.frag.BGPNetworks {
		router, err := r.routerID(n.Router)
		if err != nil {
			return fmt.Errorf("%s: %w", n.Key(), err)
		}
		key, det := n.Key(), r.e.objectID(n.Key())
		var cands []midonet.BgpNetwork
		for _, a := range r.e.Index.BGPNetworksOf(router) {
			if a.SubnetAddress == n.Prefix.Addr().String() && a.SubnetLength == n.Prefix.Bits() {
				cands = append(cands, a)
			}
		}
		if got, ok := preferred(cands, func(a midonet.BgpNetwork) string { return a.ID }, det, r); ok {
			r.keep(key, got.ID)
			continue
		}
		if r.findOnly {
			continue
		}
		want := &midonet.BgpNetwork{ID: det, SubnetAddress: n.Prefix.Addr().String(), SubnetLength: n.Prefix.Bits()}
		got, err := r.e.Client.CreateBgpNetwork(r.ctx, router, want)
		if err != nil && midonet.IsConflict(err) {
			got, err = adopt(r, "BGP network", key, func() (*midonet.BgpNetwork, error) { return r.e.Client.GetBgpNetwork(r.ctx, det) },
				func(x *midonet.BgpNetwork) bool {
					return x.SubnetAddress == want.SubnetAddress && x.SubnetLength == want.SubnetLength
				})
		} else if err == nil {
			r.created()
		}
		if err != nil {
			return r.failed(index.KindRouter, router, err, "create %s", key)
		}
		r.e.Index.PutBGPNetwork(router, *got)
		r.keep(key, got.ID)
	}
	return nil
}
