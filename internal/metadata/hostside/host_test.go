package hostside_test

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/midovpc/midovpc/internal/metadata/hostside"
	"github.com/midovpc/midovpc/internal/metadata/netnstest"
)

// newHost gives the test a host side whose base namespace is a fresh namespace of its own and
// whose named namespace (when named) has a name no other run uses.
func newHost(t *testing.T, named bool) (*hostside.Host, hostside.Config) {
	t.Helper()
	netnstest.Require(t)
	cfg := hostside.Config{VethHost: "eucamd_host", VethMido: "eucamd_mido", Base: netnstest.NewNamespace(t)}
	if named {
		cfg.Netns = netnstest.UniqueName("eucamd-t")
		t.Cleanup(func() {
			if _, err := os.Stat(filepath.Join(hostside.NamespaceDir, cfg.Netns)); err == nil {
				_ = netns.DeleteNamed(cfg.Netns)
			}
		})
	}
	h, err := hostside.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h, cfg
}

// state is what a user sees with `ip addr` and `ip route` on both sides.
type state struct {
	midoIndex, hostIndex int
	midoUp, hostUp       bool
	addresses            []string
	natRoutes            []string
}

func observe(t *testing.T, h *hostside.Host, cfg hostside.Config) state {
	t.Helper()
	hb := netnstest.Handle(t, cfg.Base)
	hs := netnstest.Handle(t, h.Serving())
	var s state
	if l, err := hb.LinkByName(cfg.VethMido); err == nil {
		s.midoIndex, s.midoUp = l.Attrs().Index, l.Attrs().Flags&net.FlagUp != 0
	}
	l, err := hs.LinkByName(cfg.VethHost)
	if err != nil {
		return s
	}
	s.hostIndex, s.hostUp = l.Attrs().Index, l.Attrs().Flags&net.FlagUp != 0
	addrs, err := hs.AddrList(l, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		s.addresses = append(s.addresses, a.IPNet.String())
	}
	sort.Strings(s.addresses)
	routes, err := hs.RouteList(nil, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range routes {
		if r.Dst != nil && r.Dst.String() == "255.0.0.0/8" {
			s.natRoutes = append(s.natRoutes, r.Dst.String()+" via "+r.Gw.String())
		}
	}
	return s
}

func wantBuilt(t *testing.T, s state) {
	t.Helper()
	if s.midoIndex == 0 || s.hostIndex == 0 || !s.midoUp || !s.hostUp {
		t.Fatalf("veth pair not there and up: %+v", s)
	}
	if strings.Join(s.addresses, " ") != "169.254.169.253/32 169.254.169.254/29" {
		t.Errorf("addresses on eucamd_host = %v, want 169.254.169.253/32 and 169.254.169.254/29", s.addresses)
	}
	if strings.Join(s.natRoutes, ",") != "255.0.0.0/8 via 169.254.169.249" {
		t.Errorf("routes to 255.0.0.0/8 = %v, want exactly one via 169.254.169.249", s.natRoutes)
	}
}

func TestEnsureBuildsTheHostSideOnceAndChangesNothingAfter(t *testing.T) {
	for _, named := range []bool{true, false} {
		t.Run(map[bool]string{true: "in namespace", false: "without namespace"}[named], func(t *testing.T) {
			h, cfg := newHost(t, named)
			changed, err := h.Ensure()
			if err != nil {
				t.Fatal(err)
			}
			if len(changed) == 0 {
				t.Fatal("first Ensure reported no change")
			}
			first := observe(t, h, cfg)
			wantBuilt(t, first)
			if named && h.Serving().Equal(cfg.Base) {
				t.Error("eucamd_host is in the base namespace, not in its own")
			}

			// A second run, and a restarted process, change nothing: same links, no duplicates.
			if changed, err := h.Ensure(); err != nil || len(changed) > 0 {
				t.Fatalf("second Ensure changed %v (err %v)", changed, err)
			}
			restarted, err := hostside.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer restarted.Close()
			if changed, err := restarted.Ensure(); err != nil || len(changed) > 0 {
				t.Fatalf("Ensure after a restart changed %v (err %v)", changed, err)
			}
			again := observe(t, restarted, cfg)
			if again.midoIndex != first.midoIndex || again.hostIndex != first.hostIndex {
				t.Errorf("restart recreated the veth: indexes %d/%d became %d/%d", first.midoIndex, first.hostIndex, again.midoIndex, again.hostIndex)
			}
			wantBuilt(t, again)
		})
	}
}

func TestKeepRepairsWhatIsRemovedByHand(t *testing.T) {
	h, cfg := newHost(t, true)
	if _, err := h.Ensure(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	repaired := make(chan []string, 16)
	// A long period: repairs below come from netlink notifications.
	go h.Keep(ctx, time.Hour, func(changed []string, err error) {
		if err != nil {
			// A pass racing a deletion still in progress may fail; the next one repairs.
			t.Logf("keep: %v", err)
		}
		select {
		case repaired <- changed:
		case <-ctx.Done():
		}
	})
	hb := netnstest.Handle(t, cfg.Base)
	hs := netnstest.Handle(t, h.Serving())

	steps := []struct {
		name   string
		remove func() error
	}{
		{"address 169.254.169.254/29", func() error {
			l, _ := hs.LinkByName(cfg.VethHost)
			a, _ := netlink.ParseAddr("169.254.169.254/29")
			return hs.AddrDel(l, a)
		}},
		{"route 255.0.0.0/8", func() error {
			l, _ := hs.LinkByName(cfg.VethHost)
			routes, _ := hs.RouteList(l, netlink.FAMILY_V4)
			for _, r := range routes {
				if r.Dst != nil && r.Dst.String() == "255.0.0.0/8" {
					return hs.RouteDel(&r)
				}
			}
			return errors.New("no route to delete")
		}},
		{"link eucamd_host down", func() error {
			l, _ := hs.LinkByName(cfg.VethHost)
			return hs.LinkSetDown(l)
		}},
		{"veth eucamd_mido", func() error {
			l, _ := hb.LinkByName(cfg.VethMido)
			return hb.LinkDel(l)
		}},
	}
	for _, step := range steps {
		if err := step.remove(); err != nil {
			t.Fatalf("remove %s by hand: %v", step.name, err)
		}
		deadline := time.After(30 * time.Second) // generous bound; repairs take milliseconds
	wait:
		for {
			select {
			case changed := <-repaired:
				t.Logf("after removing %s: %v", step.name, changed)
				if s := observe(t, h, cfg); len(s.addresses) == 2 && len(s.natRoutes) == 1 && s.hostUp && s.midoUp {
					break wait
				}
			case <-deadline:
				t.Fatalf("%s removed by hand was not repaired: %+v", step.name, observe(t, h, cfg))
			}
		}
		wantBuilt(t, observe(t, h, cfg))
	}
}

func TestCleanupLeavesNothing(t *testing.T) {
	for _, named := range []bool{true, false} {
		t.Run(map[bool]string{true: "in namespace", false: "without namespace"}[named], func(t *testing.T) {
			h, cfg := newHost(t, named)
			if _, err := h.Ensure(); err != nil {
				t.Fatal(err)
			}
			fresh, err := hostside.New(cfg) // --cleanup runs in a process of its own
			if err != nil {
				t.Fatal(err)
			}
			defer fresh.Close()
			removed, err := fresh.Cleanup()
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("removed %v", removed)
			hb := netnstest.Handle(t, cfg.Base)
			links, err := hb.LinkList()
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range links {
				if l.Attrs().Name != "lo" {
					t.Errorf("link %s left in the base namespace", l.Attrs().Name)
				}
			}
			routes, _ := hb.RouteList(nil, netlink.FAMILY_V4)
			for _, r := range routes {
				if r.Dst != nil && r.Dst.String() == "255.0.0.0/8" {
					t.Errorf("route %s left", r.Dst)
				}
			}
			if named {
				if _, err := os.Stat(filepath.Join(hostside.NamespaceDir, cfg.Netns)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("namespace %s left (stat: %v)", cfg.Netns, err)
				}
			}
			if removed, err := fresh.Cleanup(); err != nil || len(removed) > 0 {
				t.Errorf("second cleanup removed %v (err %v)", removed, err)
			}
		})
	}
}

func TestALinkOfOurNameThatIsNotAVethIsLeftAlone(t *testing.T) {
	h, cfg := newHost(t, false)
	hb := netnstest.Handle(t, cfg.Base)
	foreign := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: cfg.VethMido}}
	if err := hb.LinkAdd(foreign); err != nil {
		t.Skipf("skipped: cannot create a bridge here to play a foreign link: %v", err)
	}
	_, err := h.Ensure()
	if err == nil || !strings.Contains(err.Error(), "eucamd_mido is a bridge, not a veth") {
		t.Fatalf("Ensure over a foreign bridge eucamd_mido: err = %v", err)
	}
	if _, err := h.Cleanup(); err == nil {
		t.Error("Cleanup over a foreign bridge eucamd_mido did not say so")
	}
	if _, err := hb.LinkByName(cfg.VethMido); err != nil {
		t.Errorf("the foreign link is gone: %v", err)
	}
}
