package midonet

import (
	"bytes"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
)

func TestTokenFileReReadAfterChange(t *testing.T) {
	f := newFakeAPI(t)
	f.put(apiPrefix+"/routers/r", map[string]any{"id": "r"})
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte("token-one\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, f, func(cfg *Config) { cfg.TokenFile = path })
	ctx := testContext(t)
	if _, err := c.GetRouter(ctx, "r"); err != nil {
		t.Fatal(err)
	}
	// Rotate the token; same size, so only the modification time tells the change.
	if err := os.WriteFile(path, []byte("token-two\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRouter(ctx, "r"); err != nil {
		t.Fatal(err)
	}
	rec := f.recorded()
	if rec[0].Token != "token-one" || rec[1].Token != "token-two" {
		t.Errorf("tokens sent = %q, %q; want token-one then token-two", rec[0].Token, rec[1].Token)
	}

	// A token file that disappears is an error, not a silent unauthenticated request.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRouter(ctx, "r"); err == nil {
		t.Error("request without a readable token file succeeded")
	}
}

func TestNoTokenHeaderWithoutAuthConfig(t *testing.T) {
	f := newFakeAPI(t)
	c := newTestClient(t, f, nil)
	if _, err := c.GetSystemState(testContext(t)); err != nil {
		t.Fatal(err)
	}
	if tok := f.recorded()[0].Token; tok != "" {
		t.Errorf("sent X-Auth-Token %q with no auth configured", tok)
	}
}

// loginServer is a strict-auth API: /login exchanges Basic credentials for a token, and every
// other request needs the current token. revoke makes the server forget issued tokens.
type loginServer struct {
	*fakeAPI
	mu     sync.Mutex
	issued int
	valid  string
	logins int
}

func newLoginServer(t *testing.T, user, password string) *loginServer {
	ls := &loginServer{fakeAPI: newFakeAPI(t)}
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
	ls.setIntercept(func(w http.ResponseWriter, r *http.Request, rec recorded) bool {
		ls.mu.Lock()
		defer ls.mu.Unlock()
		if rec.Path == apiPrefix+"/login" {
			if r.Header.Get("Authorization") != want {
				writeAnswer(w, http.StatusUnauthorized, nil, []byte(`{"message":"bad credentials","code":401}`))
				return true
			}
			ls.issued++
			ls.logins++
			ls.valid = "tok-" + strings.Repeat("x", ls.issued) + "-secret"
			w.Header().Set("Set-Cookie", "sessionId="+ls.valid)
			writeAnswer(w, http.StatusOK, http.Header{"Content-Type": {MediaType("", ResLogin, false)}},
				[]byte(`{"key":"`+ls.valid+`","expires":null}`))
			return true
		}
		if ls.valid == "" || rec.Token != ls.valid {
			writeAnswer(w, http.StatusUnauthorized, nil, []byte(`{"message":"Authentication error","code":401}`))
			return true
		}
		return false
	})
	return ls
}

func (ls *loginServer) revoke() {
	ls.mu.Lock()
	ls.valid = ""
	ls.mu.Unlock()
}

func TestLoginAndRenewOn401(t *testing.T) {
	ls := newLoginServer(t, "admin", "pa55word")
	c := newTestClient(t, ls.fakeAPI, func(cfg *Config) { cfg.LoginUser, cfg.LoginPassword = "admin", "pa55word" })
	ctx := testContext(t)
	if _, err := c.GetSystemState(ctx); err != nil {
		t.Fatalf("first request: %v", err)
	}
	if _, err := c.GetSystemState(ctx); err != nil {
		t.Fatal(err)
	}
	if ls.logins != 1 {
		t.Errorf("logged in %d times for two requests, want 1", ls.logins)
	}
	ls.revoke()
	if _, err := c.GetSystemState(ctx); err != nil {
		t.Fatalf("request after the token was revoked: %v", err)
	}
	if ls.logins != 2 {
		t.Errorf("logins = %d, want a second login after the 401", ls.logins)
	}

	bad := newTestClient(t, ls.fakeAPI, func(cfg *Config) { cfg.LoginUser, cfg.LoginPassword = "admin", "wrong" })
	if _, err := bad.GetSystemState(ctx); !IsUnauthorized(err) {
		t.Errorf("wrong password: err = %v, want unauthorized", err)
	}
}

// syncBuffer collects log lines from concurrent requests.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) logger() logr.Logger {
	return funcr.New(func(prefix, args string) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.b.WriteString(prefix + " " + args + "\n")
	}, funcr.Options{Verbosity: 10})
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSecretsNeverLogged runs requests that succeed and fail, with a token file and with login,
// at the highest verbosity, and checks no token or password reaches the log or an error.
func TestSecretsNeverLogged(t *testing.T) {
	const fileToken, password = "file-token-s3cr3t", "login-pa55-s3cr3t"
	var logs syncBuffer
	var errs []string

	f := newFakeAPI(t)
	failFirst(f, "GET", apiPrefix+"/routers/r", 100, faults["503"])
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte(fileToken), 0o600); err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, f, func(cfg *Config) { cfg.TokenFile = path; cfg.Logger = logs.logger() })
	ctx := testContext(t)
	for _, call := range []func() error{
		func() error { _, err := c.GetRouter(ctx, "r"); return err },                 // 503, retried
		func() error { _, err := c.GetBridge(ctx, "missing"); return err },           // 404
		func() error { _, err := c.CreateChain(ctx, &Chain{Name: "c"}); return err }, // ok
	} {
		if err := call(); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if f.recorded()[0].Token != fileToken {
		t.Fatal("the token was not sent; the test would prove nothing")
	}

	ls := newLoginServer(t, "admin", password)
	lc := newTestClient(t, ls.fakeAPI, func(cfg *Config) {
		cfg.LoginUser, cfg.LoginPassword, cfg.Logger = "admin", password, logs.logger()
	})
	if _, err := lc.GetSystemState(ctx); err != nil {
		t.Fatal(err)
	}
	ls.revoke()
	if _, err := lc.GetRouter(ctx, "nope"); err != nil {
		errs = append(errs, err.Error())
	}
	bad := newTestClient(t, ls.fakeAPI, func(cfg *Config) {
		cfg.LoginUser, cfg.LoginPassword, cfg.Logger = "admin", "wrong-"+password, logs.logger()
	})
	if _, err := bad.GetSystemState(ctx); err != nil {
		errs = append(errs, err.Error())
	}

	out := logs.String()
	if !strings.Contains(out, "midonet request") {
		t.Fatalf("nothing logged; the test would prove nothing:\n%s", out)
	}
	secrets := []string{fileToken, password, base64.StdEncoding.EncodeToString([]byte("admin:" + password)), "-secret"}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("log contains secret %q:\n%s", s, out)
		}
		for _, e := range errs {
			if strings.Contains(e, s) {
				t.Errorf("error %q contains secret %q", e, s)
			}
		}
	}
}

func TestTLSWithCAFile(t *testing.T) {
	f := &fakeAPI{version: VersionMN5, objects: map[string]map[string]any{}, members: map[string][]string{}}
	f.srv = httptest.NewTLSServer(http.HandlerFunc(f.serveHTTP))
	t.Cleanup(f.srv.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.srv.Certificate().Raw})
	if err := os.WriteFile(caFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := testContext(t)

	c := newTestClient(t, f, func(cfg *Config) { cfg.CAFile = caFile })
	st, err := c.GetSystemState(ctx)
	if err != nil {
		t.Fatalf("over TLS with the CA file: %v", err)
	}
	if !st.Writable() {
		t.Errorf("system state = %+v", st)
	}

	attempts := 0
	var mu sync.Mutex
	untrusted := newTestClient(t, f, func(cfg *Config) {
		cfg.Observer = func(RequestInfo) { mu.Lock(); attempts++; mu.Unlock() }
	})
	_, err = untrusted.GetSystemState(ctx)
	var te *TransportError
	if !errors.As(err, &te) || IsTransient(err) {
		t.Errorf("without the CA: err = %v, want a non-transient transport error", err)
	}
	if attempts != 1 {
		t.Errorf("certificate failure tried %d times, want 1", attempts)
	}

	notPEM := filepath.Join(t.TempDir(), "junk.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{URL: f.url(), CAFile: notPEM}); err == nil {
		t.Error("New accepted a CA file without certificates")
	}
}
