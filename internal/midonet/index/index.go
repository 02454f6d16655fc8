package index

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/midovpc/midovpc/internal/midonet"
)

// ErrNotLoaded is returned by Resync before the first successful Load.
var ErrNotLoaded = errors.New("index not loaded")

// Index mirrors what MidoNet holds for one tenant. Create it with New, fill it with Load.
type Index struct {
	client *midonet.Client
	tenant string

	// resyncMu serialises Load and Resync; mu guards everything below and is held only briefly.
	resyncMu sync.Mutex
	mu       sync.RWMutex
	m        *mirror
	loaded   bool
	// reading is true while Load/Resync reads MidoNet; touched then collects the containers
	// written through meanwhile.
	reading bool
	touched map[string]bool
	// stale lists containers whose last write failed: their content is unknown.
	stale map[string]bool
	// gens counts the write-throughs of each container, so an incremental resync can tell
	// that a container changed while it was being read.
	gens map[string]uint64

	// hosts is the lookup of hosts by address and name (hosts.go), valid for one mirror and
	// hostEpoch; hostMu guards both.
	hostMu    sync.Mutex
	hosts     *hostsByKey
	hostEpoch uint64
}

// New returns an empty index for tenant, reading through client.
func New(client *midonet.Client, tenant string) *Index {
	return &Index{client: client, tenant: tenant, m: newMirror(), stale: map[string]bool{}, gens: map[string]uint64{}}
}

// Tenant is the tenant the index mirrors.
func (x *Index) Tenant() string { return x.tenant }

// Loaded reports whether a Load has succeeded.
func (x *Index) Loaded() bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.loaded
}

// Load reads everything MidoNet holds for the tenant and replaces the mirror. Lookups keep
// answering from the previous mirror until the new one is complete.
func (x *Index) Load(ctx context.Context) error {
	_, err := x.reload(ctx, false)
	return err
}

// Resync re-reads everything, replaces the mirror and reports what changed behind midovpc's
// back since the previous mirror. Containers written through while it was reading keep their
// written-through state and are not reported.
func (x *Index) Resync(ctx context.Context) (Drift, error) {
	if !x.Loaded() {
		return Drift{}, ErrNotLoaded
	}
	return x.reload(ctx, true)
}

func (x *Index) reload(ctx context.Context, withDrift bool) (Drift, error) {
	x.resyncMu.Lock()
	defer x.resyncMu.Unlock()

	x.mu.Lock()
	x.reading, x.touched = true, map[string]bool{}
	x.mu.Unlock()

	fresh, err := x.read(ctx)

	x.mu.Lock()
	defer x.mu.Unlock()
	touched := x.touched
	x.reading, x.touched = false, nil
	if err != nil {
		return Drift{}, fmt.Errorf("read MidoNet for tenant %s: %w", x.tenant, err)
	}
	for key := range touched {
		fresh.carry(x.m, key)
	}
	fresh.reindex()
	var drift Drift
	if withDrift {
		drift = diff(x.m, fresh, touched)
	}
	x.m, x.loaded = fresh, true
	// Containers read afresh are known again; those written meanwhile keep their mark.
	for key := range x.stale {
		if !touched[key] {
			delete(x.stale, key)
		}
	}
	return drift, nil
}

// touch records a write-through to a container. Callers hold mu.
func (x *Index) touch(kind Kind, id string) {
	key := containerKey(kind, id)
	x.gens[key]++
	if x.reading {
		x.touched[key] = true
	}
}

// MarkStale records that a write into a container failed, so its content is unknown until
// Refresh re-reads it. kind is KindRouter, KindBridge, KindChain, KindAddrGroup,
// KindPortGroup or KindHost.
func (x *Index) MarkStale(kind Kind, id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.stale[containerKey(kind, id)] = true
	x.touch(kind, id)
}

// Stale reports whether a container is marked stale.
func (x *Index) Stale(kind Kind, id string) bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.stale[containerKey(kind, id)]
}

// RefreshIfStale re-reads a container when it is marked stale.
func (x *Index) RefreshIfStale(ctx context.Context, kind Kind, id string) error {
	if !x.Stale(kind, id) {
		return nil
	}
	return x.Refresh(ctx, kind, id)
}

// Refresh re-reads one container and its children from MidoNet (and nothing else), replacing
// what the mirror holds for it. A container that no longer exists is removed.
func (x *Index) Refresh(ctx context.Context, kind Kind, id string) error {
	apply, err := x.readContainer(ctx, kind, id)
	if err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.m.unindexContainer(kind, id)
	apply(x.m)
	x.m.indexContainer(kind, id)
	if kind == KindHost {
		x.hostsChanged()
	}
	delete(x.stale, containerKey(kind, id))
	x.touch(kind, id)
	return nil
}

// readContainer reads one container and its children and returns how to put it into a
// mirror (removing it when MidoNet no longer has it, or it is not the tenant's).
func (x *Index) readContainer(ctx context.Context, kind Kind, id string) (func(m *mirror), error) {
	c := x.client
	switch kind {
	case KindRouter:
		r, err := c.GetRouter(ctx, id)
		if err != nil && !midonet.IsNotFound(err) {
			return nil, fmt.Errorf("refresh router %s: %w", id, err)
		}
		var st *routerState
		if err == nil && r.TenantID == x.tenant {
			st = newRouterState(*r)
			if err := readRouter(ctx, c, st); err != nil {
				return nil, fmt.Errorf("refresh: %w", err)
			}
		}
		return func(m *mirror) { replace(m.routers, id, st) }, nil
	case KindBridge:
		b, err := c.GetBridge(ctx, id)
		if err != nil && !midonet.IsNotFound(err) {
			return nil, fmt.Errorf("refresh bridge %s: %w", id, err)
		}
		var st *bridgeState
		if err == nil && b.TenantID == x.tenant {
			st = newBridgeState(*b)
			if err := readBridge(ctx, c, st); err != nil {
				return nil, fmt.Errorf("refresh: %w", err)
			}
		}
		return func(m *mirror) { replace(m.bridges, id, st) }, nil
	case KindChain:
		ch, err := c.GetChain(ctx, id)
		if err != nil && !midonet.IsNotFound(err) {
			return nil, fmt.Errorf("refresh chain %s: %w", id, err)
		}
		var st *chainState
		if err == nil && ch.TenantID == x.tenant {
			st = &chainState{Chain: *ch}
			if err := readChain(ctx, c, st); err != nil {
				return nil, fmt.Errorf("refresh: %w", err)
			}
		}
		return func(m *mirror) { replace(m.chains, id, st) }, nil
	case KindAddrGroup:
		g, err := c.GetIPAddrGroup(ctx, id)
		if err != nil && !midonet.IsNotFound(err) {
			return nil, fmt.Errorf("refresh IP address group %s: %w", id, err)
		}
		var st *groupState
		if err == nil {
			st = &groupState{Group: *g}
			if err := readGroup(ctx, c, st); err != nil {
				return nil, fmt.Errorf("refresh: %w", err)
			}
		}
		return func(m *mirror) { replace(m.groups, id, st) }, nil
	case KindPortGroup:
		g, err := c.GetPortGroup(ctx, id)
		if err != nil && !midonet.IsNotFound(err) {
			return nil, fmt.Errorf("refresh port group %s: %w", id, err)
		}
		var st *portGroupState
		if err == nil && g.TenantID == x.tenant {
			st = &portGroupState{PortGroup: *g}
			if err := readPortGroup(ctx, c, st); err != nil {
				return nil, fmt.Errorf("refresh: %w", err)
			}
		}
		return func(m *mirror) { replace(m.portGroups, id, st) }, nil
	case KindHost:
		h, err := c.GetHost(ctx, id)
		if err != nil && !midonet.IsNotFound(err) {
			return nil, fmt.Errorf("refresh host %s: %w", id, err)
		}
		var st *hostState
		if err == nil {
			st = &hostState{Host: *h}
			if err := readHost(ctx, c, st); err != nil {
				return nil, fmt.Errorf("refresh: %w", err)
			}
		}
		return func(m *mirror) { replace(m.hosts, id, st) }, nil
	}
	return nil, fmt.Errorf("refresh: %s is not a container kind", kind)
}

func replace[T any](m map[string]*T, id string, v *T) {
	if v == nil {
		delete(m, id)
	} else {
		m[id] = v
	}
}
