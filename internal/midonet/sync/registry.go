package sync

import (
	"iter"
	"strings"

	"github.com/google/uuid"

	"github.com/midovpc/midovpc/internal/topology"
)

// registry remembers, for this process, which owner each synced object belongs to. At 10,000
// interfaces it holds about 350,000 objects, so it is kept compact: owners are numbered once,
// MidoNet ids are stored as 16-byte UUIDs (other ids, the synthetic ones of DHCP subnets and
// table entries, as strings), and each owner's ids are a sorted list rather than a set.
// It was the manager's second biggest item at 10,000 interfaces (72 MB) as maps of strings.
type registry struct {
	owners    ownerTable
	ownerOf   idMap[ownerNum]              // MidoNet id (or synthetic id) → owner
	ids       map[string]string            // fragment key → MidoNet id, see recordID
	byOwner   map[ownerNum]idList          // owner → the ids it owns
	placement idMap[topology.Placement]    // contributed rule id → its placement
	uses      map[string]map[ownerNum]bool // id of an object owned by nobody (host) → owners relying on it
}

func newRegistry() registry {
	return registry{
		owners: ownerTable{num: map[topology.Owner]ownerNum{}}, ownerOf: newIDMap[ownerNum](),
		ids: map[string]string{}, byOwner: map[ownerNum]idList{},
		placement: newIDMap[topology.Placement](), uses: map[string]map[ownerNum]bool{},
	}
}

// ownerNum numbers an owner in an ownerTable. Owners are never forgotten: there are as many
// as Kubernetes objects ever synced by this process, a few bytes each.
type ownerNum int32

type ownerTable struct {
	num  map[topology.Owner]ownerNum
	list []topology.Owner
}

func (t *ownerTable) of(o topology.Owner) ownerNum {
	n, ok := t.num[o]
	if !ok {
		n = ownerNum(len(t.list))
		t.num[o] = n
		t.list = append(t.list, o)
	}
	return n
}

func (t *ownerTable) owner(n ownerNum) topology.Owner { return t.list[n] }

// canonicalUUID parses id when it is a UUID in its canonical (lower-case) form, so that the
// 16 bytes give the same string back.
func canonicalUUID(id string) (uuid.UUID, bool) {
	if len(id) != 36 || strings.ContainsAny(id, "ABCDEF") {
		return uuid.UUID{}, false
	}
	u, err := uuid.Parse(id)
	return u, err == nil
}

// idMap is a map keyed by MidoNet ids, UUIDs as 16 bytes.
type idMap[V any] struct {
	uuids  map[uuid.UUID]V
	others map[string]V
}

func newIDMap[V any]() idMap[V] {
	return idMap[V]{uuids: map[uuid.UUID]V{}, others: map[string]V{}}
}

func (m idMap[V]) get(id string) (V, bool) {
	var v V
	var ok bool
	if u, isUUID := canonicalUUID(id); isUUID {
		v, ok = m.uuids[u]
	} else {
		v, ok = m.others[id]
	}
	return v, ok
}

func (m idMap[V]) set(id string, v V) {
	if u, ok := canonicalUUID(id); ok {
		m.uuids[u] = v
	} else {
		m.others[id] = v
	}
}

func (m idMap[V]) del(id string) {
	if u, ok := canonicalUUID(id); ok {
		delete(m.uuids, u)
	} else {
		delete(m.others, id)
	}
}

// idList is a set of ids, UUIDs as 16 bytes, in a fixed order.
type idList struct {
	uuids  []uuid.UUID
	others []string
}

func newIDList(ids []string) idList {
	var l idList
	n := 0
	for _, id := range ids {
		if _, ok := canonicalUUID(id); ok {
			n++
		}
	}
	// Exactly sized: growing by appending would leave up to half of every list unused.
	if n > 0 {
		l.uuids = make([]uuid.UUID, 0, n)
	}
	if n < len(ids) {
		l.others = make([]string, 0, len(ids)-n)
	}
	for _, id := range ids {
		if u, ok := canonicalUUID(id); ok {
			l.uuids = append(l.uuids, u)
		} else {
			l.others = append(l.others, id)
		}
	}
	return l
}

// all yields the ids as strings.
func (l idList) all() iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, u := range l.uuids {
			if !yield(u.String()) {
				return
			}
		}
		for _, id := range l.others {
			if !yield(id) {
				return
			}
		}
	}
}

// registeredKind reports whether run.registeredID is ever asked about a fragment key: ports and
// named objects are; rules, entries and routes (most keys, and long ones) are not.
func registeredKind(key string) bool {
	for _, p := range []string{"port:", "chain:", "ipaddrgroup:", "portgroup:", "router:", "bridge:"} {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// recordID records the id realising a fragment key for registeredID. Every lookup tries the
// deterministic id first, so an object holding it needs no entry (and a stale entry goes).
func (e *Engine) recordID(key, id string) {
	if !registeredKind(key) {
		return
	}
	if id == e.objectID(key) {
		delete(e.reg.ids, key)
		return
	}
	e.reg.ids[key] = id
}

// placedFirst reports whether id is a contributed rule placed before its chain owner's rules.
// The caller holds e.mu.
func (e *Engine) placedFirst(id string) bool {
	p, _ := e.reg.placement.get(id)
	return p == topology.First
}
