// Package netnstest gives tests network namespaces of their own, so that tests of the metadata
// host side never touch the machine's namespace: each test gets a fresh anonymous namespace
// playing the metadata host, and unique names for anything that is global (named namespaces).
package netnstest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// Require skips the test, saying why, unless it runs as root where network namespaces can be
// made.
func Require(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipped: needs root to create network namespaces (run as root, e.g. in a CI container)")
	}
	err := Do(netns.None(), func() error {
		ns, err := netns.New()
		if err == nil {
			ns.Close()
		}
		return err
	})
	if err != nil {
		t.Skipf("skipped: network namespaces are not available here: %v", err)
	}
}

// UniqueName is prefix followed by random hex, short enough for a namespace or link name.
func UniqueName(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// NewNamespace returns a new anonymous network namespace with its loopback up; it goes away
// when the test ends (with every link in it).
func NewNamespace(t testing.TB) netns.NsHandle {
	t.Helper()
	var ns netns.NsHandle
	err := Do(netns.None(), func() error {
		var err error
		if ns, err = netns.New(); err != nil {
			return err
		}
		lo, err := netlink.LinkByName("lo")
		if err != nil {
			return err
		}
		return netlink.LinkSetUp(lo)
	})
	if err != nil {
		t.Fatalf("new network namespace: %v", err)
	}
	t.Cleanup(func() { ns.Close() })
	return ns
}

// Do runs fn on a locked OS thread inside ns (netns.None(): the thread's own namespace) and
// brings the thread back afterwards; a thread that cannot be brought back is discarded.
func Do(ns netns.NsHandle, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer orig.Close()
		if ns.IsOpen() {
			if err := netns.Set(ns); err != nil {
				runtime.UnlockOSThread()
				errc <- err
				return
			}
		}
		fnErr := fn()
		if err := netns.Set(orig); err != nil {
			errc <- fmt.Errorf("return to the thread's namespace: %w", err)
			return
		}
		runtime.UnlockOSThread()
		errc <- fnErr
	}()
	return <-errc
}

// Dialer dials from inside ns: the socket is made there, so the connection lives there.
func Dialer(ns netns.NsHandle, local net.Addr) func(network, address string) (net.Conn, error) {
	return func(network, address string) (net.Conn, error) {
		var c net.Conn
		err := Do(ns, func() error {
			var err error
			c, err = (&net.Dialer{LocalAddr: local, Timeout: 10 * time.Second}).Dial(network, address)
			return err
		})
		return c, err
	}
}

// Handle is a netlink handle in ns, closed when the test ends.
func Handle(t testing.TB, ns netns.NsHandle) *netlink.Handle {
	t.Helper()
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		t.Fatalf("netlink handle: %v", err)
	}
	t.Cleanup(h.Close)
	return h
}
