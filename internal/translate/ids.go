package translate

import (
	"errors"
	"fmt"
	"slices"
)

// Router index (rtid) and metadata id (eniid) ranges, translation.md §1.
const (
	// MinRouterIndex is the first rtid (169.254.0.1 is eucart).
	MinRouterIndex = 2
	// DefaultMaxRouterIndex is MIDO_MAX_RTID: rtids are in [2, max).
	DefaultMaxRouterIndex = 10240
	// RouterIndexLimit bounds MIDO_MAX_RTID (≤ 32750); no valid rtid reaches it.
	RouterIndexLimit = 32750
	// SkippedRouterIndexFirst..Last are never used: 169.254.128.0 + rtid would fall into the
	// metadata /29 169.254.169.248/29. With the default maximum (10240) the skip never
	// matters; it does for maxima above 10744.
	SkippedRouterIndexFirst = 10744
	SkippedRouterIndexLast  = 10751

	// MinMetadataID is the first eniid.
	MinMetadataID = 10
	// DefaultMaxMetadataID is MIDO_MAX_ENIID: eniids are in [10, max).
	DefaultMaxMetadataID = 1048576
	// MetadataIDLimit bounds MIDO_MAX_ENIID (≤ 16777215).
	MetadataIDLimit = 16777215
)

// ErrExhausted is returned when every index of a range is in use.
var ErrExhausted = errors.New("no free index left")

// ValidateRouterIndex checks that rtid can ever be allocated: in [2, RouterIndexLimit) and
// outside the skipped 10744–10751.
func ValidateRouterIndex(rtid int) error {
	if rtid < MinRouterIndex || rtid >= RouterIndexLimit {
		return fmt.Errorf("router index %d outside [%d, %d)", rtid, MinRouterIndex, RouterIndexLimit)
	}
	if rtid >= SkippedRouterIndexFirst && rtid <= SkippedRouterIndexLast {
		return fmt.Errorf("router index %d is reserved (its metadata address falls into %s)", rtid, MetadataExtNetwork)
	}
	return nil
}

// ValidateMetadataID checks that eniid is in [10, MetadataIDLimit).
func ValidateMetadataID(eniid int) error {
	if eniid < MinMetadataID || eniid >= MetadataIDLimit {
		return fmt.Errorf("metadata id %d outside [%d, %d)", eniid, MinMetadataID, MetadataIDLimit)
	}
	return nil
}

// RouterIndexAllocator hands out rtids, shared by VPC and NAT-gateway routers. Max is
// MIDO_MAX_RTID (0 = DefaultMaxRouterIndex). It is pure: the caller passes the indexes in use
// (UsedRouterIndexes recovers them from router names).
type RouterIndexAllocator struct {
	Max int
}

// Next returns the lowest free rtid in [2, Max), skipping 10744–10751.
func (a RouterIndexAllocator) Next(used []int) (int, error) {
	max := a.Max
	if max == 0 {
		max = DefaultMaxRouterIndex
	}
	if max > RouterIndexLimit {
		return 0, fmt.Errorf("maximum router index %d above %d", max, RouterIndexLimit)
	}
	return lowestFree(used, MinRouterIndex, max, func(i int) bool {
		return i >= SkippedRouterIndexFirst && i <= SkippedRouterIndexLast
	})
}

// UsedRouterIndexes returns the rtids of the router names that parse as VPC or NAT-gateway
// routers, sorted and without duplicates.
func UsedRouterIndexes(routerNames []string) []int {
	var used []int
	for _, name := range routerNames {
		if n, ok := ParseName(name); ok && (n.Kind == NameVPCRouter || n.Kind == NameNATRouter) {
			used = append(used, n.RouterIndex)
		}
	}
	slices.Sort(used)
	return slices.Compact(used)
}

// MetadataIDAllocator hands out eniids. Max is MIDO_MAX_ENIID (0 = DefaultMaxMetadataID).
type MetadataIDAllocator struct {
	Max int
}

// Next returns the lowest free eniid in [10, Max).
func (a MetadataIDAllocator) Next(used []int) (int, error) {
	max := a.Max
	if max == 0 {
		max = DefaultMaxMetadataID
	}
	if max > MetadataIDLimit {
		return 0, fmt.Errorf("maximum metadata id %d above %d", max, MetadataIDLimit)
	}
	return lowestFree(used, MinMetadataID, max, func(int) bool { return false })
}

func lowestFree(used []int, min, max int, skip func(int) bool) (int, error) {
	taken := make(map[int]bool, len(used))
	for _, u := range used {
		taken[u] = true
	}
	for i := min; i < max; i++ {
		if !taken[i] && !skip(i) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("allocate in [%d, %d): %w", min, max, ErrExhausted)
}
