package sync

import (
	"slices"
	"testing"

	"github.com/midovpc/midovpc/internal/topology"
)

// TestIDMapKeepsEveryKindOfID: UUIDs (stored as 16 bytes), upper-case UUIDs and synthetic ids
// are told apart and found again exactly; deleting one leaves the others.
func TestIDMapKeepsEveryKindOfID(t *testing.T) {
	m := newIDMap[int]()
	ids := []string{
		"3f6c1a2e-8d4b-5e7f-9a01-6d69646f7670", "3F6C1A2E-8D4B-5E7F-9A01-6D69646F7670",
		"dhcp:3f6c1a2e-8d4b-5e7f-9a01-6d69646f7670:10.0.0.0/24", "", "not-a-uuid-but-36-characters-long-xx",
	}
	for i, id := range ids {
		m.set(id, i+1)
	}
	for i, id := range ids {
		if v, ok := m.get(id); !ok || v != i+1 {
			t.Errorf("get(%q) = %d, %v; want %d", id, v, ok, i+1)
		}
	}
	m.del(ids[0])
	if _, ok := m.get(ids[0]); ok {
		t.Errorf("%s still there after del", ids[0])
	}
	if v, ok := m.get(ids[1]); !ok || v != 2 {
		t.Errorf("deleting the lower-case UUID removed the upper-case one: %d, %v", v, ok)
	}
}

// TestIDListGivesBackTheIDs: a list yields exactly the ids it was made of.
func TestIDListGivesBackTheIDs(t *testing.T) {
	ids := []string{"6d69646f-7670-4000-8000-000000000001", "arp:b:10.0.0.1", "6D69646F-7670-4000-8000-000000000002",
		"6d69646f-7670-4000-8000-000000000003"}
	got := slices.Collect(newIDList(ids).all())
	slices.Sort(got)
	want := slices.Sorted(slices.Values(ids))
	if !slices.Equal(got, want) {
		t.Errorf("ids = %v, want %v", got, want)
	}
	if n := len(slices.Collect(newIDList(nil).all())); n != 0 {
		t.Errorf("empty list yields %d ids", n)
	}
}

// TestRegistryRemembersOwnersAndKeys: owners are numbered once and given back; an id recorded
// for a key is found again unless it is the deterministic one (which lookups try first), and
// recording the deterministic id drops an older entry; rule keys are not recorded at all.
func TestRegistryRemembersOwnersAndKeys(t *testing.T) {
	e := &Engine{Tenant: "t"}
	e.init()
	a := topology.Owner{Kind: topology.KindNetworkInterface, Namespace: "ns", Name: "eni-1"}
	b := topology.Owner{Kind: topology.KindNetworkInterface, Namespace: "ns", Name: "eni-2"}
	na, nb := e.reg.owners.of(a), e.reg.owners.of(b)
	if na == nb || e.reg.owners.of(a) != na || e.reg.owners.owner(nb) != b {
		t.Fatalf("owner numbers: a=%d b=%d", na, nb)
	}
	key := topology.Port{Ref: topology.PortRef{Device: "vb_x", Role: "eni-1"}}.Key()
	other := "6d69646f-7670-4000-8000-000000000009"
	e.recordID(key, other)
	if id := e.reg.ids[key]; id != other {
		t.Errorf("recorded id for %s = %q, want %q", key, id, other)
	}
	e.recordID(key, e.objectID(key))
	if id, ok := e.reg.ids[key]; ok {
		t.Errorf("deterministic id recorded, or the older %q kept", id)
	}
	rule := "rule:sg_ingress_sg-1:accept nwProto=6"
	e.recordID(rule, other)
	if _, ok := e.reg.ids[rule]; ok {
		t.Error("a rule key was recorded, though nothing looks rule keys up")
	}
}
