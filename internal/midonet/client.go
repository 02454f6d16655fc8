package midonet

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"golang.org/x/time/rate"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultTenant      = "euca_tenant_1"
	DefaultBurst       = 100
	DefaultMaxInFlight = 64
	DefaultMinInFlight = 8
	DefaultTimeout     = 5 * time.Second
	DefaultUserAgent   = "midovpc"
)

// maxBodyBytes bounds what the client reads from one answer (a large list of rules is a few
// megabytes; anything beyond this is a broken server).
const maxBodyBytes = 64 << 20

// Config says where the MidoNet API is and how to talk to it. Only URL is required: a Config
// with just a URL works against any MidoNet API or the emulator.
type Config struct {
	// URL is the API base, e.g. http://127.0.0.1:8181/midonet-api. The root resource found
	// there announces the base URI and the API version used afterwards.
	URL string
	// Tenant is the tenantId written into routers, bridges, chains and port groups created
	// without one (default "euca_tenant_1", as eucanetd).
	Tenant string

	// TokenFile holds the X-Auth-Token to send; it is re-read whenever it changes.
	TokenFile string
	// LoginUser and LoginPassword, when set (and TokenFile is not), are exchanged for a token
	// at /login (HTTP Basic), again after a 401 or when the token expires.
	LoginUser     string
	LoginPassword string
	// LoginProject is sent as X-Auth-Project on /login when set (Keystone project).
	LoginProject string

	// CAFile is a PEM bundle that verifies the API's TLS certificate.
	CAFile string
	// InsecureSkipVerify disables certificate verification. Do not use in production.
	InsecureSkipVerify bool

	// QPS and Burst configure an optional hard rate limit (QPS 0 or negative: none, the
	// default; Burst defaults to 100).
	QPS   float64
	Burst int
	// MaxInFlight bounds the requests in flight (default 64; negative: no bound). Below it the
	// limit adapts to the server (adaptive.go): it grows while answers come back as fast as
	// ever and shrinks when latency rises, on 503 and 429, and on timeouts. The current limit
	// is the metric midovpc_midonet_in_flight_limit.
	MaxInFlight int
	// MinInFlight is the lowest the adaptive limit goes (default 8: latency measured by a busy
	// client rises with its own CPU load, which must not throttle it to a trickle).
	MinInFlight int
	// FixedInFlight keeps the limit at MaxInFlight instead of adapting it.
	FixedInFlight bool
	// ReadBack makes creates and updates read the object back and return it as MidoNet
	// stored it (one GET more per write), for tools and tests that want server-filled fields.
	// midovpc's engine leaves it off: it records what it sent (docs/design.md, "No read-back").
	ReadBack bool
	// Retry configures retries of transient failures of idempotent requests.
	Retry RetryConfig
	// Timeout bounds one request attempt (default 5s), from the moment it has a slot; a
	// stalled attempt is then retried when the call is idempotent. The caller's context bounds
	// the whole call, retries included.
	Timeout time.Duration

	// HTTPClient replaces the client's own HTTP client; CAFile and InsecureSkipVerify are then
	// ignored (configure TLS on the given transport).
	HTTPClient *http.Client
	// Logger receives one V(1) line per attempt (method, URL, status, duration); never
	// headers, tokens or passwords.
	Logger logr.Logger
	// UserAgent is sent as User-Agent (default "midovpc").
	UserAgent string
	// Observer, if set, is called after every attempt (tests, tracing). It must be fast and
	// safe for concurrent use.
	Observer func(RequestInfo)
}

// RequestInfo describes one attempt of a request, for Config.Observer.
type RequestInfo struct {
	Method   string
	URL      string
	Resource Resource
	Attempt  int // 1 for the first try
	Status   int // 0 when no answer came
	Duration time.Duration
	Err      error // nil on 2xx
}

// Application is what the root resource announced.
type Application struct {
	// URI is the API base, with a trailing slash.
	URI string
	// Version is "v5.0" (MidoNet 5) or "v1.9" (MidoNet 1.x).
	Version string
	// Links holds every string-valued key of the root document: collection URIs ("routers")
	// and templates ("routerTemplate" → ".../routers/{id}").
	Links map[string]string

	prefixes map[string]string // path segment → absolute collection URI without trailing slash
}

// Client is a typed MidoNet REST client, safe for concurrent use.
type Client struct {
	cfg     Config
	baseURL string // configured URL with a trailing slash
	http    *http.Client
	limiter *rate.Limiter  // nil: unlimited
	slots   *adaptiveLimit // nil: no bound
	retry   RetryConfig
	tokens  *tokenFile
	login   *loginSession
	log     logr.Logger

	mu  sync.Mutex
	app *Application
}

// New checks the configuration and builds a client. It does no network I/O; it reads the CA
// file, so that a wrong path fails at start-up. The API root is read on the first request (or
// by Discover).
func New(cfg Config) (*Client, error) {
	if cfg.URL == "" {
		return nil, errors.New("midonet: Config.URL is required")
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("midonet: Config.URL %q is not an http(s) URL", cfg.URL)
	}
	if cfg.Tenant == "" {
		cfg.Tenant = DefaultTenant
	}
	if cfg.Burst <= 0 {
		cfg.Burst = DefaultBurst
	}
	if cfg.MaxInFlight == 0 {
		cfg.MaxInFlight = DefaultMaxInFlight
	}
	if cfg.MinInFlight <= 0 {
		cfg.MinInFlight = DefaultMinInFlight
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	c := &Client{
		cfg:     cfg,
		baseURL: strings.TrimSuffix(cfg.URL, "/") + "/",
		retry:   cfg.Retry.withDefaults(),
		log:     cfg.Logger,
	}
	if cfg.QPS > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(cfg.QPS), cfg.Burst)
	}
	registerMetrics()
	if cfg.MaxInFlight > 0 {
		c.slots = newAdaptiveLimit(cfg.MinInFlight, cfg.MaxInFlight, cfg.FixedInFlight, observeInFlightLimit)
	}
	switch {
	case cfg.TokenFile != "":
		c.tokens = &tokenFile{path: cfg.TokenFile}
	case cfg.LoginUser != "":
		c.login = &loginSession{}
	}
	c.http = cfg.HTTPClient
	if c.http == nil {
		tr, err := newTransport(cfg)
		if err != nil {
			return nil, err
		}
		c.http = &http.Client{Transport: tr}
	}
	return c, nil
}

func newTransport(cfg Config) (*http.Transport, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = max(cfg.MaxInFlight, 2)
	if cfg.CAFile == "" && !cfg.InsecureSkipVerify {
		return tr, nil
	}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: cfg.InsecureSkipVerify} //nolint:gosec // opt-in
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("midonet: read CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("midonet: CA file %s holds no PEM certificate", cfg.CAFile)
		}
		tlsCfg.RootCAs = pool
	}
	tr.TLSClientConfig = tlsCfg
	return tr, nil
}

// InFlightLimit is the current limit on requests in flight (0 when unbounded).
func (c *Client) InFlightLimit() int {
	if c.slots == nil {
		return 0
	}
	return c.slots.Limit()
}

// Tenant returns the tenant id the client writes into new tenant-owned objects.
func (c *Client) Tenant() string { return c.cfg.Tenant }

// Version returns the API version announced by the root, or "" before discovery.
func (c *Client) Version() string { return c.version() }

func (c *Client) version() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.app == nil {
		return ""
	}
	return c.app.Version
}

// rootLinks maps a well-known path segment to the root keys naming its collection URI and its
// item template (spec midonet-api.md §1.1).
var rootLinks = map[string][2]string{
	"routers":        {"routers", "routerTemplate"},
	"bridges":        {"bridges", "bridgeTemplate"},
	"ports":          {"ports", "portTemplate"},
	"routes":         {"", "routeTemplate"},
	"chains":         {"chains", "chainTemplate"},
	"rules":          {"", "ruleTemplate"},
	"ip_addr_groups": {"ipAddrGroups", "ipAddrGroupTemplate"},
	"hosts":          {"hosts", "hostTemplate"},
	"tunnel_zones":   {"tunnelZones", "tunnelZoneTemplate"},
	"bgp_peers":      {"", "bgpPeerTemplate"},
	"bgp_networks":   {"", "bgpNetworkTemplate"},
	"port_groups":    {"portGroups", "portGroupTemplate"},
	"system_state":   {"systemState", ""},
}

// Discover reads the root resource (GET / as Application-v5) and remembers the base URI,
// the version (which selects the media-type set) and the collection URIs. Requests call it
// on first use; call it directly to fail early or to re-read the root.
func (c *Client) Discover(ctx context.Context) (*Application, error) {
	rep, err := c.do(ctx, &call{
		method: http.MethodGet, res: ResApplication, url: c.baseURL,
		accept: MediaType("", ResApplication, false), retryable: true,
	})
	if err != nil {
		return nil, fmt.Errorf("discover MidoNet API: %w", err)
	}
	var doc map[string]any
	if err := decodeJSON(rep.body, &doc); err != nil {
		return nil, fmt.Errorf("discover MidoNet API: decode root: %w", err)
	}
	app := &Application{Links: map[string]string{}, prefixes: map[string]string{}}
	for k, v := range doc {
		if s, ok := v.(string); ok {
			app.Links[k] = s
		}
	}
	app.URI = app.Links["uri"]
	if !isAbsoluteHTTP(app.URI) {
		app.URI = c.baseURL
	}
	if !strings.HasSuffix(app.URI, "/") {
		app.URI += "/"
	}
	app.Version = app.Links["version"]
	if app.Version == "" {
		app.Version = VersionMN5
	}
	for seg, keys := range rootLinks {
		prefix := app.URI + seg
		if coll := app.Links[keys[0]]; keys[0] != "" && isAbsoluteHTTP(coll) {
			prefix = strings.TrimSuffix(coll, "/")
		} else if tmpl := app.Links[keys[1]]; keys[1] != "" && strings.HasSuffix(tmpl, "/{id}") && isAbsoluteHTTP(tmpl) {
			prefix = strings.TrimSuffix(tmpl, "/{id}")
		}
		app.prefixes[seg] = prefix
	}
	c.mu.Lock()
	c.app = app
	c.mu.Unlock()
	return app, nil
}

func isAbsoluteHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// application returns the discovered root, discovering it on first use. Concurrent first
// requests may each discover; the result is the same.
func (c *Client) application(ctx context.Context) (*Application, error) {
	c.mu.Lock()
	app := c.app
	c.mu.Unlock()
	if app != nil {
		return app, nil
	}
	return c.Discover(ctx)
}

// url builds the absolute URL of a path that starts with a well-known collection segment,
// escaping every later element: url(ctx, "routers", id, "ports").
func (c *Client) url(ctx context.Context, collection string, elems ...string) (string, error) {
	app, err := c.application(ctx)
	if err != nil {
		return "", err
	}
	prefix, ok := app.prefixes[collection]
	if !ok {
		prefix = app.URI + collection
	}
	var b strings.Builder
	b.WriteString(prefix)
	for _, e := range elems {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(e))
	}
	return b.String(), nil
}

// call is one logical request; do turns it into one or more attempts.
type call struct {
	method    string
	res       Resource
	url       string
	accept    string // media type for Accept (GET)
	ctype     string // media type for Content-Type (POST, PUT)
	body      []byte
	header    http.Header // extra headers (login)
	noAuth    bool        // do not send X-Auth-Token (login)
	retryable bool        // idempotent: safe to send again
}

// reply is a 2xx answer, or on error the number of attempts made.
type reply struct {
	status   int
	header   http.Header
	body     []byte
	attempts int
}

// do sends a call, retrying transient failures when the call is idempotent. The returned
// reply is never nil, so that callers can see how many attempts were made even on error.
func (c *Client) do(ctx context.Context, cl *call) (*reply, error) {
	if cl.method != http.MethodGet && !cl.noAuth {
		if err := runBeforeWrite(ctx); err != nil {
			return &reply{}, fmt.Errorf("midonet %s %s: not sent: %w", cl.method, redact(cl.url), err)
		}
	}
	attempts := 1
	if cl.retryable {
		attempts = c.retry.Attempts
	}
	relogged := false
	n := 0
	for {
		n++
		rep, err := c.attempt(ctx, cl, n)
		rep.attempts = n
		if err == nil {
			return rep, nil
		}
		if cerr := ctx.Err(); cerr != nil {
			// The caller gave up: report that, not the attempt's failure, so that a cancelled
			// call is never mistaken for a transient one.
			if !errors.Is(err, cerr) {
				err = fmt.Errorf("midonet %s %s: %w (last attempt: %v)", cl.method, redact(cl.url), cerr, err)
			}
			return rep, err
		}
		// A rejected session token is renewed once, as the Python client does.
		if c.login != nil && !cl.noAuth && IsUnauthorized(err) && !relogged {
			relogged = true
			c.login.invalidate()
			n--
			continue
		}
		if !IsTransient(err) || n >= attempts {
			if n > 1 {
				err = fmt.Errorf("%w (gave up after %d attempts)", err, n)
			}
			return rep, err
		}
		retriesTotal.WithLabelValues(cl.method, string(cl.res)).Inc()
		if serr := Sleep(ctx, c.retry.backoff(n)); serr != nil {
			return rep, fmt.Errorf("midonet %s %s: %w (waiting to retry after: %v)", cl.method, redact(cl.url), serr, err)
		}
	}
}

// attempt sends one HTTP request, holding a rate-limiter token and an in-flight slot.
// readBody reads an answer's body, at most maxBodyBytes of it. A body of known length is read
// into a buffer of that size, and an empty one (a create's 201, a delete's 204) allocates
// nothing: io.ReadAll starts every body, empty or not, with 512 bytes.
func readBody(resp *http.Response) ([]byte, error) {
	switch n := resp.ContentLength; {
	case n == 0:
		return nil, nil
	case n > 0 && n <= maxBodyBytes:
		buf := make([]byte, n)
		if _, err := io.ReadFull(resp.Body, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	return io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
}

func (c *Client) attempt(ctx context.Context, cl *call, n int) (*reply, error) {
	rep := &reply{}
	shownURL := redact(cl.url)
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			return rep, fmt.Errorf("midonet %s %s: rate limit: %w", cl.method, shownURL, ctxErrOr(ctx, err))
		}
	}
	var overload bool
	var elapsed time.Duration
	if c.slots != nil {
		if err := c.slots.acquire(ctx); err != nil {
			return rep, fmt.Errorf("midonet %s %s: waiting for a free request slot: %w", cl.method, shownURL, err)
		}
		defer func() { c.slots.release(elapsed, overload) }()
	}

	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	var body io.Reader
	if cl.body != nil {
		body = bytes.NewReader(cl.body)
	}
	req, err := http.NewRequestWithContext(actx, cl.method, cl.url, body)
	if err != nil {
		return rep, fmt.Errorf("midonet %s %s: %w", cl.method, shownURL, err)
	}
	for k, vs := range cl.header {
		req.Header[k] = vs
	}
	if cl.accept != "" {
		req.Header.Set("Accept", cl.accept)
	}
	if cl.ctype != "" {
		req.Header.Set("Content-Type", cl.ctype)
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	if !cl.noAuth {
		token, err := c.token(ctx)
		if err != nil {
			return rep, fmt.Errorf("midonet %s %s: %w", cl.method, shownURL, err)
		}
		if token != "" {
			req.Header.Set(authHeader, token)
		}
	}

	start := time.Now()
	resp, err := c.http.Do(req)
	if err == nil {
		rep.status, rep.header = resp.StatusCode, resp.Header
		rep.body, err = readBody(resp)
		resp.Body.Close()
		if err != nil {
			rep.status = 0 // the answer was cut off: count it as no answer
		}
	}
	elapsed = time.Since(start)
	observeRequest(cl.method, cl.res, rep.status, elapsed)
	// The server is overloaded when it says so, or when it did not answer in time; a caller
	// that gave up says nothing about the server.
	overload = rep.status == http.StatusServiceUnavailable || rep.status == http.StatusTooManyRequests ||
		(err != nil && ctx.Err() == nil)

	var result error
	switch {
	case err != nil:
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the unredacted URL
		}
		result = &TransportError{Method: cl.method, URL: shownURL, Resource: cl.res,
			Transient: classifyTransport(ctx, err), Err: err}
	case rep.status < 200 || rep.status > 299:
		result = newAPIError(cl.method, shownURL, cl.res, rep.status, rep.body)
	}
	c.report(RequestInfo{Method: cl.method, URL: shownURL, Resource: cl.res, Attempt: n,
		Status: rep.status, Duration: elapsed, Err: result})
	return rep, result
}

func (c *Client) report(info RequestInfo) {
	if log := c.log.V(1); log.Enabled() {
		kv := []any{"method", info.Method, "url", info.URL, "resource", string(info.Resource),
			"attempt", info.Attempt, "status", info.Status, "duration", info.Duration}
		if info.Err != nil {
			kv = append(kv, "error", info.Err.Error())
		}
		log.Info("midonet request", kv...)
	}
	if c.cfg.Observer != nil {
		c.cfg.Observer(info)
	}
}

// token returns the X-Auth-Token to send, or "" when none is configured (MidoNet's default
// mock authentication accepts requests without one).
func (c *Client) token(ctx context.Context) (string, error) {
	switch {
	case c.tokens != nil:
		return c.tokens.current()
	case c.login != nil:
		return c.loginToken(ctx)
	}
	return "", nil
}

// ctxErrOr prefers the context's error, so that errors.Is(err, context.Canceled) holds
// when the rate limiter gave up because of the caller.
func ctxErrOr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// redact hides credentials embedded in a URL before it is logged or put in an error.
func redact(raw string) string {
	if !strings.Contains(raw, "@") {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparsable URL>"
	}
	return u.Redacted()
}

func basicAuth(user, password string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
}
