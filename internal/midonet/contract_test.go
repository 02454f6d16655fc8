package midonet_test

// Contract tests: the typed client against the MidoNet emulator (internal/midonet/sim) over
// real HTTP on a loopback listener. Each subtest is named after the section of
// spec/midonet-api.md whose behaviour it pins down, and starts its own emulator, so that the
// subtests neither share state nor depend on their order. Together they show that the client
// and the emulator agree with each other and with the spec: if either drifts from the spec,
// one side of a contract breaks here.

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
)

// contractEnv is one emulator and one client talking to it.
type contractEnv struct {
	t   testing.TB
	run *sim.Running
	c   *midonet.Client
	ctx context.Context
}

// newContractEnv starts an emulator with opts and a client with cfg (URL filled in). The
// client's rate limit is off: the emulator is local and the tests are about behaviour.
func newContractEnv(t testing.TB, opts sim.Options, cfg midonet.Config) *contractEnv {
	t.Helper()
	run, err := sim.Start(opts)
	if err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	t.Cleanup(func() { _ = run.Close() })
	cfg.URL = run.URL
	cfg.ReadBack = true // the contract is what the emulator stores
	if cfg.QPS == 0 {
		cfg.QPS = -1
	}
	c, err := midonet.New(cfg)
	if err != nil {
		t.Fatalf("new client: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	return &contractEnv{t: t, run: run, c: c, ctx: ctx}
}

// plainEnv is a fault-free, mock-auth emulator with a default client.
func plainEnv(t testing.TB) *contractEnv {
	return newContractEnv(t, sim.Options{}, midonet.Config{})
}

func newID() string { return uuid.NewString() }

// must fails the test on err, naming what was being done.
func must[T any](t testing.TB, what string) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

func mustDo(t testing.TB, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// apiError returns err's *midonet.APIError, failing the test when there is none.
func apiError(t testing.TB, err error) *midonet.APIError {
	t.Helper()
	var ae *midonet.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want *midonet.APIError, got %T: %v", err, err)
	}
	return ae
}

// wantStatus checks that err is an APIError with status and message, and that exactly the
// matching typed predicate holds.
func wantStatus(t testing.TB, err error, status int, message string) *midonet.APIError {
	t.Helper()
	if err == nil {
		t.Fatalf("want %d %q, got success", status, message)
	}
	ae := apiError(t, err)
	if ae.Status != status {
		t.Fatalf("status = %d, want %d (%v)", ae.Status, status, err)
	}
	if message != "" && ae.Message != message {
		t.Fatalf("message = %q, want %q", ae.Message, message)
	}
	preds := map[int]bool{
		404: midonet.IsNotFound(err), 409: midonet.IsConflict(err),
		400: midonet.IsValidation(err), 401: midonet.IsUnauthorized(err),
	}
	for code, holds := range preds {
		if holds != (code == status) {
			t.Fatalf("typed predicate for %d = %v on a %d answer", code, holds, status)
		}
	}
	if midonet.IsTransient(err) {
		t.Fatalf("a %d answer is not transient", status)
	}
	return ae
}

func wantNotFound(t testing.TB, err error, message string) {
	t.Helper()
	wantStatus(t, err, 404, message)
}

func wantConflict(t testing.TB, err error, message string) {
	t.Helper()
	wantStatus(t, err, 409, message)
}

func wantValidation(t testing.TB, err error, message string) *midonet.APIError {
	t.Helper()
	return wantStatus(t, err, 400, message)
}

func deref(p *string) string { return midonet.Deref(p) }

func TestContractConventions(t *testing.T) {
	t.Run("§1.1 root discovery", func(t *testing.T) {
		e := plainEnv(t)
		app := must[*midonet.Application](t, "discover")(e.c.Discover(e.ctx))
		if app.Version != midonet.VersionMN5 || e.c.Version() != "v5.0" {
			t.Fatalf("version = %q (client %q), want v5.0", app.Version, e.c.Version())
		}
		if want := e.run.URL + "/"; app.URI != want {
			t.Fatalf("uri = %q, want %q (absolute, trailing slash)", app.URI, want)
		}
		for key, want := range map[string]string{
			"routers":        app.URI + "routers",
			"routerTemplate": app.URI + "routers/{id}",
			"chains":         app.URI + "chains",
			"ruleTemplate":   app.URI + "rules/{id}",
			"systemState":    app.URI + "system_state",
			"ipAddrGroups":   app.URI + "ip_addr_groups",
			"tunnelZones":    app.URI + "tunnel_zones",
		} {
			if got := app.Links[key]; got != want {
				t.Errorf("root %s = %q, want %q", key, got, want)
			}
		}
		// The client builds its URLs from the announced links: an object's uri is one of them.
		rt := must[*midonet.Router](t, "create router")(e.c.CreateRouter(e.ctx, &midonet.Router{Name: "r"}))
		if want := app.URI + "routers/" + rt.ID; rt.URI != want {
			t.Fatalf("router uri = %q, want %q", rt.URI, want)
		}
	})

	t.Run("§1.9 system_state", func(t *testing.T) {
		e := plainEnv(t)
		st := must[*midonet.SystemState](t, "system state")(e.c.GetSystemState(e.ctx))
		if st.State != "ACTIVE" || st.Availability != "READWRITE" || st.Version != "5.0.0" || st.Information != nil {
			t.Fatalf("system state = %+v, want ACTIVE/READWRITE/5.0.0/null", st)
		}
		if !st.Writable() {
			t.Fatal("Writable() = false for ACTIVE/READWRITE")
		}
	})

	t.Run("§1.3 strict token", func(t *testing.T) {
		const token = "s3cret-token"
		e := newContractEnv(t, sim.Options{Token: token}, midonet.Config{})
		_, err := e.c.ListRouters(e.ctx, "")
		ae := wantStatus(t, err, 401, "")
		if strings.Contains(err.Error(), token) {
			t.Fatal("error text leaks the token")
		}
		if ae.Message == "" {
			t.Fatal("401 carries no Error-v1 message")
		}

		// A wrong token is refused; the right one, written to the same file, is picked up
		// without a new client (the file is re-read when it changes).
		tokenFile := filepath.Join(t.TempDir(), "token")
		mustDo(t, "write token", os.WriteFile(tokenFile, []byte("wrong\n"), 0o600))
		c := must[*midonet.Client](t, "client")(midonet.New(midonet.Config{URL: e.run.URL, QPS: -1, TokenFile: tokenFile}))
		_, err = c.ListRouters(e.ctx, "")
		wantStatus(t, err, 401, "")
		mustDo(t, "rewrite token", os.WriteFile(tokenFile, []byte(token+"\n"), 0o600))
		rt := must[*midonet.Router](t, "create with token")(c.CreateRouter(e.ctx, &midonet.Router{Name: "authorised"}))
		got := must[[]midonet.Router](t, "list with token")(c.ListRouters(e.ctx, ""))
		if len(got) != 1 || got[0].ID != rt.ID {
			t.Fatalf("routers = %+v, want the one created", got)
		}
		st := must[*midonet.SystemState](t, "system state with token")(c.GetSystemState(e.ctx))
		if !st.Writable() {
			t.Fatalf("system state = %+v", st)
		}
	})

	t.Run("§2.17 login in strict mode", func(t *testing.T) {
		const token = "issued-token"
		e := newContractEnv(t, sim.Options{Token: token}, midonet.Config{LoginUser: "admin", LoginPassword: "pw"})
		got, expires, err := e.c.Login(e.ctx)
		mustDo(t, "login", err)
		if got != token || !expires.IsZero() {
			t.Fatalf("login = %q, expires %v; want the configured token, no expiry", got, expires)
		}
		// The client logs in by itself before its first request.
		rt := must[*midonet.Router](t, "create after login")(e.c.CreateRouter(e.ctx, &midonet.Router{Name: "r"}))
		must[*midonet.Router](t, "get after login")(e.c.GetRouter(e.ctx, rt.ID))
	})

	t.Run("§1.7 typed errors", func(t *testing.T) {
		e := plainEnv(t)
		missing := newID()

		// 404: the storage message with MidoNet's class name.
		_, err := e.c.GetRouter(e.ctx, missing)
		wantNotFound(t, err, "There is no Router with ID "+missing+".")
		_, err = e.c.GetBridge(e.ctx, missing)
		wantNotFound(t, err, "There is no Network with ID "+missing+".")
		_, err = e.c.CreateRouterPort(e.ctx, missing, &midonet.Port{PortAddress: "10.0.0.1", NetworkAddress: "10.0.0.0", NetworkLength: 24})
		wantNotFound(t, err, "There is no Router with ID "+missing+".")

		// 409: a duplicate caller-chosen id, refused on the first attempt (not a lost retry).
		id := newID()
		must[*midonet.Router](t, "create router")(e.c.CreateRouter(e.ctx, &midonet.Router{ID: id}))
		_, err = e.c.CreateRouter(e.ctx, &midonet.Router{ID: id})
		wantConflict(t, err, "A(n) Router with ID "+id+" already exists.")

		// The same for every UUID-keyed kind, with MidoNet's storage class names (§1.7).
		br := must[*midonet.Bridge](t, "bridge")(e.c.CreateBridge(e.ctx, &midonet.Bridge{ID: newID()}))
		ch := must[*midonet.Chain](t, "chain")(e.c.CreateChain(e.ctx, &midonet.Chain{ID: newID()}))
		rp := must[*midonet.Port](t, "port")(e.c.CreateRouterPort(e.ctx, id, &midonet.Port{ID: newID(), PortAddress: "10.0.0.1", NetworkAddress: "10.0.0.0", NetworkLength: 24}))
		ru := must[*midonet.Rule](t, "rule")(e.c.CreateRule(e.ctx, ch.ID, &midonet.Rule{ID: newID(), Type: midonet.RuleTypeAccept}))
		ro := must[*midonet.Route](t, "route")(e.c.CreateRoute(e.ctx, id, &midonet.Route{ID: newID(), SrcNetworkAddr: "0.0.0.0",
			DstNetworkAddr: "0.0.0.0", Type: midonet.RouteTypeNormal, NextHopPort: &rp.ID}))
		ig := must[*midonet.IPAddrGroup](t, "ip group")(e.c.CreateIPAddrGroup(e.ctx, &midonet.IPAddrGroup{ID: newID(), Name: "g"}))
		for _, dup := range []struct {
			class, id string
			create    func() error
		}{
			{"Network", br.ID, func() error { _, err := e.c.CreateBridge(e.ctx, &midonet.Bridge{ID: br.ID}); return err }},
			{"Chain", ch.ID, func() error { _, err := e.c.CreateChain(e.ctx, &midonet.Chain{ID: ch.ID}); return err }},
			{"Port", rp.ID, func() error { _, err := e.c.CreateBridgePort(e.ctx, br.ID, &midonet.Port{ID: rp.ID}); return err }},
			{"Rule", ru.ID, func() error {
				_, err := e.c.CreateRule(e.ctx, ch.ID, &midonet.Rule{ID: ru.ID, Type: midonet.RuleTypeDrop})
				return err
			}},
			{"Route", ro.ID, func() error {
				_, err := e.c.CreateRoute(e.ctx, id, &midonet.Route{ID: ro.ID, SrcNetworkAddr: "0.0.0.0", DstNetworkAddr: "0.0.0.0",
					Type: midonet.RouteTypeBlackHole})
				return err
			}},
			{"IPAddrGroup", ig.ID, func() error {
				_, err := e.c.CreateIPAddrGroup(e.ctx, &midonet.IPAddrGroup{ID: ig.ID, Name: "g"})
				return err
			}},
		} {
			wantConflict(t, dup.create(), "A(n) "+dup.class+" with ID "+dup.id+" already exists.")
		}

		// 400 with violations: bean validation of a router port's address.
		_, err = e.c.CreateRouterPort(e.ctx, id, &midonet.Port{PortAddress: "10.0.0.300", NetworkAddress: "10.0.0.0", NetworkLength: 24})
		ae := wantValidation(t, err, "Validation error(s) found")
		if !slices.Contains(ae.Violations, midonet.Violation{Property: "portAddress", Message: "is an invalid IP format"}) {
			t.Fatalf("violations = %+v, want portAddress is an invalid IP format", ae.Violations)
		}
		if !strings.Contains(err.Error(), "portAddress is an invalid IP format") {
			t.Fatalf("error text %q does not name the violation", err)
		}

		// A UUID-typed path parameter that does not parse is 404 too (§1.5).
		_, err = e.c.GetRouter(e.ctx, "not-a-uuid")
		wantNotFound(t, err, "")

		// Refused writes are atomic: nothing is stored (§1.8).
		before := len(must[[]midonet.Port](t, "ports")(e.c.ListRouterPorts(e.ctx, id)))
		e.run.Server.ResetRequests()
		_, err = e.c.CreateRouterPort(e.ctx, id, &midonet.Port{PortAddress: "10.0.0.1", NetworkAddress: "10.0.0.0",
			NetworkLength: 24, InboundFilterID: midonet.Ref(missing)})
		wantNotFound(t, err, "There is no Chain with ID "+missing+".")
		if w := e.run.Server.Writes(); w != 0 {
			t.Fatalf("a refused create changed the store (%d writes)", w)
		}
		if ports := must[[]midonet.Port](t, "ports")(e.c.ListRouterPorts(e.ctx, id)); len(ports) != before {
			t.Fatalf("a refused create left ports: %+v", ports)
		}

		// 400 with a message only: a semantic refusal.
		_, err = e.c.CreateRoute(e.ctx, id, &midonet.Route{SrcNetworkAddr: "0.0.0.0", DstNetworkAddr: "10.1.0.0",
			DstNetworkLength: 16, Type: midonet.RouteTypeNormal, NextHopPort: midonet.Ref(missing)})
		ae = wantValidation(t, err, "This type of route requires a next hop port that is a port on the same router.")
		if len(ae.Violations) != 0 {
			t.Fatalf("semantic 400 has violations %+v", ae.Violations)
		}
	})
}
