package hostside

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"

	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// inNamespace runs fn on an OS thread that is inside ns.
func inNamespace(ns netns.NsHandle, fn func() error) error {
	return onThread(func() error {
		if err := netns.Set(ns); err != nil {
			return fmt.Errorf("enter network namespace: %w", err)
		}
		return fn()
	})
}

// createNamedNamespace makes a new network namespace pinned at /run/netns/<name>.
func createNamedNamespace(name string) (netns.NsHandle, error) {
	ns := netns.None()
	// NewNamed moves the calling thread into the new namespace: onThread brings it back.
	err := onThread(func() error {
		var err error
		ns, err = netns.NewNamed(name)
		return err
	})
	if err != nil {
		return netns.None(), fmt.Errorf("create namespace %s: %w", name, err)
	}
	return ns, nil
}

// onThread runs fn on a locked OS thread, on a goroutine of its own, and puts the thread back
// into its namespace afterwards (fn may leave it elsewhere, as netns.NewNamed does). If the
// thread cannot be brought back it stays locked, so the runtime discards it when the
// goroutine ends instead of handing it to other code.
func onThread(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("open the thread's network namespace: %w", err)
			return
		}
		defer orig.Close()
		fnErr := fn()
		if err := netns.Set(orig); err != nil {
			errc <- fmt.Errorf("return to the thread's network namespace: %w", err)
			return
		}
		runtime.UnlockOSThread()
		errc <- fnErr
	}()
	return <-errc
}

// pinNamespace binds the namespace we hold to /run/netns/<name> again.
func pinNamespace(ns netns.NsHandle, name string) error {
	if err := os.MkdirAll(NamespaceDir, 0o755); err != nil {
		return fmt.Errorf("pin namespace %s: %w", name, err)
	}
	path := filepath.Join(NamespaceDir, name)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL, 0o444)
	if err != nil {
		return fmt.Errorf("pin namespace %s: %w", name, err)
	}
	f.Close()
	src := fmt.Sprintf("/proc/self/fd/%d", int(ns))
	if err := unix.Mount(src, path, "none", unix.MS_BIND, ""); err != nil {
		os.Remove(path)
		return fmt.Errorf("pin namespace %s: bind %s: %w", name, src, err)
	}
	return nil
}

// Listen opens a listening socket inside the serving namespace. The socket stays in that
// namespace whatever thread uses it later, while connections the process makes (to the
// upstream) leave from the process's own namespace.
func (h *Host) Listen(network, address string) (net.Listener, error) {
	var l net.Listener
	err := inNamespace(h.Serving(), func() error {
		var err error
		l, err = net.Listen(network, address)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("listen on %s %s in namespace %q: %w", network, address, h.cfg.Netns, err)
	}
	return l, nil
}

// ListenPacket is Listen for datagram sockets.
func (h *Host) ListenPacket(network, address string) (net.PacketConn, error) {
	var pc net.PacketConn
	err := inNamespace(h.Serving(), func() error {
		var err error
		pc, err = net.ListenPacket(network, address)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("listen on %s %s in namespace %q: %w", network, address, h.cfg.Netns, err)
	}
	return pc, nil
}
