package hostside

import (
	"context"
	"net"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// Keep runs Ensure whenever netlink reports a change to our links, addresses or route in
// either namespace, and every period, until ctx ends. report hears every run that changed
// something or failed.
func (h *Host) Keep(ctx context.Context, period time.Duration, report func(changed []string, err error)) {
	kick := make(chan struct{}, 1)
	poke := func() {
		select {
		case kick <- struct{}{}:
		default:
		}
	}
	var subscribed []netns.NsHandle
	subscribe := func() {
		serving := h.Serving()
		for _, ns := range []netns.NsHandle{h.base, serving} {
			if !ns.IsOpen() || containsNs(subscribed, ns) {
				continue
			}
			if h.watch(ctx, ns, poke) == nil {
				subscribed = append(subscribed, ns)
			}
		}
	}
	subscribe()
	poke() // a pass right away covers what changed before the subscriptions were in place
	t := time.NewTicker(period)
	defer t.Stop()
	// A run that fails (say, racing a deletion still in progress) is retried soon, backing off,
	// rather than at the next period: no further notification may come.
	var retry <-chan time.Time
	backoff := 50 * time.Millisecond
	for {
		select {
		case <-ctx.Done():
			return
		case <-kick:
		case <-t.C:
		case <-retry:
		}
		changed, err := h.Ensure()
		if len(changed) > 0 || err != nil {
			report(changed, err)
		}
		retry = nil
		if err != nil {
			retry = time.After(backoff)
			backoff = min(2*backoff, period)
		} else {
			backoff = 50 * time.Millisecond
		}
		subscribe()
	}
}

func containsNs(list []netns.NsHandle, ns netns.NsHandle) bool {
	for _, n := range list {
		if n.Equal(ns) {
			return true
		}
	}
	return false
}

// watch subscribes to link, address and route changes in ns and pokes on the ones that
// concern us. A subscription that fails is retried on the next period.
func (h *Host) watch(ctx context.Context, ns netns.NsHandle, poke func()) error {
	links := make(chan netlink.LinkUpdate, 64)
	addrs := make(chan netlink.AddrUpdate, 64)
	routes := make(chan netlink.RouteUpdate, 64)
	done := make(chan struct{})
	nsCopy := ns
	if err := netlink.LinkSubscribeWithOptions(links, done, netlink.LinkSubscribeOptions{Namespace: &nsCopy}); err != nil {
		close(done)
		return err
	}
	if err := netlink.AddrSubscribeWithOptions(addrs, done, netlink.AddrSubscribeOptions{Namespace: &nsCopy}); err != nil {
		close(done)
		return err
	}
	if err := netlink.RouteSubscribeWithOptions(routes, done, netlink.RouteSubscribeOptions{Namespace: &nsCopy}); err != nil {
		close(done)
		return err
	}
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case u, ok := <-links:
				if !ok {
					return
				}
				if n := u.Attrs().Name; n == h.cfg.VethHost || n == h.cfg.VethMido {
					poke()
				}
			case u, ok := <-addrs:
				if !ok {
					return
				}
				if ip := u.LinkAddress.IP; ip.Equal(net.IP(HTTPPrefix.Addr().AsSlice())) || ip.Equal(net.IP(DNSPrefix.Addr().AsSlice())) {
					poke()
				}
			case u, ok := <-routes:
				if !ok {
					return
				}
				if u.Dst != nil && u.Dst.String() == NATRoute.String() {
					poke()
				}
			}
		}
	}()
	return nil
}
