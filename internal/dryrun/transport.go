package dryrun

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// apiBase is the made-up address of the MidoNet API the engine talks to: nothing listens
// there, the transport answers every request itself.
const apiBase = "http://midonet.dry-run.invalid/midonet-api/"

// Write is one REST write the sync engine would make.
type Write struct {
	// Action is create, update or delete; links and bindings count as create, unlinks and
	// unbindings as delete (as the engine counts them).
	Action string `json:"action"`
	// What names the object by its MidoNet name: "rule #3 in sg_ingress_sg-5e5e5e5e".
	What string `json:"what"`
	// Request is the call, METHOD path (ids as MidoNet would see them).
	Request string `json:"request"`
}

// transport answers the engine's requests without a network: the API root, and every write
// as MidoNet answers it (201, 204). Reads other than the root are refused: the index holds
// what MidoNet holds, and an engine that needed to read would be predicting from something
// else. Every write is described (against the index, before the write-through changes it) and
// recorded.
type transport struct {
	describe func(method string, path []string, body []byte) Write

	mu     sync.Mutex
	writes []Write
	reads  []string
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body.Close()
	}
	path := strings.TrimPrefix(req.URL.Path, strings.TrimSuffix(mustPath(apiBase), "/"))
	var segs []string
	for _, s := range strings.Split(strings.Trim(path, "/"), "/") {
		if s == "" {
			continue
		}
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
		segs = append(segs, s)
	}
	switch req.Method {
	case http.MethodGet:
		if len(segs) == 0 {
			return answer(req, http.StatusOK, nil, []byte(`{"uri":"`+apiBase+`","version":"v5.0"}`)), nil
		}
		t.mu.Lock()
		t.reads = append(t.reads, req.URL.Path)
		t.mu.Unlock()
		return answer(req, http.StatusServiceUnavailable, nil, []byte(`{"message":"dry run: no reads beyond the snapshot"}`)), nil
	case http.MethodPost, http.MethodPut, http.MethodDelete:
	default:
		return nil, fmt.Errorf("dry run: unexpected %s %s", req.Method, req.URL.Path)
	}
	w := t.describe(req.Method, segs, body)
	w.Request = req.Method + " /" + strings.Join(segs, "/")
	t.mu.Lock()
	t.writes = append(t.writes, w)
	t.mu.Unlock()
	switch req.Method {
	case http.MethodPost:
		h := http.Header{}
		var probe struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(body, &probe) == nil && probe.ID != "" {
			h.Set("Location", strings.TrimSuffix(req.URL.String(), "/")+"/"+probe.ID)
		}
		return answer(req, http.StatusCreated, h, nil), nil
	default:
		return answer(req, http.StatusNoContent, nil, nil), nil
	}
}

// take returns the writes recorded since the last take.
func (t *transport) take() []Write {
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.writes
	t.writes = nil
	return w
}

func answer(req *http.Request, status int, h http.Header, body []byte) *http.Response {
	if h == nil {
		h = http.Header{}
	}
	if body != nil {
		h.Set("Content-Type", "application/json")
	}
	return &http.Response{StatusCode: status, Status: http.StatusText(status), Header: h, Request: req,
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
}

func mustPath(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		panic(err)
	}
	return p.Path
}
