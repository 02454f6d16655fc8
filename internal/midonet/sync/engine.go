package sync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	gosync "sync"
	"time"

	"github.com/go-logr/logr"
	"github.com/google/uuid"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
	"github.com/midovpc/midovpc/internal/topology"
)

// Engine turns what MidoNet holds (read from Index) into what one owner's fragment wants, with
// the fewest writes. It is safe for concurrent use by many owners at once.
type Engine struct {
	Client *midonet.Client
	Index  *index.Index
	// Tenant is the MidoNet tenant of every router, bridge, chain and port group it creates,
	// and the salt of the deterministic ids.
	Tenant string
	// Logger receives resync problems (optional).
	Logger logr.Logger

	// Workers bounds the objects of one fragment written at once (rules of different chains,
	// DHCP hosts, table entries, group addresses); 0 means 16. The client's in-flight limit
	// decides how many requests really go out at once.
	Workers int

	once    gosync.Once
	mu      gosync.Mutex // guards the registry and locks
	locks   map[string]*gosync.RWMutex
	entries map[string]*entryLock
	reg     registry
	shared  sharedKeys
}

// Result is what one Sync did and what the owner owns afterwards.
type Result struct {
	// IDs maps every key of the fragment (topology Key(); rules of owned chains as
	// topology.RuleKey, "#n" appended to the n-th repeat of an identical rule) to its MidoNet id.
	IDs map[string]string
	// Owned is every id the owner owns now, sorted: what it should record in its status and
	// pass as previous next time. Objects without a UUID appear with their synthetic id
	// (index.DHCPSubnetID and siblings).
	Owned []string
	// Writes counts the REST calls that changed MidoNet; Created, Updated and Deleted split
	// them (links and bindings count as created, unlinks and unbindings as deleted).
	Writes, Created, Updated, Deleted int
}

func (e *Engine) init() {
	e.once.Do(func() {
		e.locks = map[string]*gosync.RWMutex{}
		e.entries = map[string]*entryLock{}
		e.reg = newRegistry()
	})
}

// idNamespace is the UUIDv5 namespace of the deterministic ids of created objects.
var idNamespace = uuid.MustParse("3f6c1a2e-8d4b-5e7f-9a01-6d69646f7670")

// objectID is the deterministic id of the object with a fragment key: UUIDv5 over the tenant
// and the key, so a create retried after a lost answer meets its own earlier attempt (409) and
// is resolved by reading it.
func (e *Engine) objectID(key string) string { return ObjectID(e.Tenant, key) }

// ObjectID is the deterministic id midovpc gives the object with a fragment key in tenant; the
// maintenance commands use it to tell the object midovpc created from a duplicate.
func ObjectID(tenant, key string) string {
	return uuid.NewSHA1(idNamespace, []byte(tenant+"\x00"+key)).String()
}

// lock serialises edits of one container (a chain's positional rule edits above all) between
// owners syncing concurrently. Only one container lock is held at a time, except by lockPair.
func (e *Engine) lock(id string) func() {
	m := e.containerLock(id)
	m.Lock()
	return m.Unlock
}

func (e *Engine) containerLock(id string) *gosync.RWMutex {
	e.mu.Lock()
	defer e.mu.Unlock()
	m, ok := e.locks[id]
	if !ok {
		m = &gosync.RWMutex{}
		e.locks[id] = m
	}
	return m
}

// lockEntry serialises edits of one entry of a container (a group address, a DHCP host, an
// ARP or MAC entry: order-free children keyed by content) while edits of its other entries go
// on at once. It excludes lock(container), which whole-container edits and refreshes take.
func (e *Engine) lockEntry(container, entry string) func() {
	c := e.containerLock(container)
	c.RLock()
	key := container + "\x00" + entry
	e.mu.Lock()
	m, ok := e.entries[key]
	if !ok {
		m = &entryLock{}
		e.entries[key] = m
	}
	m.users++
	e.mu.Unlock()
	m.Lock()
	return func() {
		m.Unlock()
		e.mu.Lock()
		if m.users--; m.users == 0 {
			delete(e.entries, key) // one lock per entry ever edited would stay forever
		}
		e.mu.Unlock()
		c.RUnlock()
	}
}

// entryLock is the lock of one entry, with the number of callers holding or awaiting it
// (guarded by Engine.mu).
type entryLock struct {
	gosync.Mutex
	users int
}

// lockPair locks two containers in a fixed order, so two pairs can never deadlock.
func (e *Engine) lockPair(a, b string) func() {
	if a == b {
		return e.lock(a)
	}
	if b < a {
		a, b = b, a
	}
	ua := e.lock(a)
	ub := e.lock(b)
	return func() { ub(); ua() }
}

// Sync makes MidoNet hold what frag wants, for frag's owner. previous is the list of MidoNet
// ids the owner recorded last time (Result.Owned of its last successful sync, from its
// Kubernetes status; empty on the first run or when adopting an existing topology).
//
// Objects are created and updated in dependency order: chains, IP address groups and port
// groups; routers and bridges; ports, links, bindings; routes; rules; group addresses; DHCP
// subnets and hosts; ARP and MAC entries; port-group members; BGP. Then objects in previous
// (or recorded for the owner by this engine) that frag no longer wants are deleted in reverse
// order — only when nothing failed before, and only objects this owner owns (package doc).
//
// A missing dependency yields a *DependencyError (errors.As); the steps that do not depend on
// it still run. Any other failure stops the sync and is returned wrapped with the object's
// name; the client's typed errors (midonet.IsTransient, …) stay reachable.
func (e *Engine) Sync(ctx context.Context, frag *topology.Fragment, previous []string) (*Result, error) {
	if err := e.ready(frag); err != nil {
		return nil, err
	}
	r := e.newRun(ctx, frag, previous, false)
	steps := []func() error{
		r.ensureChains, r.ensureAddrGroups, r.ensurePortGroups,
		r.ensureRouters, r.ensureBridges,
		r.ensurePorts, r.ensureLinks, r.ensureBindings,
		r.ensureRoutes,
		// Everything below depends only on the containers and ports above, not on each other:
		// these lanes run at once (each lane in order), and inside them independent objects
		// go out at once too (r.each). The rules of one chain keep their order.
		r.lanes(
			[]func() error{r.ensureChainRules},
			[]func() error{r.ensureContributedRules},
			[]func() error{r.ensureGroupAddrs, r.ensureContributedAddrs},
			[]func() error{r.ensureDHCPSubnets, r.ensureDHCPHosts},
			[]func() error{r.ensureARPEntries},
			[]func() error{r.ensureMACEntries},
			[]func() error{r.ensurePortGroupMembers},
			[]func() error{r.ensureBGP},
		),
	}
	var deps []error
	for _, step := range steps {
		if err := step(); err != nil {
			if !IsDependency(err) {
				r.finish(false)
				return r.res, fmt.Errorf("sync %s: %w", frag.Owner, errors.Join(append(deps, err)...))
			}
			deps = append(deps, err)
		}
	}
	if len(deps) > 0 {
		r.finish(false)
		return r.res, fmt.Errorf("sync %s: %w", frag.Owner, errors.Join(deps...))
	}
	if err := r.deleteUnwanted(); err != nil {
		r.finish(false)
		return r.res, fmt.Errorf("sync %s: %w", frag.Owner, err)
	}
	r.finish(true)
	return r.res, nil
}

// Delete removes everything the owner owns: what frag matches in MidoNet and what previous
// lists, in reverse dependency order, tolerating objects already gone. Contributions to shared
// containers of other owners are removed from them; containers of other owners are left alone.
// frag must name the owner; it may hold nothing else (then only previous and what this engine
// recorded for the owner count).
func (e *Engine) Delete(ctx context.Context, frag *topology.Fragment, previous []string) (*Result, error) {
	if err := e.ready(nil); err != nil {
		return nil, err
	}
	if frag == nil || frag.Owner.Kind == "" || frag.Owner.Name == "" {
		return nil, errors.New("sync engine: Delete needs a fragment naming its owner")
	}
	r := e.newRun(ctx, frag, previous, true)
	for _, step := range []func() error{
		r.ensureChains, r.ensureAddrGroups, r.ensurePortGroups, r.ensureRouters, r.ensureBridges,
		r.ensurePorts, r.ensureRoutes, r.ensureChainRules, r.ensureContributedRules,
		r.ensureGroupAddrs, r.ensureContributedAddrs, r.ensureDHCPSubnets, r.ensureDHCPHosts,
		r.ensureARPEntries, r.ensureMACEntries, r.ensurePortGroupMembers, r.ensureBGP,
	} {
		_ = step() // find-only: what cannot be resolved is simply not there to delete
	}
	for id := range r.kept.m {
		r.prev[id] = true
	}
	r.kept.m = map[string]bool{}
	err := r.deleteUnwanted()
	r.finish(err == nil)
	if err != nil {
		return r.res, fmt.Errorf("delete %s: %w", r.owner, err)
	}
	return r.res, nil
}

// HeldRoutes returns the routes of frag that MidoNet holds already, matched as Sync would
// match them for frag's owner, without writing, reading or recording anything. A route whose
// router or next-hop port MidoNet does not hold is simply not held. Controllers use it to
// adopt what a fresh control plane would otherwise leave out for a moment (a route to a NAT
// gateway no reconcile has reached yet).
func (e *Engine) HeldRoutes(ctx context.Context, frag *topology.Fragment) ([]topology.Route, error) {
	if err := e.ready(frag); err != nil {
		return nil, err
	}
	r := e.newRun(ctx, frag, nil, true)
	var held []topology.Route
	for _, rt := range frag.Routes {
		router, err := r.routerID(rt.Router)
		if err != nil {
			continue
		}
		hop, err := r.portID(rt.NextHopPort)
		if err != nil {
			continue
		}
		if err := r.ensureRoute(router, hop, rt); err != nil {
			return nil, err
		}
		if _, ok := r.res.IDs[rt.Key()]; ok {
			held = append(held, rt)
		}
	}
	return held, nil
}

func (e *Engine) ready(frag *topology.Fragment) error {
	e.init()
	if e.Client == nil || e.Index == nil {
		return errors.New("sync engine: Client and Index are required")
	}
	if !e.Index.Loaded() {
		return errors.New("sync engine: index not loaded")
	}
	if frag != nil {
		if err := frag.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// finish records the outcome in the registry and fills Result.Owned. After a complete sync
// the owner owns exactly what it kept; after a failure it also keeps whatever of previous is
// still there, so a later sync can still delete it.
func (r *run) finish(complete bool) {
	e := r.e
	owned := map[string]bool{}
	for id := range r.kept.m {
		owned[id] = true
	}
	if !complete {
		for id := range r.prev {
			if r.deleted.m[id] || r.foreign.m[id] {
				continue
			}
			if _, ok := e.Index.Find(id); ok {
				owned[id] = true
			}
		}
	}
	r.res.Owned = make([]string, 0, len(owned))
	for id := range owned {
		r.res.Owned = append(r.res.Owned, id)
	}
	slices.Sort(r.res.Owned)
	e.mu.Lock()
	defer e.mu.Unlock()
	me := e.reg.owners.of(r.owner)
	for id := range e.reg.byOwner[me].all() {
		if o, ok := e.reg.ownerOf.get(id); !owned[id] && ok && o == me {
			e.reg.ownerOf.del(id)
			e.reg.placement.del(id)
		}
	}
	for id := range owned {
		e.reg.ownerOf.set(id, me)
	}
	for id, p := range r.placement.m {
		e.reg.placement.set(id, p)
	}
	for k, id := range r.res.IDs {
		e.recordID(k, id)
	}
	for _, id := range r.uses {
		if e.reg.uses[id] == nil {
			e.reg.uses[id] = map[ownerNum]bool{}
		}
		e.reg.uses[id][me] = true
	}
	if len(owned) == 0 {
		delete(e.reg.byOwner, me)
	} else {
		e.reg.byOwner[me] = newIDList(r.res.Owned)
	}
}

// OwnersOf maps a drift to the owners to sync again: the owner of each drifted object, and for
// objects nobody here owns (a rule or port that appeared, a child of a container) the owner of
// their container; for hosts, the owners that bind ports on them. Only owners synced by this
// engine since the process started are known.
func (e *Engine) OwnersOf(d index.Drift) []topology.Owner {
	e.init()
	e.mu.Lock()
	defer e.mu.Unlock()
	set := map[topology.Owner]bool{}
	for _, ref := range d.All() {
		o, ok := e.reg.ownerOf.get(ref.ID)
		if ok {
			set[e.reg.owners.owner(o)] = true
		} else if p, ok := e.reg.ownerOf.get(ref.Parent); ok {
			set[e.reg.owners.owner(p)] = true
		}
		for u := range e.reg.uses[ref.ID] {
			set[e.reg.owners.owner(u)] = true
		}
	}
	out := make([]topology.Owner, 0, len(set))
	for o := range set {
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b topology.Owner) int {
		return strings.Compare(a.Kind+"/"+a.Namespace+"/"+a.Name, b.Kind+"/"+b.Namespace+"/"+b.Name)
	})
	return out
}

// RunResync compares the index with MidoNet, one container at a time, spread evenly over each
// period, and hands the owners of what drifted to requeue, until ctx ends (then it returns
// nil). Each pass re-lists the top-level collections (containers that appeared or vanished),
// then re-reads each container alone (index.ResyncContainer): writers are held only while one
// container is compared and swapped, and memory holds one container's fresh copy at a time.
// A failed read is logged and tried again on the next pass.
func (e *Engine) RunResync(ctx context.Context, period time.Duration, requeue func(owners []topology.Owner)) error {
	e.init()
	report := func(d index.Drift) {
		if owners := e.OwnersOf(d); len(owners) > 0 {
			e.Logger.V(1).Info("MidoNet drifted", "vanished", len(d.Vanished), "changed", len(d.Changed),
				"appeared", len(d.Appeared), "owners", len(owners))
			requeue(owners)
		}
	}
	for {
		if err := midonet.Sleep(ctx, period/2); err != nil {
			return nil
		}
		if d, err := e.Index.ResyncCollections(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			e.Logger.Error(err, "MidoNet resync: listing the collections failed; next pass tries again")
		} else {
			report(d)
		}
		refs := e.Index.Containers()
		pace := period / 2 / time.Duration(len(refs)+1)
		for _, ref := range refs {
			if err := midonet.Sleep(ctx, pace); err != nil {
				return nil
			}
			d, err := e.Index.ResyncContainer(ctx, ref.Kind, ref.ID)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				e.Logger.Error(err, "MidoNet resync of one container failed; next pass tries again", "container", ref)
				continue
			}
			report(d)
		}
	}
}

// RouterIndexes returns the router indexes in use in MidoNet (see index.Index.RouterIndexes).
func (e *Engine) RouterIndexes() []int { return e.Index.RouterIndexes() }
