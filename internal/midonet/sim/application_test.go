package sim

import (
	"net/http"
	"strings"
	"testing"
)

// midonet-api.md §1.1: the root document carries the absolute base URI (trailing slash, built
// from the request Host), version v5.0, collection URIs and templates; the slash is optional.
func TestRootDocument(t *testing.T) {
	c := newSim(t, Options{})
	for _, p := range []string{"/", ""} {
		r := c.do(http.MethodGet, p, tApplication, nil)
		c.expect(r, http.StatusOK, "")
		if ct := r.header.Get("Content-Type"); ct != tApplication {
			t.Errorf("Content-Type %q", ct)
		}
		doc := r.json(t)
		if doc["uri"] != c.base+"/" || doc["version"] != "v5.0" {
			t.Errorf("uri %v version %v", doc["uri"], doc["version"])
		}
		if doc["routers"] != c.base+"/routers" || doc["routerTemplate"] != c.base+"/routers/{id}" ||
			doc["tunnelZones"] != c.base+"/tunnel_zones" || doc["bgpPeerTemplate"] != c.base+"/bgp_peers/{id}" {
			t.Errorf("links: %v", doc)
		}
	}
	// A client reaching the server under another name gets links under that name.
	req, _ := http.NewRequest(http.MethodGet, c.base+"/", nil)
	req.Host = "mido.example:8181"
	req.Header.Set("Accept", tApplication)
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatal(resp.Status)
	}
}

// midonet-api.md §1.1: an unknown first segment is 404 "Root resource foo not found".
func TestUnknownRoot(t *testing.T) {
	c := newSim(t, Options{})
	c.expect(c.do(http.MethodGet, "/foo", tRouters, nil), http.StatusNotFound, "Root resource foo not found")
	// Real roots midovpc does not model exist and are empty.
	if l := c.getList("/vteps", mediaJSON); len(l) != 0 {
		t.Errorf("vteps %v", l)
	}
}

// midonet-api.md §1.9, §2.17: constant system state; /login with the mock token.
func TestSystemStateAndLogin(t *testing.T) {
	c := newSim(t, Options{})
	st := c.get("/system_state", vnd("SystemState-v2"))
	if st["state"] != "ACTIVE" || st["availability"] != "READWRITE" || st["version"] != "5.0.0" {
		t.Errorf("system state %v", st)
	}
	c.expect(c.do(http.MethodPost, "/login", "", nil), http.StatusUnauthorized, "")
	req, _ := http.NewRequest(http.MethodPost, c.base+"/login", nil)
	req.SetBasicAuth("admin", "secret")
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != mtToken ||
		!strings.HasPrefix(resp.Header.Get("Set-Cookie"), "sessionId=00000000") {
		t.Errorf("login: %s %v", resp.Status, resp.Header)
	}
}

// midonet-api.md §1.3: strict mode requires X-Auth-Token (401 + Error-v1), /login excepted.
func TestStrictAuth(t *testing.T) {
	c := newSim(t, Options{Token: "s3cret"})
	c.expect(c.do(http.MethodGet, "/routers", tRouters, nil), http.StatusUnauthorized, "Authentication error: no valid X-Auth-Token")
	req, _ := http.NewRequest(http.MethodGet, c.base+"/routers", nil)
	req.Header.Set("Accept", tRouters)
	req.Header.Set("X-Auth-Token", "s3cret")
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("with token: %s", resp.Status)
	}
}
