package proxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"strconv"
	"time"

	"github.com/go-logr/logr"

	"github.com/midovpc/midovpc/internal/metadata/mapping"
)

// Paths and headers of the metadata protocol.
const (
	// StatusPath answers a status page locally, like eucanetd's nginx.
	StatusPath = "/euca_md_status"
	// TokenPath is the only path a PUT may go to: an IMDSv2-style session token.
	TokenPath = "/latest/api/token"
	// InstanceIDHeader tells the cloud controller which instance asks.
	InstanceIDHeader = "Euca-Instance-Id"
)

// Limits that keep one instance from tying the service up.
const (
	DefaultTimeout          = 15 * time.Second
	DefaultMaxResponseBytes = 4 << 20
	DefaultMaxInFlight      = 256
	maxURILength            = 4096
)

// Interfaces answers which interface a metadata NAT address belongs to.
type Interfaces interface {
	Lookup(netip.Addr) (mapping.Interface, bool)
	Len() int
}

// Options configure the handler.
type Options struct {
	// Interfaces maps request sources to interfaces.
	Interfaces Interfaces
	// Upstream returns the cloud controller's metadata service, nil while none is known.
	Upstream func() *url.URL
	// Transport reaches the upstream; nil means NewTransport().
	Transport http.RoundTripper
	// Metrics, when set, count requests.
	Metrics *Metrics
	// Timeout bounds each request to the upstream (DefaultTimeout when 0).
	Timeout time.Duration
	// MaxResponseBytes bounds an upstream answer (DefaultMaxResponseBytes when 0).
	MaxResponseBytes int64
	// MaxInFlight bounds requests in progress; more get 503 (DefaultMaxInFlight when 0).
	MaxInFlight int
	// Log hears upstream failures.
	Log logr.Logger
}

// Handler is the metadata HTTP service.
type Handler struct {
	o        Options
	rp       *httputil.ReverseProxy
	inFlight chan struct{}
}

type requestKey struct{}

// forwarded is what Rewrite needs to know about a request that may go upstream.
type forwarded struct {
	iface    mapping.Interface
	upstream *url.URL
}

// New returns the handler.
func New(o Options) *Handler {
	if o.Transport == nil {
		o.Transport = NewTransport()
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxResponseBytes == 0 {
		o.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if o.MaxInFlight == 0 {
		o.MaxInFlight = DefaultMaxInFlight
	}
	if o.Log.GetSink() == nil {
		o.Log = logr.Discard()
	}
	h := &Handler{o: o, inFlight: make(chan struct{}, o.MaxInFlight)}
	h.rp = &httputil.ReverseProxy{
		Rewrite:        rewrite,
		Transport:      o.Transport,
		ModifyResponse: h.limitResponse,
		ErrorHandler:   h.upstreamFailed,
		ErrorLog:       nil,
	}
	return h
}

// rewrite sends the request to the upstream only, whatever host or absolute URL it named, and
// replaces any identity headers the instance sent with the ones we know to be true.
func rewrite(pr *httputil.ProxyRequest) {
	f := pr.In.Context().Value(requestKey{}).(forwarded)
	pr.SetURL(f.upstream)
	pr.Out.Host = f.upstream.Host
	for _, h := range []string{InstanceIDHeader, "X-Real-Ip", "Via", "Cookie", "Authorization", "Proxy-Authorization"} {
		pr.Out.Header.Del(h)
	}
	pr.Out.Header.Set(InstanceIDHeader, f.iface.Name)
	pr.Out.Header.Set("X-Forwarded-For", f.iface.PrivateIP.String())
}

// ServeHTTP answers one request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w, code: http.StatusOK}
	defer func() { h.o.Metrics.observe(rec.code, time.Since(start)) }()
	h.serve(rec, r)
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	if len(r.RequestURI) > maxURILength {
		http.Error(w, "request URI too long", http.StatusRequestURITooLong)
		return
	}
	if r.URL.Path == StatusPath && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		h.status(w)
		return
	}
	src, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	iface, ok := h.o.Interfaces.Lookup(src.Addr())
	if !ok {
		h.o.Metrics.unknownSource()
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	switch {
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
	case r.Method == http.MethodPut && r.URL.Path == TokenPath:
	default:
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if r.ContentLength != 0 {
		http.Error(w, "request bodies are not accepted", http.StatusRequestEntityTooLarge)
		return
	}
	upstream := h.o.Upstream()
	if upstream == nil {
		http.Error(w, "no metadata service is configured", http.StatusServiceUnavailable)
		return
	}
	select {
	case h.inFlight <- struct{}{}:
		defer func() { <-h.inFlight }()
	default:
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.o.Timeout)
	defer cancel()
	ctx = context.WithValue(ctx, requestKey{}, forwarded{iface: iface, upstream: upstream})
	h.rp.ServeHTTP(w, r.WithContext(ctx))
}

func (h *Handler) status(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "OK\ninterfaces %d\nupstream %t\n", h.o.Interfaces.Len(), h.o.Upstream() != nil)
}

var errTooLarge = errors.New("upstream answer larger than the limit")

// limitResponse refuses an answer announced larger than the limit, and cuts one that turns
// out larger.
func (h *Handler) limitResponse(resp *http.Response) error {
	if resp.ContentLength > h.o.MaxResponseBytes {
		return fmt.Errorf("%w: %d bytes", errTooLarge, resp.ContentLength)
	}
	resp.Body = &limitedBody{ReadCloser: resp.Body, left: h.o.MaxResponseBytes}
	return nil
}

func (h *Handler) upstreamFailed(w http.ResponseWriter, r *http.Request, err error) {
	code := http.StatusBadGateway
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		code = http.StatusGatewayTimeout
	}
	h.o.Log.Info("metadata upstream failed", "path", r.URL.Path, "error", err.Error())
	http.Error(w, http.StatusText(code), code)
}

// limitedBody fails a read past the limit, so that an oversized answer is cut off rather than
// relayed whole.
type limitedBody struct {
	io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	// Read one byte past the limit, so that a body of exactly the limit still ends cleanly.
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.ReadCloser.Read(p)
	if int64(n) > b.left {
		n, b.left = int(b.left), 0
		return n, errTooLarge
	}
	b.left -= int64(n)
	return n, err
}

// recorder remembers the status code for the metrics.
type recorder struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.code, r.wroteHeader = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// NewTransport reaches the upstream with bounded waits, never through an environment proxy.
func NewTransport() *http.Transport {
	return &http.Transport{
		Proxy:                  nil,
		DialContext:            (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:    5 * time.Second,
		ResponseHeaderTimeout:  10 * time.Second,
		MaxIdleConns:           128,
		MaxIdleConnsPerHost:    64,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
}

// NewServer serves h with bounded waits and header sizes.
func NewServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
}

// ParseUpstream checks an --upstream URL: http or https, a host, no credentials.
func ParseUpstream(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("upstream %q: %w", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("upstream %q: want http(s)://host[:port][/path], without credentials, query or fragment", s)
	}
	return u, nil
}

// CLCUpstream is the default upstream: the cloud controller's metadata service on port 8773.
func CLCUpstream(clc netip.Addr) *url.URL {
	if !clc.IsValid() {
		return nil
	}
	return &url.URL{Scheme: "http", Host: net.JoinHostPort(clc.String(), strconv.Itoa(8773))}
}
