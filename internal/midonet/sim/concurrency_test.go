package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"sync"
	"testing"
)

// Every request is atomic (midonet-api.md §1.8 "A single REST call is therefore atomic"): 32
// clients inserting rules into one chain at the head, the tail and in between, and creating
// ports on one bridge, lose no write; positions stay a permutation of 1..n; tunnel keys stay
// unique.
func TestConcurrentClients(t *testing.T) {
	c := newSim(t, Options{})
	ch, br := c.chain("shared"), c.bridge("shared")
	const clients, perClient = 32, 8
	var (
		mu              sync.Mutex
		ruleIDs, portID = map[string]bool{}, map[string]bool{}
		wg              sync.WaitGroup
		errs            = make(chan error, clients*perClient*2)
	)
	post := func(p, mt, body string) (string, error) {
		req, _ := http.NewRequest(http.MethodPost, c.base+p, strings.NewReader(body))
		req.Header.Set("Content-Type", mt)
		resp, err := c.http.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			data, _ := io.ReadAll(resp.Body)
			return "", fmt.Errorf("POST %s %s: %d %s", p, body, resp.StatusCode, data)
		}
		return path.Base(resp.Header.Get("Location")), nil
	}
	count := func() (int, error) {
		req, _ := http.NewRequest(http.MethodGet, c.base+"/chains/"+ch+"/rules", nil)
		req.Header.Set("Accept", tRules)
		resp, err := c.http.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		var l []json.RawMessage
		return len(l), json.NewDecoder(resp.Body).Decode(&l)
	}
	for g := 0; g < clients; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perClient; i++ {
				position := 1
				switch i % 3 {
				case 1: // append: a stale count+1 is still ≤ n+1, as rules are only added
					n, err := count()
					if err != nil {
						errs <- err
						return
					}
					position = n + 1
				case 2:
					position = 0
				}
				rid, err := post("/chains/"+ch+"/rules", tRule, fmt.Sprintf(`{"type":"accept","position":"%d","nwProto":"%d"}`, position, g))
				if err != nil {
					errs <- err
					return
				}
				pid, err := post("/bridges/"+br+"/ports", tPort, `{"type":"Bridge"}`)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				ruleIDs[rid], portID[pid] = true, true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got := c.ruleIDs(ch) // also checks position == index+1
	if len(got) != clients*perClient || len(ruleIDs) != clients*perClient {
		t.Fatalf("%d rules in chain, %d created", len(got), len(ruleIDs))
	}
	for _, id := range got {
		if !ruleIDs[id] {
			t.Errorf("unknown rule %s", id)
		}
	}
	ports := c.getList("/bridges/"+br+"/ports", tPorts)
	keys := map[float64]bool{}
	for _, p := range ports {
		keys[p["tunnelKey"].(float64)] = true
	}
	if len(ports) != clients*perClient || len(keys) != len(ports) {
		t.Errorf("%d ports, %d distinct tunnel keys", len(ports), len(keys))
	}
	if w := c.srv.Writes(); w < int64(2*clients*perClient) {
		t.Errorf("Writes %d", w)
	}
}

// Requests and Writes let other packages count what a controller did: only requests that
// changed the store count as writes.
func TestRequestLogAndWrites(t *testing.T) {
	c := newSim(t, Options{RequestLogSize: 3})
	c.srv.ResetRequests()
	rt := c.router("r")                                                               // write
	c.get("/routers/"+rt, tRouter)                                                    // read
	c.do(http.MethodPost, "/routers", tRouter, map[string]any{"id": rt})              // 409, no change
	c.do(http.MethodDelete, "/routers/00000000-0000-0000-0000-000000000001", "", nil) // 204, no change
	c.do(http.MethodDelete, "/routers/"+rt, "", nil)                                  // write
	if w := c.srv.Writes(); w != 2 {
		t.Errorf("Writes %d, want 2", w)
	}
	log := c.srv.Requests()
	if len(log) != 3 {
		t.Fatalf("log %v, want the last 3", log)
	}
	if log[0].Status != http.StatusConflict || log[2].Method != http.MethodDelete || !log[2].Changed || log[1].Changed {
		t.Errorf("log %+v", log)
	}
	c.srv.ResetRequests()
	if len(c.srv.Requests()) != 0 || c.srv.Writes() != 0 {
		t.Error("reset did not reset")
	}
}

// Lists of a router's routes run at once (GETs share the store's read lock) while the first of
// them builds the child index: each sees every route (go test -race checks the index's lock).
func TestConcurrentChildListsSeeEveryChild(t *testing.T) {
	c := newSim(t, Options{})
	rt := c.router("r")
	p := c.routerPort(rt, "10.0.0.1", 24)
	const routes = 100
	for i := 0; i < routes; i++ {
		c.create("/routers/"+rt+"/routes", tRoute, map[string]any{"type": "Normal", "nextHopPort": p, "weight": 100,
			"srcNetworkAddr": "0.0.0.0", "srcNetworkLength": 0, "dstNetworkAddr": fmt.Sprintf("10.%d.0.0", i+1), "dstNetworkLength": 16})
	}
	want := len(c.getList("/routers/"+rt+"/routes", tRoutes))
	if want < routes {
		t.Fatalf("%d routes listed, want at least %d", want, routes)
	}
	for round := 0; round < 5; round++ {
		fresh := c.reloaded() // a fresh store: its child index is not built
		var wg sync.WaitGroup
		got := make([]int, 8)
		for g := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := fresh.do(http.MethodGet, "/routers/"+rt+"/routes", tRoutes, nil)
				got[g] = len(r.list(t))
			}()
		}
		wg.Wait()
		for g, n := range got {
			if n != want {
				t.Errorf("round %d, list %d: %d routes, want %d", round, g, n, want)
			}
		}
	}
}
