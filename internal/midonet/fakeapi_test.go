package midonet

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
)

// fakeAPI is a deliberately small MidoNet stand-in written for these tests: it serves the
// root, stores whatever is POSTed or PUT under the URL MidoNet would give it, lists
// collections, records every request, and lets a test intercept requests to inject faults.
// It checks nothing else; the faithful emulator is internal/midonet/sim.
type fakeAPI struct {
	srv     *httptest.Server
	version string

	mu       sync.Mutex
	requests []recorded
	objects  map[string]map[string]any // item path → object
	members  map[string][]string       // collection path → item paths, in creation order
	// intercept, when set, sees every request first (its body already read into rec.Body);
	// it returns true when it has answered.
	intercept func(w http.ResponseWriter, r *http.Request, rec recorded) bool
}

// recorded is one request as the server saw it.
type recorded struct {
	Method, Path, Query, Accept, ContentType, Token string
	Body                                            []byte
}

const apiPrefix = "/midonet-api"

func newFakeAPI(t testing.TB) *fakeAPI {
	f := &fakeAPI{version: VersionMN5, objects: map[string]map[string]any{}, members: map[string][]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serveHTTP))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) url() string { return f.srv.URL + apiPrefix }

func (f *fakeAPI) setIntercept(fn func(w http.ResponseWriter, r *http.Request, rec recorded) bool) {
	f.mu.Lock()
	f.intercept = fn
	f.mu.Unlock()
}

// recorded returns the requests seen so far, except the root discovery.
func (f *fakeAPI) recorded() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []recorded
	for _, r := range f.requests {
		if r.Path != apiPrefix+"/" {
			out = append(out, r)
		}
	}
	return out
}

func (f *fakeAPI) count(method, path string) int {
	n := 0
	for _, r := range f.recorded() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

func (f *fakeAPI) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec := recorded{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		Accept: r.Header.Get("Accept"), ContentType: r.Header.Get("Content-Type"),
		Token: r.Header.Get(authHeader), Body: body}
	f.mu.Lock()
	f.requests = append(f.requests, rec)
	intercept := f.intercept
	f.mu.Unlock()
	if intercept != nil && intercept(w, r, rec) {
		return
	}
	status, header, out := f.apply(rec)
	for k, v := range header {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// apply performs a request on the store and returns the answer without writing it, so that an
// intercept can apply a write and then answer something else ("applied, then 503").
func (f *fakeAPI) apply(rec recorded) (int, http.Header, []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	h := http.Header{}
	base := f.srv.URL + apiPrefix
	switch {
	case rec.Method == http.MethodGet && (rec.Path == apiPrefix+"/" || rec.Path == apiPrefix):
		root := map[string]any{"uri": base + "/", "version": f.version}
		for _, seg := range []string{"routers", "bridges", "ports", "chains", "hosts", "tunnel_zones", "port_groups"} {
			root[seg] = base + "/" + seg
		}
		root["ipAddrGroups"] = base + "/ip_addr_groups"
		root["systemState"] = base + "/system_state"
		for _, seg := range []string{"route", "rule", "bgpPeer", "bgpNetwork"} {
			root[seg+"Template"] = base + "/" + map[string]string{"route": "routes", "rule": "rules",
				"bgpPeer": "bgp_peers", "bgpNetwork": "bgp_networks"}[seg] + "/{id}"
		}
		return jsonAnswer(http.StatusOK, root)
	case rec.Method == http.MethodGet && rec.Path == apiPrefix+"/system_state":
		return jsonAnswer(http.StatusOK, map[string]any{"state": "ACTIVE", "availability": "READWRITE", "version": "5.0.0", "information": nil})
	case rec.Method == http.MethodGet:
		if obj, ok := f.objects[rec.Path]; ok {
			return jsonAnswer(http.StatusOK, obj)
		}
		if items, ok := f.members[rec.Path]; ok || isCollection(rec.Path) {
			list := []any{}
			for _, p := range items {
				if obj, ok := f.objects[p]; ok {
					list = append(list, obj)
				}
			}
			return jsonAnswer(http.StatusOK, list)
		}
		return errAnswer(http.StatusNotFound, "There is no object at "+rec.Path)
	case rec.Method == http.MethodPost:
		var obj map[string]any
		if err := json.Unmarshal(rec.Body, &obj); err != nil {
			return errAnswer(http.StatusBadRequest, "bad body: "+err.Error())
		}
		item := itemPath(rec.Path, obj)
		if _, exists := f.objects[item]; exists {
			return errAnswer(http.StatusConflict, "A(n) object with ID "+item+" already exists.")
		}
		obj["uri"] = f.srv.URL + item
		f.objects[item] = obj
		f.members[rec.Path] = append(f.members[rec.Path], item)
		h.Set("Location", f.srv.URL+item)
		return http.StatusCreated, h, nil
	case rec.Method == http.MethodPut:
		if _, ok := f.objects[rec.Path]; !ok {
			return errAnswer(http.StatusNotFound, "There is no object at "+rec.Path)
		}
		var obj map[string]any
		if err := json.Unmarshal(rec.Body, &obj); err != nil {
			return errAnswer(http.StatusBadRequest, "bad body: "+err.Error())
		}
		obj["uri"] = f.srv.URL + rec.Path
		f.objects[rec.Path] = obj
		return http.StatusNoContent, h, nil
	case rec.Method == http.MethodDelete:
		if _, ok := f.objects[rec.Path]; !ok {
			return errAnswer(http.StatusNotFound, "There is no object at "+rec.Path)
		}
		delete(f.objects, rec.Path)
		return http.StatusNoContent, h, nil
	}
	return http.StatusMethodNotAllowed, h, nil
}

// put stores an object directly, as if created earlier.
func (f *fakeAPI) put(path string, obj map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	obj["uri"] = f.srv.URL + path
	f.objects[path] = obj
}

func isCollection(path string) bool {
	last := path[strings.LastIndex(path, "/")+1:]
	switch last {
	case "routers", "bridges", "ports", "routes", "chains", "rules", "ip_addr_groups", "ip_addrs",
		"dhcp", "hosts", "interfaces", "tunnel_zones", "bgp_peers", "bgp_networks", "mac_table",
		"arp_table", "port_groups":
		return true
	}
	return false
}

// itemPath is where MidoNet files a POSTed object: UUID kinds at /<kind>/<id> (a random id
// when the body has none), natural-key kinds below their collection.
func itemPath(coll string, obj map[string]any) string {
	s := func(k string) string { return fmt.Sprint(obj[k]) }
	last := coll[strings.LastIndex(coll, "/")+1:]
	switch last {
	case "dhcp":
		return coll + "/" + s("subnetPrefix") + "_" + s("subnetLength")
	case "ip_addrs":
		return strings.TrimSuffix(coll, "/ip_addrs") + "/versions/" + s("version") + "/ip_addrs/" + s("addr")
	case "arp_table":
		return coll + "/" + s("ip") + "_" + strings.ReplaceAll(s("mac"), ":", "-")
	case "mac_table":
		return coll + "/" + strings.ReplaceAll(s("macAddr"), ":", "-") + "_" + s("portId")
	case "hosts":
		if strings.Contains(coll, "/dhcp/") {
			return coll + "/" + s("macAddr")
		}
		return coll + "/" + s("hostId")
	case "link":
		return coll
	}
	if last == "ports" && strings.Contains(coll, "/hosts/") || strings.Contains(coll, "/port_groups/") {
		return coll + "/" + s("portId")
	}
	id, _ := obj["id"].(string)
	if id == "" {
		id = uuid.NewString()
		obj["id"] = id
	}
	return apiPrefix + "/" + last + "/" + id
}

func jsonAnswer(status int, v any) (int, http.Header, []byte) {
	b, _ := json.Marshal(v)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return status, h, b
}

func errAnswer(status int, message string) (int, http.Header, []byte) {
	h := http.Header{}
	h.Set("Content-Type", MediaTypeError)
	b, _ := json.Marshal(map[string]any{"message": message, "code": status})
	return status, h, b
}

// writeAnswer writes an answer produced by apply or errAnswer.
func writeAnswer(w http.ResponseWriter, status int, h http.Header, body []byte) {
	for k, v := range h {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// dropConnection closes the connection without answering.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}
