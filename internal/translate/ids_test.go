package translate

import (
	"errors"
	"testing"
)

func TestRouterIndexAllocator(t *testing.T) {
	span := func(from, to int) []int {
		var s []int
		for i := from; i < to; i++ {
			s = append(s, i)
		}
		return s
	}
	tests := []struct {
		name string
		max  int
		used []int
		want int
		err  error
	}{
		{"empty", 0, nil, 2, nil},
		{"lowest free, unsorted and duplicated input", 0, []int{5, 2, 3, 3, 7}, 4, nil},
		{"ignores out-of-range used values", 0, []int{0, 1, -4, 99999}, 2, nil},
		{"default maximum is exclusive", 0, span(2, 10239), 10239, nil},
		{"default maximum exhausted", 0, span(2, 10240), 0, ErrExhausted},
		{"skips 10744-10751 with a larger maximum", 20000, span(2, 10744), 10752, nil},
		{"skip range never handed out even when free below", 10752, span(2, 10744), 0, ErrExhausted},
		{"small maximum", 4, []int{2, 3}, 0, ErrExhausted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RouterIndexAllocator{Max: tt.max}.Next(tt.used)
			if !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
				t.Fatalf("Next error = %v, want %v", err, tt.err)
			}
			if got != tt.want {
				t.Errorf("Next = %d, want %d", got, tt.want)
			}
		})
	}
	if _, err := (RouterIndexAllocator{Max: 40000}).Next(nil); err == nil {
		t.Error("maximum above 32750 accepted")
	}
}

func TestMetadataIDAllocator(t *testing.T) {
	if got, err := (MetadataIDAllocator{}).Next(nil); err != nil || got != 10 {
		t.Errorf("first eniid = %d, %v", got, err)
	}
	if got, err := (MetadataIDAllocator{}).Next([]int{10, 11, 13}); err != nil || got != 12 {
		t.Errorf("next eniid = %d, %v", got, err)
	}
	if _, err := (MetadataIDAllocator{Max: 12}).Next([]int{10, 11}); !errors.Is(err, ErrExhausted) {
		t.Errorf("exhausted: %v", err)
	}
	if _, err := (MetadataIDAllocator{Max: MetadataIDLimit + 1}).Next(nil); err == nil {
		t.Error("maximum above the limit accepted")
	}
}

func TestAddressPlan(t *testing.T) {
	tests := []struct {
		name string
		fn   func() (string, error)
		want string
	}{
		{"uplink rtid 2", func() (string, error) { a, err := UplinkAddress(2); return a.String(), err }, "169.254.0.2"},
		{"uplink rtid 300 is a 32-bit add", func() (string, error) { a, err := UplinkAddress(300); return a.String(), err }, "169.254.1.44"},
		{"uplink rtid 10239", func() (string, error) { a, err := UplinkAddress(10239); return a.String(), err }, "169.254.39.255"},
		{"md uplink rtid 2", func() (string, error) { a, err := MetadataUplinkAddress(2); return a.String(), err }, "169.254.128.2"},
		{"md uplink rtid 300", func() (string, error) { a, err := MetadataUplinkAddress(300); return a.String(), err }, "169.254.129.44"},
		{"md uplink rtid 10743 (below the skip)", func() (string, error) { a, err := MetadataUplinkAddress(10743); return a.String(), err }, "169.254.169.247"},
		{"md uplink rtid 10752 (above the skip)", func() (string, error) { a, err := MetadataUplinkAddress(10752); return a.String(), err }, "169.254.170.0"},
		{"md address eniid 10", func() (string, error) { a, err := MetadataAddress(10); return a.String(), err }, "255.0.0.10"},
		{"md address eniid 70000", func() (string, error) { a, err := MetadataAddress(70000); return a.String(), err }, "255.1.17.112"},
		{"md address eniid max", func() (string, error) { a, err := MetadataAddress(MetadataIDLimit - 1); return a.String(), err }, "255.255.255.254"},
		{"subnet dot1", func() (string, error) { return SubnetAddress(cidr("10.0.1.0/24"), 1).String(), nil }, "10.0.1.1"},
		{"subnet dot2", func() (string, error) { return SubnetAddress(cidr("10.0.255.0/24"), 2).String(), nil }, "10.0.255.2"},
	}
	for _, tt := range tests {
		got, err := tt.fn()
		if err != nil || got != tt.want {
			t.Errorf("%s = %s, %v; want %s", tt.name, got, err, tt.want)
		}
	}
	for _, rtid := range []int{0, 1, 10744, 10751, 32750, -1} {
		if _, err := UplinkAddress(rtid); err == nil {
			t.Errorf("UplinkAddress(%d) accepted", rtid)
		}
	}
	for _, id := range []int{0, 9, MetadataIDLimit} {
		if _, err := MetadataAddress(id); err == nil {
			t.Errorf("MetadataAddress(%d) accepted", id)
		}
	}
	if id, ok := MetadataIDOf(ip("255.1.17.112")); !ok || id != 70000 {
		t.Errorf("MetadataIDOf = %d, %v", id, ok)
	}
	if _, ok := MetadataIDOf(ip("10.0.0.10")); ok {
		t.Error("MetadataIDOf accepted an address outside 255.0.0.0/8")
	}
	if id, ok := RouterIndexOfUplink(ip("169.254.1.44")); !ok || id != 300 {
		t.Errorf("RouterIndexOfUplink = %d, %v", id, ok)
	}
	if _, err := AddOffset(ip("255.255.255.255"), 1); err == nil {
		t.Error("AddOffset overflow accepted")
	}
}
