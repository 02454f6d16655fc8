package sim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
)

// RootPath is where the API is served, as in MidoNet's default cluster.conf.
const RootPath = "/midonet-api"

// Options configure a Server. The zero value is a faithful, fault-free, mock-auth MidoNet.
type Options struct {
	// Latency is added to every request; Jitter adds a uniformly random 0..Jitter on top.
	Latency time.Duration
	Jitter  time.Duration
	// FailRate is the probability (0..1) that a request fails. A failing request is, with equal
	// odds: answered 503 without being applied; its connection dropped without being applied;
	// APPLIED and then answered 503; APPLIED and then never answered (it stalls until the client
	// gives up). The root document, /system_state and /login never fail (see faults.go).
	FailRate float64
	// Seed makes jitter and failures reproducible: the same seed gives the same sequence of
	// outcomes for the same sequence of requests.
	Seed int64
	// Token, when set, switches from MidoNet's default mock authentication (anything goes) to a
	// strict mode where every request but /login must carry X-Auth-Token: Token (else 401).
	Token string
	// Logger receives one V(1) line per request.
	Logger logr.Logger
	// RequestLogSize bounds the log returned by Requests (default 10000).
	RequestLogSize int
	// Capacity, when positive, is how many requests the server works on at once (MidoNet's
	// API threads, its ZooKeeper round trips): each holds one of Capacity slots for its
	// Latency (plus jitter); the others wait in a queue, so latency grows with load past the
	// knee. 0 serves every request at once.
	Capacity int
	// QueueLimit, with Capacity, bounds the queue: a request arriving when QueueLimit requests
	// already wait is answered 503 at once (MidoNet's thread pool refusing work). 0: unbounded.
	QueueLimit int
}

// Request is one entry of the request log.
type Request struct {
	Method string
	Path   string // URL path, e.g. /midonet-api/routers/…
	Query  string // raw query, e.g. tenant_id=t1
	// Status is the status sent to the client; 0 when the connection was dropped or the
	// request stalled.
	Status int
	// Fault is the injected fault, FaultNone for a normal request.
	Fault Fault
	// Changed reports whether the request changed the store.
	Changed bool
}

// Server is the emulated MidoNet API; it implements http.Handler for paths under RootPath.
type Server struct {
	mu sync.RWMutex
	st *store

	token  string
	logger logr.Logger
	faults *faultInjector

	logMu   sync.Mutex
	reqLog  []Request // a ring of logSize once full, oldest at logHead
	logHead int
	logSize int
	writes  atomic.Int64
	reads   atomic.Int64
	refused atomic.Int64

	slots      chan struct{} // nil: no capacity model
	queueLimit int64
	queued     atomic.Int64

	closing   chan struct{}
	closeOnce sync.Once
}

// New returns an empty emulator (no hosts: seed them with ApplySeed or AddHost).
func New(opts Options) *Server {
	size := opts.RequestLogSize
	if size <= 0 {
		size = 10000
	}
	s := &Server{
		st:      newStore(),
		token:   opts.Token,
		logger:  opts.Logger,
		faults:  newFaultInjector(opts.Latency, opts.Jitter, opts.FailRate, opts.Seed),
		logSize: size,
		closing: make(chan struct{}),
	}
	if opts.Capacity > 0 {
		s.slots = make(chan struct{}, opts.Capacity)
		s.queueLimit = int64(opts.QueueLimit)
	}
	return s
}

// Shutdown releases requests stalled by fault injection (they get a 503) so that an
// http.Server can shut down; the Server keeps answering other requests.
func (s *Server) Shutdown() { s.closeOnce.Do(func() { close(s.closing) }) }

// Requests returns a copy of the request log, oldest first (at most RequestLogSize entries).
func (s *Server) Requests() []Request {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	out := make([]Request, 0, len(s.reqLog))
	return append(append(out, s.reqLog[s.logHead:]...), s.reqLog[:s.logHead]...)
}

// ResetRequests empties the request log and the write counter.
func (s *Server) ResetRequests() {
	s.logMu.Lock()
	s.reqLog, s.logHead = nil, 0
	s.logMu.Unlock()
	s.writes.Store(0)
	s.reads.Store(0)
	s.refused.Store(0)
}

// Reads is the number of GET requests since the last reset (the API root included), whatever
// their answer.
func (s *Server) Reads() int64 { return s.reads.Load() }

// Refused is the number of requests answered 503 because the capacity model's queue was full,
// since the last reset.
func (s *Server) Refused() int64 { return s.refused.Load() }

// Writes is the number of non-GET requests that changed the store since the last reset,
// including writes that were applied and then answered with an injected fault.
func (s *Server) Writes() int64 { return s.writes.Load() }

func (s *Server) record(req Request) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	if len(s.reqLog) < s.logSize {
		s.reqLog = append(s.reqLog, req)
		return
	}
	// Full: overwrite the oldest (shifting the whole log made every request cost the log's
	// length once a long run had filled it).
	s.reqLog[s.logHead] = req
	s.logHead = (s.logHead + 1) % s.logSize
}

// call is one request being handled: the request, the store (locked by ServeHTTP) and the path.
type call struct {
	r    *http.Request
	st   *store
	base string   // absolute base URI without the trailing slash
	seg  []string // unescaped path segments after RootPath
}

// reply is a handler's answer, built under the store lock and written after it is released.
type reply struct {
	status      int
	contentType string
	body        []byte
	location    string
	header      http.Header
}

// uri is an absolute link under the base, e.g. c.uri("routers", id).
func (c *call) uri(parts ...string) string {
	return c.base + "/" + strings.Join(parts, "/")
}

// link is a link for a nullable reference: null when the id is null (spec §1.5).
func (c *call) link(collection string, id *string) *string {
	if id == nil {
		return nil
	}
	return ptr(c.uri(collection, *id))
}

func (c *call) method() string { return c.r.Method }

func jsonReply(status int, mediaType string, v any) (reply, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return reply{}, &apiError{Status: http.StatusInternalServerError, Message: err.Error()}
	}
	return reply{status: status, contentType: mediaType, body: data}, nil
}

func ok(mediaType string, v any) (reply, error) { return jsonReply(http.StatusOK, mediaType, v) }

func created(location string) (reply, error) {
	return reply{status: http.StatusCreated, location: location}, nil
}

func noContent() (reply, error) { return reply{status: http.StatusNoContent}, nil }

func errorReply(err error) reply {
	ae, isAPI := err.(*apiError)
	if !isAPI {
		ae = &apiError{Status: http.StatusInternalServerError, Message: err.Error()}
	}
	if ae.NoBody {
		return reply{status: ae.Status}
	}
	data, _ := json.Marshal(ae.body())
	rep := reply{status: ae.Status, contentType: mtError, body: data}
	if ae.Status == http.StatusUnauthorized {
		rep.header = http.Header{"Www-Authenticate": {`Basic  realm="BASIC_AUTH_REALM"`}}
	}
	return rep
}

// ServeHTTP serves the API under RootPath.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, under := strings.CutPrefix(r.URL.EscapedPath(), RootPath)
	if !under || (rest != "" && rest[0] != '/') {
		http.NotFound(w, r)
		return
	}
	seg, err := splitPath(rest)
	if err != nil {
		s.finish(w, r, errorReply(bare(http.StatusNotFound)), FaultNone, false)
		return
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		s.reads.Add(1)
	}
	exempt := len(seg) == 0 || seg[0] == "system_state" || seg[0] == "login"
	release, admitted := s.admit(r)
	if !admitted {
		s.refused.Add(1)
		s.finish(w, r, unavailable(), FaultNone, false)
		return
	}
	defer release()
	plan := s.faults.next(exempt)
	if plan.delay > 0 {
		select {
		case <-time.After(plan.delay):
		case <-r.Context().Done():
		}
	}
	switch plan.fault {
	case FaultUnavailable:
		s.finish(w, r, unavailable(), plan.fault, false)
		return
	case FaultDrop:
		s.drop(w, r)
		return
	}

	rep, changed := s.handle(r, seg)

	switch plan.fault {
	case FaultAppliedUnavailable:
		rep = unavailable()
	case FaultAppliedStall:
		// Logged now, not when the client gives up, so the log is complete as soon as the
		// client has seen its timeout.
		s.log(r, 0, plan.fault, changed)
		select {
		case <-r.Context().Done():
		case <-s.closing:
			s.write(w, r, unavailable())
		}
		return
	}
	s.finish(w, r, rep, plan.fault, changed)
}

// admit takes one of the Capacity slots, waiting in the queue when all are busy, or refuses
// the request when the queue is full. Without a capacity model every request is admitted.
func (s *Server) admit(r *http.Request) (release func(), admitted bool) {
	if s.slots == nil {
		return func() {}, true
	}
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, true
	default:
	}
	if n := s.queued.Add(1); s.queueLimit > 0 && n > s.queueLimit {
		s.queued.Add(-1)
		return nil, false
	}
	defer s.queued.Add(-1)
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, true
	case <-r.Context().Done():
		return func() {}, true // the client is gone; the request fails on its own
	case <-s.closing:
		return func() {}, true
	}
}

// handle runs one request under the store lock: a read lock for GET, the write lock otherwise.
func (s *Server) handle(r *http.Request, seg []string) (reply, bool) {
	if s.token != "" && (len(seg) == 0 || seg[0] != "login") && r.Header.Get("X-Auth-Token") != s.token {
		return errorReply(&apiError{Status: http.StatusUnauthorized, Message: "Authentication error: no valid X-Auth-Token"}), false
	}
	reading := r.Method == http.MethodGet || r.Method == http.MethodHead
	if reading {
		s.mu.RLock()
		defer s.mu.RUnlock()
	} else {
		s.mu.Lock()
		defer s.mu.Unlock()
	}
	c := &call{r: r, st: s.st, base: baseURI(r), seg: seg}
	before := s.st.version
	rep, err := s.dispatch(c)
	if err != nil {
		rep = errorReply(err)
	}
	changed := s.st.version != before
	if changed && !reading {
		s.writes.Add(1)
	}
	return rep, changed
}

func (s *Server) finish(w http.ResponseWriter, r *http.Request, rep reply, fault Fault, changed bool) {
	s.write(w, r, rep)
	s.log(r, rep.status, fault, changed)
}

func (s *Server) write(w http.ResponseWriter, r *http.Request, rep reply) {
	h := w.Header()
	for k, v := range rep.header {
		h[k] = v
	}
	if rep.location != "" {
		h.Set("Location", rep.location)
	}
	if rep.contentType != "" {
		h.Set("Content-Type", rep.contentType)
	}
	w.WriteHeader(rep.status)
	if len(rep.body) > 0 && r.Method != http.MethodHead {
		_, _ = w.Write(rep.body) // the client went away: nothing left to tell it
	}
}

func (s *Server) log(r *http.Request, status int, fault Fault, changed bool) {
	s.record(Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: status, Fault: fault, Changed: changed})
	s.logger.V(1).Info("request", "method", r.Method, "path", r.URL.RequestURI(), "status", status, "fault", string(fault), "changed", changed)
}

// baseURI is the absolute API base built from the request's Host, as MidoNet builds its links.
func baseURI(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		scheme = p
	}
	return scheme + "://" + r.Host + RootPath
}

func splitPath(rest string) ([]string, error) {
	var seg []string
	for _, p := range strings.Split(rest, "/") {
		if p == "" {
			continue
		}
		u, err := url.PathUnescape(p)
		if err != nil {
			return nil, err
		}
		seg = append(seg, u)
	}
	return seg, nil
}

// dispatch routes on the first path segment to the resource's handler.
func (s *Server) dispatch(c *call) (reply, error) {
	if len(c.seg) == 0 {
		return c.serveApplication()
	}
	switch c.seg[0] {
	case "system_state":
		return c.serveSystemState()
	case "login":
		return c.serveLogin(s.token)
	case "routers":
		return c.serveRouters()
	case "bridges":
		return c.serveBridges()
	case "ports":
		return c.servePorts()
	case "routes":
		return c.serveRoutes()
	case "chains":
		return c.serveChains()
	case "rules":
		return c.serveRules()
	case "ip_addr_groups":
		return c.serveIPAddrGroups()
	case "hosts":
		return c.serveHosts()
	case "tunnel_zones":
		return c.serveTunnelZones()
	case "bgp_peers":
		return c.serveBGPPeers()
	case "bgp_networks":
		return c.serveBGPNetworks()
	case "port_groups":
		return c.servePortGroups()
	}
	if unmodelledRoots[c.seg[0]] {
		return c.serveUnmodelled()
	}
	return reply{}, notFoundMsg("Root resource %s not found", c.seg[0])
}
