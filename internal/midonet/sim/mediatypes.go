package sim

import (
	"mime"
	"net/http"
	"strings"
)

// vnd spells a MidoNet vendor media type, e.g. vnd("Router-v3").
func vnd(name string) string { return "application/vnd.org.midonet." + name + "+json" }

// vndList spells the collection form of a vendor media type.
func vndList(name string) string { return vnd("collection." + name) }

const mediaJSON = "application/json"

var (
	mtApplication = vnd("Application-v5")
	mtError       = vnd("Error-v1")
	mtSystemState = vnd("SystemState-v2")
	mtToken       = vnd("Token-v1")
)

// negotiation says how a handler in MidoNet 5 rejects a media type it does not know (spec §1.2).
type negotiation int

const (
	// generic is MidonetResource.validateMediaType: one parsable type that must be compatible,
	// else 406 with an empty body — also for a wrong Content-Type.
	generic negotiation = iota
	// jersey is a JAX-RS @Produces/@Consumes handler: Accept mismatch 406 (a missing Accept means
	// anything), Content-Type mismatch 415.
	jersey
	// overloaded is ip_addrs, where a mismatching type falls through to an inherited generic
	// handler that allows nothing: 405.
	overloaded
)

// produce checks the Accept header against the types a GET handler allows and returns the
// negotiated type, which is also the response Content-Type (spec §1.2 point 5).
func (c *call) produce(kind negotiation, allowed ...string) (string, error) {
	accept := strings.TrimSpace(c.r.Header.Get("Accept"))
	switch kind {
	case generic:
		if mt, ok := matchOne(accept, allowed); ok {
			return mt, nil
		}
		return "", bare(http.StatusNotAcceptable)
	case overloaded:
		// A missing Accept means */* to Jersey, which selects the vendor-typed overload.
		if accept == "" {
			return allowed[0], nil
		}
		if mt, ok := matchOne(accept, allowed); ok {
			return mt, nil
		}
		return "", bare(http.StatusMethodNotAllowed)
	default:
		if accept == "" {
			return allowed[0], nil
		}
		for _, one := range strings.Split(accept, ",") {
			if mt, ok := matchOne(one, allowed); ok {
				return mt, nil
			}
		}
		return "", bare(http.StatusNotAcceptable)
	}
}

// consume checks the Content-Type of a POST or PUT against the types the handler allows.
func (c *call) consume(kind negotiation, allowed ...string) error {
	ct := strings.TrimSpace(c.r.Header.Get("Content-Type"))
	if _, ok := matchOne(ct, allowed); ok {
		return nil
	}
	switch kind {
	case jersey:
		return bare(http.StatusUnsupportedMediaType)
	case overloaded:
		return bare(http.StatusMethodNotAllowed)
	default:
		return bare(http.StatusNotAcceptable)
	}
}

// matchOne parses one media type (parameters ignored) and returns the allowed type it is
// compatible with; a wildcard negotiates the handler's first (preferred) type.
func matchOne(header string, allowed []string) (string, bool) {
	if header == "" || strings.Contains(header, ",") {
		return "", false
	}
	mt, _, err := mime.ParseMediaType(header)
	if err != nil {
		return "", false
	}
	typ, sub, ok := strings.Cut(mt, "/")
	if !ok {
		return "", false
	}
	for _, a := range allowed {
		at, asub, _ := strings.Cut(strings.ToLower(a), "/")
		if (typ == "*" || typ == at) && (sub == "*" || sub == asub) {
			return a, true
		}
	}
	return "", false
}
