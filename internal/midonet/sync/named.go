package sync

import (
	"fmt"
	"slices"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/topology"
	"github.com/midovpc/midovpc/internal/translate"
)

// Named objects (chains, IP address groups, port groups, routers, bridges) are found by exact
// name — in the tenant for all but IP address groups, which MidoNet does not scope — so a
// topology built by the original, or by an earlier run, is adopted without writes.

func chainIDOf(c midonet.Chain) string         { return c.ID }
func groupIDOf(g midonet.IPAddrGroup) string   { return g.ID }
func portGroupIDOf(g midonet.PortGroup) string { return g.ID }
func routerIDOf(rt midonet.Router) string      { return rt.ID }
func bridgeIDOf(b midonet.Bridge) string       { return b.ID }
func idsOf[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

// resolveNamed picks the object a reference by name means: the one this run resolved, else
// the one with the deterministic id, else the one recorded for the key, else the lowest id.
func (r *run) resolveNamed(key string, ids []string) (string, bool) {
	if id, ok := r.named.lookup(key); ok {
		return id, true
	}
	if len(ids) == 0 {
		return "", false
	}
	id := ids[0]
	if det := r.e.objectID(key); slices.Contains(ids, det) {
		id = det
	} else if reg, ok := r.registeredID(key); ok && slices.Contains(ids, reg) {
		id = reg
	}
	r.named.set(key, id)
	return id, true
}

// chainID resolves a chain name ("" = none) to its id.
func (r *run) chainID(name string) (string, error) {
	if name == "" {
		return "", nil
	}
	id, ok := r.resolveNamed(topology.Chain{Name: name}.Key(), idsOf(r.e.Index.ChainsByName(name), chainIDOf))
	if !ok {
		return "", missing("chain %s", name)
	}
	return id, nil
}

func (r *run) groupID(name string) (string, error) {
	id, ok := r.resolveNamed(topology.AddrGroup{Name: name}.Key(), idsOf(r.e.Index.AddrGroupsByName(name), groupIDOf))
	if !ok {
		return "", missing("IP address group %s", name)
	}
	return id, nil
}

func (r *run) routerID(name string) (string, error) {
	id, ok := r.resolveNamed(topology.Router{Name: name}.Key(), idsOf(r.e.Index.RoutersByName(name), routerIDOf))
	if !ok {
		return "", missing("router %s", name)
	}
	return id, nil
}

func (r *run) bridgeID(name string) (string, error) {
	id, ok := r.resolveNamed(topology.Bridge{Name: name}.Key(), idsOf(r.e.Index.BridgesByName(name), bridgeIDOf))
	if !ok {
		return "", missing("bridge %s", name)
	}
	return id, nil
}

// deviceID resolves the router or bridge a port lives on.
func (r *run) deviceID(p topology.Port) (string, error) {
	if p.Kind == topology.RouterPort {
		return r.routerID(p.Ref.Device)
	}
	return r.bridgeID(p.Ref.Device)
}

// filterIDs resolves a pair of filter chain names.
func (r *run) filterIDs(in, out string) (*string, *string, error) {
	inID, err := r.chainID(in)
	if err != nil {
		return nil, nil, err
	}
	outID, err := r.chainID(out)
	if err != nil {
		return nil, nil, err
	}
	return optional(inID), optional(outID), nil
}

func optional(id string) *string {
	if id == "" {
		return nil
	}
	return &id
}

func (r *run) ensureChains() error {
	for _, c := range r.frag.Chains {
		key, det := c.Key(), r.e.objectID(c.Key())
		if got, ok := preferred(r.e.Index.ChainsByName(c.Name), chainIDOf, det, r); ok {
			r.named.set(key, got.ID)
			r.keep(key, got.ID)
			continue
		}
		if r.findOnly {
			continue
		}
		got, err := r.e.Client.CreateChain(r.ctx, &midonet.Chain{ID: det, Name: c.Name, TenantID: r.e.Tenant})
		if err != nil && midonet.IsConflict(err) {
			got, err = adopt(r, "chain", c.Name, func() (*midonet.Chain, error) { return r.e.Client.GetChain(r.ctx, det) },
				func(x *midonet.Chain) bool { return x.Name == c.Name && x.TenantID == r.e.Tenant })
		} else if err == nil {
			r.created()
		}
		if err != nil {
			return r.failed("", "", err, "create chain %s", c.Name)
		}
		r.e.Index.PutChain(*got)
		r.named.set(key, got.ID)
		r.keep(key, got.ID)
	}
	return nil
}

// adopt resolves a 409 on a create with a deterministic id: an earlier attempt whose answer
// was lost created the object, which is read back and used if it is the one wanted.
func adopt[T any](r *run, what, name string, get func() (*T, error), same func(*T) bool) (*T, error) {
	got, err := get()
	if err != nil {
		return nil, fmt.Errorf("read back %s %s after a conflict: %w", what, name, err)
	}
	if !same(got) {
		return nil, fmt.Errorf("%s %s: its deterministic id is taken by a different object", what, name)
	}
	return got, nil
}

func (r *run) ensureAddrGroups() error {
	for _, g := range r.frag.AddrGroups {
		if !translate.IsOwnedName(g.Name) {
			return fmt.Errorf("IP address group %s: name is not under the naming scheme, refusing to manage it", g.Name)
		}
		key, det := g.Key(), r.e.objectID(g.Key())
		if got, ok := preferred(r.e.Index.AddrGroupsByName(g.Name), groupIDOf, det, r); ok {
			r.named.set(key, got.ID)
			r.keep(key, got.ID)
			continue
		}
		if r.findOnly {
			continue
		}
		got, err := r.e.Client.CreateIPAddrGroup(r.ctx, &midonet.IPAddrGroup{ID: det, Name: g.Name})
		if err != nil && midonet.IsConflict(err) {
			got, err = adopt(r, "IP address group", g.Name, func() (*midonet.IPAddrGroup, error) { return r.e.Client.GetIPAddrGroup(r.ctx, det) },
				func(x *midonet.IPAddrGroup) bool { return x.Name == g.Name })
		} else if err == nil {
			r.created()
		}
		if err != nil {
			return r.failed("", "", err, "create IP address group %s", g.Name)
		}
		r.e.Index.PutAddrGroup(*got)
		r.named.set(key, got.ID)
		r.keep(key, got.ID)
	}
	return nil
}

func (r *run) ensurePortGroups() error {
	for _, g := range r.frag.PortGroups {
		key, det := g.Key(), r.e.objectID(g.Key())
		if got, ok := preferred(r.e.Index.PortGroupsByName(g.Name), portGroupIDOf, det, r); ok {
			r.named.set(key, got.ID)
			r.keep(key, got.ID)
			if got.Stateful == g.Stateful || r.findOnly {
				continue
			}
			got.Stateful = g.Stateful
			upd, err := r.e.Client.UpdatePortGroup(r.ctx, &got)
			if err != nil {
				return r.failed("", "", err, "update port group %s", g.Name)
			}
			r.updated()
			r.e.Index.PutPortGroup(*upd)
			continue
		}
		if r.findOnly {
			continue
		}
		want := &midonet.PortGroup{ID: det, Name: g.Name, TenantID: r.e.Tenant, Stateful: g.Stateful}
		got, err := r.e.Client.CreatePortGroup(r.ctx, want)
		if err != nil && midonet.IsConflict(err) {
			got, err = adopt(r, "port group", g.Name, func() (*midonet.PortGroup, error) { return r.e.Client.GetPortGroup(r.ctx, det) },
				func(x *midonet.PortGroup) bool { return x.Name == g.Name && x.TenantID == r.e.Tenant })
		} else if err == nil {
			r.created()
		}
		if err != nil {
			return r.failed("", "", err, "create port group %s", g.Name)
		}
		r.e.Index.PutPortGroup(*got)
		r.named.set(key, got.ID)
		r.keep(key, got.ID)
	}
	return nil
}

func sameRef(a, b *string) bool { return midonet.Deref(a) == midonet.Deref(b) }

func (r *run) ensureRouters() error {
	for _, rt := range r.frag.Routers {
		in, out, err := r.filterIDs(rt.InboundFilter, rt.OutboundFilter)
		if err != nil && !r.findOnly {
			return fmt.Errorf("router %s: %w", rt.Name, err)
		}
		key, det := rt.Key(), r.e.objectID(rt.Key())
		if got, ok := preferred(r.e.Index.RoutersByName(rt.Name), routerIDOf, det, r); ok {
			r.named.set(key, got.ID)
			r.keep(key, got.ID)
			if r.findOnly || (sameRef(got.InboundFilterID, in) && sameRef(got.OutboundFilterID, out) && got.ASNumber == rt.ASNumber) {
				continue
			}
			got.InboundFilterID, got.OutboundFilterID, got.ASNumber = in, out, rt.ASNumber
			upd, err := r.e.Client.UpdateRouter(r.ctx, &got)
			if err != nil {
				return r.failed("", "", err, "update router %s", rt.Name)
			}
			r.updated()
			r.e.Index.PutRouter(*upd)
			continue
		}
		if r.findOnly {
			continue
		}
		want := &midonet.Router{ID: det, Name: rt.Name, TenantID: r.e.Tenant, InboundFilterID: in, OutboundFilterID: out, ASNumber: rt.ASNumber}
		got, err := r.e.Client.CreateRouter(r.ctx, want)
		if err != nil && midonet.IsConflict(err) {
			got, err = adopt(r, "router", rt.Name, func() (*midonet.Router, error) { return r.e.Client.GetRouter(r.ctx, det) },
				func(x *midonet.Router) bool { return x.Name == rt.Name && x.TenantID == r.e.Tenant })
		} else if err == nil {
			r.created()
		}
		if err != nil {
			return r.failed("", "", err, "create router %s", rt.Name)
		}
		r.e.Index.PutRouter(*got)
		r.named.set(key, got.ID)
		r.keep(key, got.ID)
	}
	return nil
}

func (r *run) ensureBridges() error {
	for _, b := range r.frag.Bridges {
		in, out, err := r.filterIDs(b.InboundFilter, b.OutboundFilter)
		if err != nil && !r.findOnly {
			return fmt.Errorf("bridge %s: %w", b.Name, err)
		}
		key, det := b.Key(), r.e.objectID(b.Key())
		if got, ok := preferred(r.e.Index.BridgesByName(b.Name), bridgeIDOf, det, r); ok {
			r.named.set(key, got.ID)
			r.keep(key, got.ID)
			if r.findOnly || (sameRef(got.InboundFilterID, in) && sameRef(got.OutboundFilterID, out)) {
				continue
			}
			got.InboundFilterID, got.OutboundFilterID = in, out
			upd, err := r.e.Client.UpdateBridge(r.ctx, &got)
			if err != nil {
				return r.failed("", "", err, "update bridge %s", b.Name)
			}
			r.updated()
			r.e.Index.PutBridge(*upd)
			continue
		}
		if r.findOnly {
			continue
		}
		want := &midonet.Bridge{ID: det, Name: b.Name, TenantID: r.e.Tenant, InboundFilterID: in, OutboundFilterID: out}
		got, err := r.e.Client.CreateBridge(r.ctx, want)
		if err != nil && midonet.IsConflict(err) {
			got, err = adopt(r, "bridge", b.Name, func() (*midonet.Bridge, error) { return r.e.Client.GetBridge(r.ctx, det) },
				func(x *midonet.Bridge) bool { return x.Name == b.Name && x.TenantID == r.e.Tenant })
		} else if err == nil {
			r.created()
		}
		if err != nil {
			return r.failed("", "", err, "create bridge %s", b.Name)
		}
		r.e.Index.PutBridge(*got)
		r.named.set(key, got.ID)
		r.keep(key, got.ID)
	}
	return nil
}
