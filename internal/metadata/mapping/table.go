package mapping

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"sync/atomic"
)

// Interface is what the metadata service needs to know about the interface behind a metadata
// NAT address.
type Interface struct {
	// MetadataIP is the NAT address (255.x.y.z) the requests come from.
	MetadataIP netip.Addr
	// Name is sent as Euca-Instance-Id: the instance id for a primary interface, else the
	// interface id (the <if> of the map file).
	Name string
	// ENI is the NetworkInterface's name.
	ENI string
	// PrivateIP is the interface's address in its subnet, sent as X-Forwarded-For.
	PrivateIP netip.Addr
	// VPC and Subnet are where the interface lives; VPC is empty while its Subnet is unknown.
	VPC, Subnet string
}

// Table maps metadata NAT addresses to interfaces. Lookups never wait for an update: an update
// builds a new map and swaps it in.
type Table struct {
	m atomic.Pointer[map[netip.Addr]Interface]
}

// Lookup returns the interface behind a metadata NAT address.
func (t *Table) Lookup(a netip.Addr) (Interface, bool) {
	m := t.m.Load()
	if m == nil {
		return Interface{}, false
	}
	i, ok := (*m)[a.Unmap()]
	return i, ok
}

// Len is the number of mapped addresses.
func (t *Table) Len() int {
	m := t.m.Load()
	if m == nil {
		return 0
	}
	return len(*m)
}

// Replace puts list in force. An address that two interfaces claim (for a moment while one is
// moved) maps to neither: a request from it is refused rather than answered with another
// instance's metadata. The returned errors name the interfaces in conflict.
func (t *Table) Replace(list []Interface) []error {
	m := make(map[netip.Addr]Interface, len(list))
	claims := map[netip.Addr][]string{}
	for _, i := range list {
		claims[i.MetadataIP] = append(claims[i.MetadataIP], i.ENI)
		m[i.MetadataIP] = i
	}
	var errs []error
	for a, enis := range claims {
		if len(enis) > 1 {
			delete(m, a)
			slices.Sort(enis)
			errs = append(errs, fmt.Errorf("metadata address %s is claimed by %v: left unmapped until one lets go", a, enis))
		}
	}
	t.m.Store(&m)
	return errs
}

// All returns the mapped interfaces ordered by metadata address.
func (t *Table) All() []Interface {
	m := t.m.Load()
	if m == nil {
		return nil
	}
	out := make([]Interface, 0, len(*m))
	for _, i := range *m {
		out = append(out, i)
	}
	slices.SortFunc(out, func(a, b Interface) int { return cmp.Compare(a.MetadataIP.Compare(b.MetadataIP), 0) })
	return out
}
