package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// CountersPath serves the request counters as JSON, beside the API (not under /midonet-api,
// which is MidoNet's): what the scale benchmark (hack/bench-scale) reads before and after each
// phase to count the requests a phase cost.
const CountersPath = "/_sim/counters"

// WritesPath serves the log of writes (creates, updates, deletes) as JSON lines, from the
// sequence number given by ?since=N (0: from the start): what the scale benchmark prints when a
// phase writes more than its minimum, so that a churn names its objects.
const WritesPath = "/_sim/writes"

// writeLogSize bounds the write log (the oldest entries are dropped); a cold converge of
// 10,000 interfaces writes about 350,000 objects.
const writeLogSize = 500_000

// bodyExcerpt is how much of a write's body the log keeps.
const bodyExcerpt = 400

// Write is one logged write.
type Write struct {
	Seq    int64  `json:"seq"`
	Method string `json:"method"`
	Path   string `json:"path"`
	Status int    `json:"status"`
	Body   string `json:"body,omitempty"`
}

// Counters are the totals since the emulator started. Requests are counted by method (creates
// are POSTs, updates PUTs, deletes DELETEs, reads GETs), whatever their answer; Status counts
// answers by code (0: the connection was dropped or the client gave up).
type Counters struct {
	Requests int64 `json:"requests"`
	Reads    int64 `json:"reads"`
	Creates  int64 `json:"creates"`
	Updates  int64 `json:"updates"`
	Deletes  int64 `json:"deletes"`
	// WriteSeq is the sequence number of the last logged write (see WritesPath).
	WriteSeq int64            `json:"writeSeq"`
	Status   map[string]int64 `json:"status"`
	// InFlight is the requests being served now, InFlightPeak the most at once since the last
	// read of the counters with ?resetPeak=1.
	InFlight     int64 `json:"inFlight"`
	InFlightPeak int64 `json:"inFlightPeak"`
	// BusySeconds is the sum of every request's time in the server (latency and queueing
	// included): divided by a phase's duration, the mean number of requests in flight.
	BusySeconds float64 `json:"busySeconds"`
}

// counting wraps the emulator's handler with request counters and serves them at CountersPath.
type counting struct {
	next http.Handler

	reads, creates, updates, deletes, total atomic.Int64
	inFlight, peak                          atomic.Int64
	busyNanos                               atomic.Int64

	mu     sync.Mutex
	status map[int]int64
	writes []Write // the last writeLogSize writes, in sequence order
	seq    int64
}

func countRequests(next http.Handler) *counting {
	return &counting{next: next, status: map[int]int64{}}
}

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case CountersPath:
		c.serveCounters(w, r)
		return
	case WritesPath:
		c.serveWrites(w, r)
		return
	}
	var body string
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Body != nil {
		body = excerpt(r)
	}
	start := time.Now()
	n := c.inFlight.Add(1)
	for p := c.peak.Load(); n > p && !c.peak.CompareAndSwap(p, n); p = c.peak.Load() {
	}
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		c.inFlight.Add(-1)
		c.busyNanos.Add(int64(time.Since(start)))
		c.mu.Lock()
		c.status[sw.status]++
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			c.logWrite(Write{Method: r.Method, Path: r.URL.RequestURI(), Status: sw.status, Body: body})
		}
		c.mu.Unlock()
	}()
	c.total.Add(1)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		c.reads.Add(1)
	case http.MethodPost:
		c.creates.Add(1)
	case http.MethodPut:
		c.updates.Add(1)
	case http.MethodDelete:
		c.deletes.Add(1)
	}
	c.next.ServeHTTP(sw, r)
}

func (c *counting) serveCounters(w http.ResponseWriter, r *http.Request) {
	out := Counters{
		Requests: c.total.Load(), Reads: c.reads.Load(), Creates: c.creates.Load(),
		Updates: c.updates.Load(), Deletes: c.deletes.Load(), Status: map[string]int64{},
		InFlight: c.inFlight.Load(), InFlightPeak: c.peak.Load(),
		BusySeconds: time.Duration(c.busyNanos.Load()).Seconds(),
	}
	if r.URL.Query().Get("resetPeak") != "" {
		c.peak.Store(c.inFlight.Load())
	}
	c.mu.Lock()
	for code, n := range c.status {
		out.Status[strconv.Itoa(code)] = n
	}
	out.WriteSeq = c.seq
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out) // the client went away: nothing left to tell it
}

// logWrite appends a write to the log (c.mu held).
func (c *counting) logWrite(wr Write) {
	c.seq++
	wr.Seq = c.seq
	if len(c.writes) >= writeLogSize {
		c.writes = append(c.writes[:0], c.writes[len(c.writes)-writeLogSize/2:]...)
	}
	c.writes = append(c.writes, wr)
}

// serveWrites answers the writes after ?since=N, one JSON object a line.
func (c *counting) serveWrites(w http.ResponseWriter, r *http.Request) {
	since, _ := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64)
	c.mu.Lock()
	i := sort.Search(len(c.writes), func(i int) bool { return c.writes[i].Seq > since })
	out := append([]Write(nil), c.writes[i:]...)
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-ndjson")
	enc := json.NewEncoder(w)
	for _, wr := range out {
		if enc.Encode(wr) != nil {
			return // the client went away
		}
	}
}

// excerpt reads the start of a request's body for the write log and puts the whole body back
// for the handler.
func excerpt(r *http.Request) string {
	data, err := io.ReadAll(r.Body)
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	if len(data) > bodyExcerpt {
		data = data[:bodyExcerpt]
	}
	return string(data)
}

// statusWriter remembers the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Hijack passes the connection on: the emulator drops connections to inject faults.
func (s *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := s.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, fmt.Errorf("the response writer cannot hand over its connection")
	}
	return hj.Hijack()
}
