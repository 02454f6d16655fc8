package index

import (
	"context"
	"fmt"
)

// Incremental resync: instead of re-reading all of MidoNet at once (Resync), a caller walks the
// containers one at a time, spread over its period: ResyncCollections re-lists the top-level
// collections (containers that appeared or vanished), ResyncContainer re-reads one container
// and its children. Each step holds the writers' lock only to compare and swap one container,
// and only that container's fresh copy is in memory, so a resync neither stalls writes nor
// grows with the installation. A container written through while it was being read keeps its
// written-through state and reports nothing (it is compared again on the next pass).

// Containers lists the containers of the mirror, for a resync pass: routers, bridges, chains,
// IP address groups, port groups and hosts.
func (x *Index) Containers() []Ref {
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := make([]Ref, 0, len(x.m.routers)+len(x.m.bridges)+len(x.m.chains)+len(x.m.groups)+len(x.m.portGroups)+len(x.m.hosts))
	for id := range x.m.routers {
		out = append(out, Ref{Kind: KindRouter, ID: id})
	}
	for id := range x.m.bridges {
		out = append(out, Ref{Kind: KindBridge, ID: id})
	}
	for id := range x.m.chains {
		out = append(out, Ref{Kind: KindChain, ID: id})
	}
	for id := range x.m.groups {
		out = append(out, Ref{Kind: KindAddrGroup, ID: id})
	}
	for id := range x.m.portGroups {
		out = append(out, Ref{Kind: KindPortGroup, ID: id})
	}
	for id := range x.m.hosts {
		out = append(out, Ref{Kind: KindHost, ID: id})
	}
	return out
}

// generation is how many write-throughs a container has had. Callers hold mu.
func (x *Index) generation(key string) uint64 { return x.gens[key] }

// ResyncContainer re-reads one container and its children and reports what changed behind
// midovpc's back in it; the mirror then holds what was read. A container that is gone is
// reported vanished with its children.
func (x *Index) ResyncContainer(ctx context.Context, kind Kind, id string) (Drift, error) {
	if !x.Loaded() {
		return Drift{}, ErrNotLoaded
	}
	key := containerKey(kind, id)
	x.mu.RLock()
	gen := x.generation(key)
	x.mu.RUnlock()
	apply, err := x.readContainer(ctx, kind, id)
	if err != nil {
		return Drift{}, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.generation(key) != gen {
		return Drift{}, nil // written through meanwhile: newer than what was read
	}
	before, after := newMirror(), newMirror()
	before.carry(x.m, key)
	apply(after)
	d := diff(before, after, nil)
	x.m.unindexContainer(kind, id)
	apply(x.m)
	x.m.indexContainer(kind, id)
	if kind == KindHost {
		x.hostsChanged()
	}
	delete(x.stale, key)
	return d, nil
}

// ResyncCollections re-lists the top-level collections and the tunnel zones, reads every
// container that appeared behind midovpc's back (reported appeared, with its children) and
// drops those that vanished (reported vanished, with their children). Containers written
// through meanwhile are left as they are.
func (x *Index) ResyncCollections(ctx context.Context) (Drift, error) {
	if !x.Loaded() {
		return Drift{}, ErrNotLoaded
	}
	x.mu.RLock()
	gens := make(map[string]uint64, len(x.gens))
	for k, g := range x.gens {
		gens[k] = g
	}
	x.mu.RUnlock()
	listed, err := x.listContainers(ctx)
	if err != nil {
		return Drift{}, err
	}
	var total Drift
	add := func(d Drift) {
		total.Vanished = append(total.Vanished, d.Vanished...)
		total.Changed = append(total.Changed, d.Changed...)
		total.Appeared = append(total.Appeared, d.Appeared...)
	}
	known := map[string]bool{}
	for _, ref := range x.Containers() {
		known[containerKey(ref.Kind, ref.ID)] = true
	}
	for key := range listed {
		if !known[key] {
			kind, id := splitContainerKey(key)
			d, err := x.ResyncContainer(ctx, kind, id)
			if err != nil {
				return total, err
			}
			add(d)
		}
	}
	x.mu.Lock()
	for key := range known {
		if listed[key] || x.generation(key) != gens[key] {
			continue
		}
		kind, id := splitContainerKey(key)
		before := newMirror()
		before.carry(x.m, key)
		add(diff(before, newMirror(), nil))
		x.m.unindexContainer(kind, id)
		x.m.carry(newMirror(), key)
		if kind == KindHost {
			x.hostsChanged()
		}
	}
	x.mu.Unlock()
	return total, nil
}

// listContainers lists the containers MidoNet holds for the tenant, as container keys.
func (x *Index) listContainers(ctx context.Context) (map[string]bool, error) {
	c := x.client
	out := map[string]bool{}
	routers, err := c.ListRouters(ctx, x.tenant)
	if err != nil {
		return nil, fmt.Errorf("list routers: %w", err)
	}
	for _, r := range routers {
		if r.TenantID == x.tenant {
			out[containerKey(KindRouter, r.ID)] = true
		}
	}
	bridges, err := c.ListBridges(ctx, x.tenant)
	if err != nil {
		return nil, fmt.Errorf("list bridges: %w", err)
	}
	for _, b := range bridges {
		if b.TenantID == x.tenant {
			out[containerKey(KindBridge, b.ID)] = true
		}
	}
	chains, err := c.ListChains(ctx, x.tenant)
	if err != nil {
		return nil, fmt.Errorf("list chains: %w", err)
	}
	for _, ch := range chains {
		if ch.TenantID == x.tenant {
			out[containerKey(KindChain, ch.ID)] = true
		}
	}
	groups, err := c.ListIPAddrGroups(ctx)
	if err != nil {
		return nil, fmt.Errorf("list IP address groups: %w", err)
	}
	for _, g := range groups {
		out[containerKey(KindAddrGroup, g.ID)] = true
	}
	pgs, err := c.ListPortGroups(ctx, x.tenant)
	if err != nil {
		return nil, fmt.Errorf("list port groups: %w", err)
	}
	for _, g := range pgs {
		if g.TenantID == x.tenant {
			out[containerKey(KindPortGroup, g.ID)] = true
		}
	}
	hosts, err := c.ListHosts(ctx)
	if err != nil {
		return nil, fmt.Errorf("list hosts: %w", err)
	}
	for _, h := range hosts {
		out[containerKey(KindHost, h.ID)] = true
	}
	return out, nil
}

// unindexContainer removes one container's entries from the derived lookups; indexContainer
// adds them back. Together they replace reindex for a single container (reindex is O(mirror)).
func (m *mirror) unindexContainer(kind Kind, id string) {
	switch kind {
	case KindRouter:
		if r, ok := m.routers[id]; ok {
			for pid := range r.Ports {
				delete(m.portDevice, pid)
			}
			for rid := range r.Routes {
				delete(m.routeRouter, rid)
			}
			for bid := range r.Peers {
				delete(m.bgpRouter, bid)
			}
			for bid := range r.Networks {
				delete(m.bgpRouter, bid)
			}
			m.removeName(KindRouter, r.Router.Name, id)
		}
	case KindBridge:
		if b, ok := m.bridges[id]; ok {
			for pid := range b.Ports {
				delete(m.portDevice, pid)
			}
			m.removeName(KindBridge, b.Bridge.Name, id)
		}
	case KindChain:
		if c, ok := m.chains[id]; ok {
			for _, r := range c.Rules {
				delete(m.ruleChain, r.id)
			}
			m.removeName(KindChain, c.Chain.Name, id)
		}
	case KindAddrGroup:
		if g, ok := m.groups[id]; ok {
			m.removeName(KindAddrGroup, g.Group.Name, id)
		}
	case KindPortGroup:
		if g, ok := m.portGroups[id]; ok {
			m.removeName(KindPortGroup, g.PortGroup.Name, id)
		}
	}
}

func (m *mirror) indexContainer(kind Kind, id string) {
	switch kind {
	case KindRouter:
		if r, ok := m.routers[id]; ok {
			m.indexRouter(id, r)
			m.addName(KindRouter, r.Router.Name, id)
		}
	case KindBridge:
		if b, ok := m.bridges[id]; ok {
			for pid := range b.Ports {
				m.portDevice[pid] = id
			}
			m.addName(KindBridge, b.Bridge.Name, id)
		}
	case KindChain:
		if c, ok := m.chains[id]; ok {
			for _, r := range c.Rules {
				m.ruleChain[r.id] = id
			}
			m.addName(KindChain, c.Chain.Name, id)
		}
	case KindAddrGroup:
		if g, ok := m.groups[id]; ok {
			m.addName(KindAddrGroup, g.Group.Name, id)
		}
	case KindPortGroup:
		if g, ok := m.portGroups[id]; ok {
			m.addName(KindPortGroup, g.PortGroup.Name, id)
		}
	}
}
