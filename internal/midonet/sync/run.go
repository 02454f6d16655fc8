package sync

import (
	"context"
	"slices"

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

	prev    map[string]bool // ids the owner may delete: previous ∪ what the engine recorded
	kept    map[string]bool // ids matched to a desired object in this run
	deleted map[string]bool // ids deleted in this run
	foreign map[string]bool // ids of previous that turned out not to be ours to delete
	claimed map[string]bool // actual objects already matched, so no two desired share one

	named     map[string]string                   // "chain:<name>" etc. → id, resolved this run
	ports     map[topology.PortRef]string         // port ref → id, resolved this run
	portSpecs map[topology.PortRef]*topology.Port // the fragment's ports
	matching  map[topology.PortRef]bool           // ports being matched (recursion guard)
	placement map[string]topology.Placement
	uses      []string

	res *Result
}

func (e *Engine) newRun(ctx context.Context, frag *topology.Fragment, previous []string, findOnly bool) *run {
	if frag == nil {
		frag = &topology.Fragment{}
	}
	r := &run{
		e: e, ctx: ctx, frag: frag, owner: frag.Owner, findOnly: findOnly,
		prev: map[string]bool{}, kept: map[string]bool{}, deleted: map[string]bool{},
		foreign: map[string]bool{}, claimed: map[string]bool{},
		named: map[string]string{}, ports: map[topology.PortRef]string{},
		portSpecs: map[topology.PortRef]*topology.Port{}, matching: map[topology.PortRef]bool{},
		placement: map[string]topology.Placement{},
		res:       &Result{IDs: map[string]string{}},
	}
	for _, id := range previous {
		r.prev[id] = true
	}
	e.mu.Lock()
	for id := range e.reg.byOwner[frag.Owner] {
		r.prev[id] = true
	}
	e.mu.Unlock()
	for i := range frag.Ports {
		r.portSpecs[frag.Ports[i].Ref] = &frag.Ports[i]
	}
	return r
}

// keep records that the desired object key is realised by id.
func (r *run) keep(key, id string) {
	r.res.IDs[key] = id
	r.kept[id] = true
	r.claimed[id] = true
}

func (r *run) created() { r.res.Writes++; r.res.Created++ }
func (r *run) updated() { r.res.Writes++; r.res.Updated++ }
func (r *run) removed(id string) {
	r.res.Writes++
	r.res.Deleted++
	if id != "" {
		r.deleted[id] = true
	}
}

// ownedByOther reports whether the engine recorded id for another owner.
func (r *run) ownedByOther(id string) bool {
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	o, ok := r.e.reg.owners[id]
	return ok && o != r.owner
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
	if i := slices.IndexFunc(cands, func(c T) bool { return idOf(c) == det }); i >= 0 && !r.claimed[det] {
		return cands[i], true
	}
	for _, c := range cands {
		if id := idOf(c); r.prev[id] && !r.claimed[id] {
			return c, true
		}
	}
	for _, c := range cands {
		if id := idOf(c); !r.claimed[id] && !r.ownedByOther(id) {
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
