package sim

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Running is an emulator serving on a loopback listener.
type Running struct {
	// URL is the API base, e.g. http://127.0.0.1:40123/midonet-api (no trailing slash).
	URL string
	// Addr is the listener's host:port.
	Addr string
	// Server is the emulator, for seeding, fault settings and inspection.
	Server *Server

	http *http.Server

	closeOnce sync.Once
	closeErr  error
	done      chan error
}

// Start serves a new emulator on 127.0.0.1 with a free port.
func Start(opts Options) (*Running, error) {
	return Listen("127.0.0.1:0", New(opts))
}

// Listen serves srv on addr (host:port; port 0 picks a free one).
func Listen(addr string, srv *Server) (*Running, error) { return ListenHandler(addr, srv, srv) }

// ListenHandler is Listen serving h, a handler that passes srv's requests on to it (with
// endpoints of its own beside RootPath, such as cmd/midonet-sim's request counters).
func ListenHandler(addr string, srv *Server, h http.Handler) (*Running, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("start midonet emulator: %w", err)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	r := &Running{
		URL:    "http://" + ln.Addr().String() + RootPath,
		Addr:   ln.Addr().String(),
		Server: srv,
		http:   hs,
		done:   make(chan error, 1),
	}
	go func() { r.done <- hs.Serve(ln) }()
	return r, nil
}

// Close stops the listener and every connection, releasing stalled requests first.
// Close stops the server; calling it again returns the first call's result.
func (r *Running) Close() error {
	r.closeOnce.Do(func() { r.closeErr = r.close() })
	return r.closeErr
}

func (r *Running) close() error {
	r.Server.Shutdown()
	err := r.http.Close()
	if serveErr := <-r.done; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("midonet emulator: %w", serveErr)
	}
	if err != nil {
		return fmt.Errorf("stop midonet emulator: %w", err)
	}
	return nil
}
