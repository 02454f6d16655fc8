package sync

import (
	"context"
	"errors"
	"slices"
	gosync "sync"

	"github.com/midovpc/midovpc/internal/midonet/index"
	"github.com/midovpc/midovpc/internal/topology"
)

// run is one Sync or Delete of one owner.
type run struct {
	e     *Engine
	ctx   context.Context
	frag  *topology.Fragment
	owner topology.Owner
	// findOnly (Delete) matches desired objects to MidoNet without writing anything.
	findOnly bool

	prev    map[string]bool          // ids the owner may delete: previous ∪ what the engine recorded (read-only)
	kept    *lockedMap[string, bool] // ids matched to a desired object in this run
	deleted *lockedMap[string, bool] // ids deleted in this run
	foreign *lockedMap[string, bool] // ids of previous that turned out not to be ours to delete
	claimed *lockedMap[string, bool] // actual objects already matched, so no two desired share one

	named     *lockedMap[string, string]           // "chain:<name>" etc. → id, resolved this run
	ports     *lockedMap[topology.PortRef, string] // port ref → id, resolved this run
	portSpecs map[topology.PortRef]*topology.Port  // the fragment's ports (read-only)
	matching  *lockedMap[topology.PortRef, bool]   // ports being matched (recursion guard)
	placement *lockedMap[string, topology.Placement]
	uses      []string // hosts bound on (bindings run alone)

	mu  gosync.Mutex // guards res while the independent steps run at once
	res *Result
}

func (e *Engine) newRun(ctx context.Context, frag *topology.Fragment, previous []string, findOnly bool) *run {
	if frag == nil {
		frag = &topology.Fragment{}
	}
	r := &run{
		e: e, ctx: ctx, frag: frag, owner: frag.Owner, findOnly: findOnly,
		prev: map[string]bool{}, kept: newLockedMap[string, bool](), deleted: newLockedMap[string, bool](),
		foreign: newLockedMap[string, bool](), claimed: newLockedMap[string, bool](),
		named: newLockedMap[string, string](), ports: newLockedMap[topology.PortRef, string](),
		portSpecs: map[topology.PortRef]*topology.Port{}, matching: newLockedMap[topology.PortRef, bool](),
		placement: newLockedMap[string, topology.Placement](),
		res:       &Result{IDs: map[string]string{}},
	}
	for _, id := range previous {
		r.prev[id] = true
	}
	e.mu.Lock()
	if n, ok := e.reg.owners.num[frag.Owner]; ok {
		for id := range e.reg.byOwner[n].all() {
			r.prev[id] = true
		}
	}
	e.mu.Unlock()
	for i := range frag.Ports {
		r.portSpecs[frag.Ports[i].Ref] = &frag.Ports[i]
	}
	return r
}

// keep records that the desired object key is realised by id.
func (r *run) keep(key, id string) {
	r.mu.Lock()
	r.res.IDs[key] = id
	r.mu.Unlock()
	r.kept.set(id, true)
	r.claimed.set(id, true)
}

func (r *run) created() { r.mu.Lock(); r.res.Writes++; r.res.Created++; r.mu.Unlock() }
func (r *run) updated() { r.mu.Lock(); r.res.Writes++; r.res.Updated++; r.mu.Unlock() }
func (r *run) removed(id string) {
	r.mu.Lock()
	r.res.Writes++
	r.res.Deleted++
	r.mu.Unlock()
	if id != "" {
		r.deleted.set(id, true)
	}
}

// ownedByOther reports whether the engine recorded id for another owner.
func (r *run) ownedByOther(id string) bool {
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	o, ok := r.e.reg.ownerOf.get(id)
	return ok && r.e.reg.owners.owner(o) != r.owner
}

// registeredID returns the id recorded for a fragment key by any owner's sync.
func (r *run) registeredID(key string) (string, bool) {
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	id, ok := r.e.reg.ids[key]
	return id, ok
}

// preferred picks, among objects found by name or content, the one created with the
// deterministic id, else one the owner recorded, else one nobody claimed yet (in order).
func preferred[T any](cands []T, idOf func(T) string, det string, r *run) (T, bool) {
	var zero T
	if i := slices.IndexFunc(cands, func(c T) bool { return idOf(c) == det }); i >= 0 && !r.claimed.get(det) {
		return cands[i], true
	}
	for _, c := range cands {
		if id := idOf(c); r.prev[id] && !r.claimed.get(id) {
			return c, true
		}
	}
	for _, c := range cands {
		if id := idOf(c); !r.claimed.get(id) && !r.ownedByOther(id) {
			return c, true
		}
	}
	return zero, false
}

// deviceKind maps a device id to its index container kind.
func (r *run) deviceKind(id string) index.Kind {
	if _, ok := r.e.Index.Router(id); ok {
		return index.KindRouter
	}
	return index.KindBridge
}

// lockedMap is a map safe for the concurrent steps of one run. m may be used directly only
// when nothing runs concurrently (before and after the concurrent stage).
type lockedMap[K comparable, V any] struct {
	mu gosync.Mutex
	m  map[K]V
}

func newLockedMap[K comparable, V any]() *lockedMap[K, V] { return &lockedMap[K, V]{m: map[K]V{}} }

func (l *lockedMap[K, V]) get(k K) V {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.m[k]
}

func (l *lockedMap[K, V]) lookup(k K) (V, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.m[k]
	return v, ok
}

func (l *lockedMap[K, V]) set(k K, v V) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.m[k] = v
}

func (l *lockedMap[K, V]) del(k K) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.m, k)
}

// each runs f(0) … f(n-1) at once, at most Engine.Workers at a time, and waits for all. Like
// a sequential loop it reports a failure before a missing dependency: when any call failed
// otherwise, only those failures are returned; else the dependency errors, joined.
func (r *run) each(n int, f func(i int) error) error {
	if n == 1 {
		return f(0)
	}
	workers := r.e.Workers
	if workers <= 0 {
		workers = defaultWorkers
	}
	sem := make(chan struct{}, workers)
	errs := make([]error, n)
	var wg gosync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			errs[i] = f(i)
		})
	}
	wg.Wait()
	var failed, deps []error
	for _, err := range errs {
		switch {
		case err == nil:
		case IsDependency(err):
			deps = append(deps, err)
		default:
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 {
		return errors.Join(failed...)
	}
	return errors.Join(deps...)
}

// defaultWorkers is Engine.Workers when unset.
const defaultWorkers = 16

// lanes returns a step that runs each lane (its steps in order, stopping at a failure that is
// not a missing dependency) at once with the others.
func (r *run) lanes(lanes ...[]func() error) func() error {
	return func() error {
		return r.each(len(lanes), func(i int) error {
			var deps []error
			for _, step := range lanes[i] {
				if err := step(); err != nil {
					if !IsDependency(err) {
						return err
					}
					deps = append(deps, err)
				}
			}
			return errors.Join(deps...)
		})
	}
}

// refreshStale re-reads a container marked stale, holding it alone, before entry edits.
func (r *run) refreshStale(kind index.Kind, id string) error {
	if r.findOnly || !r.e.Index.Stale(kind, id) {
		return nil
	}
	unlock := r.e.lock(id)
	defer unlock()
	return r.e.Index.RefreshIfStale(r.ctx, kind, id)
}
