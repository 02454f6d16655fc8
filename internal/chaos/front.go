package chaos

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"

	"github.com/midovpc/midovpc/internal/midonet/sim"
)

// When says where, relative to the chosen MidoNet write, the manager dies.
type When int

const (
	// BeforeWrite kills the manager when its request has arrived and before it is applied.
	BeforeWrite When = iota
	// AfterWrite applies the request and kills the manager before it reads the answer: the
	// write happened, and the manager never learned it.
	AfterWrite
)

func (w When) String() string {
	if w == AfterWrite {
		return "after"
	}
	return "before"
}

// Front serves the emulator to the manager and kills the manager at chosen writes. The
// emulator lives in the test process, so it survives every kill.
type Front struct {
	URL string
	Sim *sim.Server

	writes atomic.Int64

	mu     sync.Mutex
	at     int64 // the write that kills; 0: none armed
	when   When
	victim func() // kills the manager; runs while the chosen request is held
	fired  chan Shot

	srv *http.Server
	ln  net.Listener
}

// StartFront serves s on a loopback port.
func StartFront(s *sim.Server) (*Front, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &Front{URL: "http://" + ln.Addr().String() + sim.RootPath, Sim: s, ln: ln, fired: make(chan Shot, 16)}
	f.srv = &http.Server{Handler: f, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = f.srv.Serve(ln) }()
	return f, nil
}

// Close stops serving.
func (f *Front) Close() error {
	f.Sim.Shutdown()
	return f.srv.Close()
}

// Writes counts the write requests (POST, PUT, DELETE) received so far, applied or not.
func (f *Front) Writes() int64 { return f.writes.Load() }

// Shot is a kill that happened: at which write, before or after it was applied.
type Shot struct {
	Write int64
	When  When
}

func (s Shot) String() string { return fmt.Sprintf("%s write %d", s.When, s.Write) }

// Arm makes the write numbered at (counted by Writes, from 1) kill the manager through
// kill, before or after it is applied. Fired delivers the shot once it has happened.
func (f *Front) Arm(at int64, when When, kill func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.at, f.when, f.victim = at, when, kill
}

// Disarm cancels an armed kill that has not happened.
func (f *Front) Disarm() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.at, f.victim = 0, nil
}

// Fired delivers each kill that happened.
func (f *Front) Fired() <-chan Shot { return f.fired }

func (f *Front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions {
		f.Sim.ServeHTTP(w, r)
		return
	}
	n := f.writes.Add(1)
	f.mu.Lock()
	var kill func()
	when := f.when
	if f.at != 0 && n >= f.at {
		kill, f.at, f.victim = f.victim, 0, nil
	}
	f.mu.Unlock()
	if kill == nil {
		f.Sim.ServeHTTP(w, r)
		return
	}
	if when == AfterWrite {
		f.Sim.ServeHTTP(httptest.NewRecorder(), r)
	}
	kill()
	f.fired <- Shot{Write: n, When: when}
	// The manager is gone: drop the connection without an answer.
	panic(http.ErrAbortHandler)
}
