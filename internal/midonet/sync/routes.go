package sync

import (
	"net/netip"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
	"github.com/midovpc/midovpc/internal/topology"
)

// Routes are immutable and unnamed: one is the desired route when router, source, destination,
// next-hop port, gateway, weight and type are all equal.

func (r *run) ensureRoutes() error {
	for _, rt := range r.frag.Routes {
		router, err := r.routerID(rt.Router)
		if err != nil {
			return err
		}
		hop, err := r.portID(rt.NextHopPort)
		if err != nil {
			return err
		}
		if err := r.ensureRoute(router, hop, rt); err != nil {
			return err
		}
	}
	return nil
}

// ensureRoute edits one route under the entry lock of its destination, not the router's lock:
// routes are order-free, and every interface of the cloud adds one to eucart (a thousand
// interfaces each waited for the route before theirs, one round trip at a time). The routes
// that could match each other (RoutesTo: the same destination) still wait for each other.
func (r *run) ensureRoute(router, hop string, rt topology.Route) error {
	if err := r.refreshStale(index.KindRouter, router); err != nil {
		return err
	}
	unlock := r.e.lockEntry(router, "route "+rt.Dst.String())
	defer unlock()
	key := rt.Key()
	var cands []midonet.Route
	for _, a := range r.e.Index.RoutesTo(router, rt.Dst) {
		if sameRoute(a, hop, rt) {
			cands = append(cands, a)
		}
	}
	if got, ok := preferred(cands, func(a midonet.Route) string { return a.ID }, r.e.objectID(key), r); ok {
		r.keep(key, got.ID)
		return nil
	}
	if r.findOnly {
		return nil
	}
	want := &midonet.Route{
		ID:             r.e.objectID(key),
		SrcNetworkAddr: rt.Src.Addr().String(), SrcNetworkLength: rt.Src.Bits(),
		DstNetworkAddr: rt.Dst.Addr().String(), DstNetworkLength: rt.Dst.Bits(),
		Type: rt.Type, NextHopPort: &hop, Weight: rt.Weight,
	}
	if rt.Gateway.IsValid() {
		gw := rt.Gateway.String()
		want.NextHopGateway = &gw
	}
	got, err := r.e.Client.CreateRoute(r.ctx, router, want)
	if err != nil && midonet.IsConflict(err) {
		got, err = adopt(r, "route", key, func() (*midonet.Route, error) { return r.e.Client.GetRoute(r.ctx, want.ID) },
			func(x *midonet.Route) bool { return sameRoute(*x, hop, rt) })
	} else if err == nil {
		r.created()
	}
	if err != nil {
		return r.failed(index.KindRouter, router, err, "create %s", key)
	}
	r.e.Index.PutRoute(router, *got)
	r.keep(key, got.ID)
	return nil
}

func sameRoute(a midonet.Route, hop string, rt topology.Route) bool {
	if a.Type != rt.Type || midonet.Deref(a.NextHopPort) != hop || a.Weight != rt.Weight {
		return false
	}
	if !samePrefix(a.SrcNetworkAddr, a.SrcNetworkLength, rt.Src) || !samePrefix(a.DstNetworkAddr, a.DstNetworkLength, rt.Dst) {
		return false
	}
	gw := midonet.Deref(a.NextHopGateway)
	if !rt.Gateway.IsValid() {
		return gw == ""
	}
	got, err := netip.ParseAddr(gw)
	return err == nil && got == rt.Gateway
}

func samePrefix(addr string, length int, want netip.Prefix) bool {
	a, err := netip.ParseAddr(addr)
	return err == nil && a == want.Addr() && length == want.Bits()
}
