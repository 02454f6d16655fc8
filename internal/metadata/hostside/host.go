package hostside

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"sync"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/midovpc/midovpc/internal/translate"
)

// NamespaceDir is where named network namespaces are pinned (as `ip netns` does).
const NamespaceDir = "/run/netns"

// Config names the pieces of the host side.
type Config struct {
	// Netns is the namespace that holds VethHost and the metadata services; empty keeps
	// VethHost in the base namespace (MIDO_MD_VETH_USE_NETNS=N).
	Netns string
	// VethHost is the end that carries 169.254.169.254 (eucamd_host).
	VethHost string
	// VethMido is the end MidoNet binds eucamdrt's external port to (eucamd_mido).
	VethMido string
	// Base is the namespace VethMido lives in; netns.None() means the process's own.
	// Tests pass a namespace of their own so that the machine's is never touched.
	Base netns.NsHandle
}

// Host is the host side of the metadata path.
type Host struct {
	cfg      Config
	base     netns.NsHandle
	ownsBase bool
	mu       sync.Mutex
	serving  netns.NsHandle // the namespace VethHost is in, once known
}

// Addresses and the route the host side holds (translation.md §1, MIDO_EXTMD_CIDR).
var (
	HTTPPrefix   = netip.PrefixFrom(translate.MetadataHTTPAddress, translate.MetadataExtNetwork.Bits())
	DNSPrefix    = netip.PrefixFrom(translate.MetadataDNSAddress, 32)
	NATRoute     = translate.MetadataNATNetwork
	NATRouteVia  = translate.MetadataExtPortAddress
	hostPrefixes = []netip.Prefix{HTTPPrefix, DNSPrefix}
)

// New prepares a Host; it changes nothing on the machine.
func New(cfg Config) (*Host, error) {
	if cfg.VethHost == "" || cfg.VethMido == "" || cfg.VethHost == cfg.VethMido {
		return nil, fmt.Errorf("veth names %q and %q: both are needed and must differ", cfg.VethHost, cfg.VethMido)
	}
	for _, n := range []string{cfg.VethHost, cfg.VethMido} {
		if len(n) > unix.IFNAMSIZ-1 {
			return nil, fmt.Errorf("veth name %q: longer than %d characters", n, unix.IFNAMSIZ-1)
		}
	}
	if cfg.Netns != "" && (cfg.Netns != filepath.Base(cfg.Netns) || cfg.Netns == "." || cfg.Netns == "..") {
		return nil, fmt.Errorf("netns %q: a namespace name, not a path", cfg.Netns)
	}
	h := &Host{cfg: cfg, base: cfg.Base, serving: netns.None()}
	if !cfg.Base.IsOpen() {
		base, err := netns.Get()
		if err != nil {
			return nil, fmt.Errorf("open the process's network namespace: %w", err)
		}
		h.base, h.ownsBase = base, true
	}
	return h, nil
}

// Close releases the namespace handles (the namespaces and links stay).
func (h *Host) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.serving.IsOpen() && !h.serving.Equal(h.base) {
		h.serving.Close()
	}
	h.serving = netns.None()
	if h.ownsBase {
		h.base.Close()
	}
}

// Serving is the namespace the metadata services listen in, once Ensure has run.
func (h *Host) Serving() netns.NsHandle {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.serving
}

// Ensure makes the host side what it should be and returns what it had to change (nothing on
// a host that is already right).
func (h *Host) Ensure() ([]string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var changed []string
	note := func(format string, a ...any) { changed = append(changed, fmt.Sprintf(format, a...)) }
	if err := h.ensureNamespace(note); err != nil {
		return changed, err
	}
	hb, err := netlink.NewHandleAt(h.base)
	if err != nil {
		return changed, fmt.Errorf("netlink in the base namespace: %w", err)
	}
	defer hb.Close()
	hs := hb
	if !h.serving.Equal(h.base) {
		if hs, err = netlink.NewHandleAt(h.serving); err != nil {
			return changed, fmt.Errorf("netlink in namespace %s: %w", h.cfg.Netns, err)
		}
		defer hs.Close()
		if err := ensureUp(hs, "lo", note); err != nil {
			return changed, err
		}
	}
	host, err := h.ensureVeth(hb, hs, note)
	if err != nil {
		return changed, err
	}
	if err := ensureAddresses(hs, host, note); err != nil {
		return changed, err
	}
	if err := ensureNATRoute(hs, host, note); err != nil {
		return changed, err
	}
	return changed, nil
}

// ensureNamespace opens (creating it if needed) the named namespace, and pins it again under
// its name if someone removed the name while we hold it.
func (h *Host) ensureNamespace(note func(string, ...any)) error {
	if h.cfg.Netns == "" {
		h.serving = h.base
		return nil
	}
	named, err := netns.GetFromName(h.cfg.Netns)
	switch {
	case err == nil && h.serving.IsOpen():
		defer named.Close()
		if !named.Equal(h.serving) {
			return fmt.Errorf("namespace %s was replaced by another one; the metadata services listen in the old one: restart metadata-proxy", h.cfg.Netns)
		}
		return nil
	case err == nil:
		h.serving = named
		return nil
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("open namespace %s: %w", h.cfg.Netns, err)
	case h.serving.IsOpen():
		if err := pinNamespace(h.serving, h.cfg.Netns); err != nil {
			return err
		}
		note("namespace %s pinned again", h.cfg.Netns)
		return nil
	}
	ns, err := createNamedNamespace(h.cfg.Netns)
	if err != nil {
		return err
	}
	h.serving = ns
	note("namespace %s created", h.cfg.Netns)
	return nil
}

// ensureVeth returns VethHost (in the serving namespace) with its peer VethMido (in the base
// namespace), both up. A half pair, or a pair whose ends are not each other's peers, is
// deleted and made again; a link of our name that is not a veth is not ours and is left alone.
func (h *Host) ensureVeth(hb, hs *netlink.Handle, note func(string, ...any)) (netlink.Link, error) {
	mido, err := vethByName(hb, h.cfg.VethMido)
	if err != nil {
		return nil, err
	}
	host, err := vethByName(hs, h.cfg.VethHost)
	if err != nil {
		return nil, err
	}
	if host == nil && hs != hb {
		// A pair made before the move into the namespace completed.
		stray, err := vethByName(hb, h.cfg.VethHost)
		if err != nil {
			return nil, err
		}
		if stray != nil && mido != nil && stray.Attrs().ParentIndex == mido.Attrs().Index {
			if err := hb.LinkSetNsFd(stray, int(h.serving)); err != nil {
				return nil, fmt.Errorf("move %s into namespace %s: %w", h.cfg.VethHost, h.cfg.Netns, err)
			}
			note("%s moved into namespace %s", h.cfg.VethHost, h.cfg.Netns)
			if host, err = vethByName(hs, h.cfg.VethHost); err != nil {
				return nil, err
			}
		}
	}
	if mido == nil || host == nil || !peers(mido, host) {
		for _, end := range []struct {
			h    *netlink.Handle
			link netlink.Link
		}{{hb, mido}, {hs, host}} {
			if end.link == nil {
				continue
			}
			if err := end.h.LinkDel(end.link); err != nil && !errors.Is(err, unix.ENODEV) {
				return nil, fmt.Errorf("delete half veth %s: %w", end.link.Attrs().Name, err)
			}
		}
		veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: h.cfg.VethMido}, PeerName: h.cfg.VethHost}
		if hs != hb {
			veth.PeerNamespace = netlink.NsFd(h.serving)
		}
		if err := hb.LinkAdd(veth); err != nil {
			return nil, fmt.Errorf("create veth %s ↔ %s: %w", h.cfg.VethMido, h.cfg.VethHost, err)
		}
		note("veth %s ↔ %s created", h.cfg.VethMido, h.cfg.VethHost)
		if host, err = vethByName(hs, h.cfg.VethHost); err != nil || host == nil {
			return nil, fmt.Errorf("veth %s missing right after it was created: %v", h.cfg.VethHost, err)
		}
	}
	if err := ensureUp(hb, h.cfg.VethMido, note); err != nil {
		return nil, err
	}
	if err := ensureUp(hs, h.cfg.VethHost, note); err != nil {
		return nil, err
	}
	return host, nil
}

// peers tells whether two veth ends name each other (IFLA_LINK holds the peer's index).
func peers(a, b netlink.Link) bool {
	return a.Attrs().ParentIndex == b.Attrs().Index && b.Attrs().ParentIndex == a.Attrs().Index
}

// vethByName returns the veth called name, nil when there is none, and an error when a link
// of that name is something else.
func vethByName(h *netlink.Handle, name string) (netlink.Link, error) {
	l, err := h.LinkByName(name)
	var notFound netlink.LinkNotFoundError
	if errors.As(err, &notFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look up link %s: %w", name, err)
	}
	if _, ok := l.(*netlink.Veth); !ok {
		return nil, fmt.Errorf("link %s is a %s, not a veth: it is not ours, so it is left alone", name, l.Type())
	}
	return l, nil
}

func ensureUp(h *netlink.Handle, name string, note func(string, ...any)) error {
	l, err := h.LinkByName(name)
	if err != nil {
		return fmt.Errorf("look up link %s: %w", name, err)
	}
	if l.Attrs().Flags&net.FlagUp != 0 {
		return nil
	}
	if err := h.LinkSetUp(l); err != nil {
		return fmt.Errorf("set link %s up: %w", name, err)
	}
	note("link %s set up", name)
	return nil
}

// ensureAddresses adds 169.254.169.254/29 and 169.254.169.253/32 where missing; other
// addresses on the link are someone else's and stay.
func ensureAddresses(h *netlink.Handle, link netlink.Link, note func(string, ...any)) error {
	have, err := h.AddrList(link, netlink.FAMILY_V4)
	if err != nil {
		return fmt.Errorf("list addresses of %s: %w", link.Attrs().Name, err)
	}
	for _, want := range hostPrefixes {
		if hasAddress(have, want) {
			continue
		}
		a := &netlink.Addr{IPNet: ipNet(want)}
		if err := h.AddrReplace(link, a); err != nil {
			return fmt.Errorf("add address %s to %s: %w", want, link.Attrs().Name, err)
		}
		note("address %s added to %s", want, link.Attrs().Name)
	}
	return nil
}

func hasAddress(have []netlink.Addr, want netip.Prefix) bool {
	for _, a := range have {
		ip, ok := netip.AddrFromSlice(a.IP.To4())
		ones, _ := a.Mask.Size()
		if ok && ip == want.Addr() && ones == want.Bits() {
			return true
		}
	}
	return false
}

// ensureNATRoute keeps exactly one route 255.0.0.0/8 via 169.254.169.249 on the link: replies
// to the NATed instance addresses go back to eucamdrt.
func ensureNATRoute(h *netlink.Handle, link netlink.Link, note func(string, ...any)) error {
	routes, err := natRoutes(h)
	if err != nil {
		return err
	}
	if len(routes) == 1 && routes[0].LinkIndex == link.Attrs().Index && routes[0].Gw.Equal(net.IP(NATRouteVia.AsSlice())) {
		return nil
	}
	r := &netlink.Route{LinkIndex: link.Attrs().Index, Dst: ipNet(NATRoute), Gw: net.IP(NATRouteVia.AsSlice()), Table: unix.RT_TABLE_MAIN}
	if err := h.RouteReplace(r); err != nil {
		return fmt.Errorf("route %s via %s dev %s: %w", NATRoute, NATRouteVia, link.Attrs().Name, err)
	}
	note("route %s via %s dev %s set", NATRoute, NATRouteVia, link.Attrs().Name)
	return nil
}

func natRoutes(h *netlink.Handle) ([]netlink.Route, error) {
	filter := &netlink.Route{Dst: ipNet(NATRoute), Table: unix.RT_TABLE_MAIN}
	routes, err := h.RouteListFiltered(netlink.FAMILY_V4, filter, netlink.RT_FILTER_DST|netlink.RT_FILTER_TABLE)
	if err != nil {
		return nil, fmt.Errorf("list routes to %s: %w", NATRoute, err)
	}
	return routes, nil
}

func ipNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: net.IP(p.Addr().AsSlice()), Mask: net.CIDRMask(p.Bits(), 32)}
}
