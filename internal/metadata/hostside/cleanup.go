package hostside

import (
	"errors"
	"fmt"
	"os"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// Cleanup removes what Ensure creates and returns what it removed: the veth pair (its
// addresses and route go with it) and the named namespace, which is removed only when
// nothing but its loopback is left in it (anything else there is someone else's).
func (h *Host) Cleanup() ([]string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var removed []string
	hb, err := netlink.NewHandleAt(h.base)
	if err != nil {
		return nil, fmt.Errorf("netlink in the base namespace: %w", err)
	}
	defer hb.Close()
	for _, name := range []string{h.cfg.VethMido, h.cfg.VethHost} {
		ok, err := deleteVeth(hb, name)
		if err != nil {
			return removed, err
		}
		if ok {
			removed = append(removed, "veth "+name)
		}
	}
	if h.cfg.Netns == "" {
		return removed, nil
	}
	ns, err := netns.GetFromName(h.cfg.Netns)
	if errors.Is(err, os.ErrNotExist) {
		return removed, nil
	}
	if err != nil {
		return removed, fmt.Errorf("open namespace %s: %w", h.cfg.Netns, err)
	}
	defer ns.Close()
	hs, err := netlink.NewHandleAt(ns)
	if err != nil {
		return removed, fmt.Errorf("netlink in namespace %s: %w", h.cfg.Netns, err)
	}
	defer hs.Close()
	ok, err := deleteVeth(hs, h.cfg.VethHost)
	if err != nil {
		return removed, err
	}
	if ok {
		removed = append(removed, "veth "+h.cfg.VethHost)
	}
	links, err := hs.LinkList()
	if err != nil {
		return removed, fmt.Errorf("list links in namespace %s: %w", h.cfg.Netns, err)
	}
	for _, l := range links {
		if l.Attrs().Name != "lo" {
			return removed, fmt.Errorf("namespace %s left in place: it holds %s, which is not ours", h.cfg.Netns, l.Attrs().Name)
		}
	}
	if h.serving.IsOpen() && !h.serving.Equal(h.base) {
		h.serving.Close()
		h.serving = netns.None()
	}
	if err := netns.DeleteNamed(h.cfg.Netns); err != nil {
		return removed, fmt.Errorf("delete namespace %s: %w", h.cfg.Netns, err)
	}
	return append(removed, "namespace "+h.cfg.Netns), nil
}

// deleteVeth deletes the veth called name (with its peer) if there is one.
func deleteVeth(h *netlink.Handle, name string) (bool, error) {
	l, err := vethByName(h, name)
	if err != nil || l == nil {
		return false, err
	}
	if err := h.LinkDel(l); err != nil {
		return false, fmt.Errorf("delete veth %s: %w", name, err)
	}
	return true, nil
}
