package midonet

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Violation is one bean-validation failure of a 400 answer: the offending property path and
// the server's message for it.
type Violation struct {
	Property string `json:"property"`
	Message  string `json:"message"`
}

// APIError is an HTTP answer outside 2xx from the MidoNet API. Callers decide on it with
// IsNotFound, IsConflict, IsValidation and IsTransient rather than on Status directly.
type APIError struct {
	Status     int         // HTTP status code
	Message    string      // the Error-v1 "message", or the body text, or the status text
	Violations []Violation // bean-validation failures (400 only)
	Method     string
	URL        string   // request URL, credentials redacted
	Resource   Resource // the collection kind, as in the metrics
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "midonet %s %s: %d %s", e.Method, e.URL, e.Status, http.StatusText(e.Status))
	if e.Message != "" && e.Message != http.StatusText(e.Status) {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	for i, v := range e.Violations {
		if i == 0 {
			b.WriteString(" (")
		} else {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s %s", v.Property, v.Message)
		if i == len(e.Violations)-1 {
			b.WriteString(")")
		}
	}
	return b.String()
}

// errorBody is MidoNet's Error-v1 document.
type errorBody struct {
	Message    string      `json:"message"`
	Code       int         `json:"code"`
	Violations []Violation `json:"violations"`
}

// newAPIError builds the error for a non-2xx answer. Several MidoNet errors (405, 406, some
// 404/409) have an empty body; the status text then stands in for the message.
func newAPIError(method, url string, res Resource, status int, body []byte) *APIError {
	e := &APIError{Status: status, Method: method, URL: url, Resource: res}
	trimmed := strings.TrimSpace(string(body))
	if strings.HasPrefix(trimmed, "{") {
		var eb errorBody
		if decodeJSON(body, &eb) == nil {
			e.Message = eb.Message
			e.Violations = eb.Violations
		}
	}
	if e.Message == "" && trimmed != "" && !strings.HasPrefix(trimmed, "{") {
		const maxText = 512
		if len(trimmed) > maxText {
			trimmed = trimmed[:maxText] + "…"
		}
		e.Message = trimmed
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	return e
}

// TransportError is a request that got no HTTP answer: connection refused or dropped, TLS
// failure, or the per-attempt timeout. Transient says whether trying again may help.
type TransportError struct {
	Method    string
	URL       string
	Resource  Resource
	Transient bool
	Err       error
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("midonet %s %s: %v", e.Method, e.URL, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// classifyTransport decides whether a failed round trip is worth retrying. The caller's own
// cancellation or deadline never is; the per-attempt timeout and network failures are;
// certificate problems are not (they will fail the same way again).
func classifyTransport(caller context.Context, err error) bool {
	if caller.Err() != nil {
		return false
	}
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	var recordHeader tls.RecordHeaderError
	if errors.As(err, &unknownCA) || errors.As(err, &hostname) || errors.As(err, &invalid) ||
		errors.As(err, &verify) || errors.As(err, &recordHeader) {
		return false
	}
	return true
}

// IsNotFound reports whether err is a 404 answer (the object or its parent does not exist).
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsConflict reports whether err is a 409 answer (duplicate id or key, port already linked or
// bound, reference already held).
func IsConflict(err error) bool { return hasStatus(err, http.StatusConflict) }

// IsValidation reports whether err is a 400 answer (validation failure or malformed body).
func IsValidation(err error) bool { return hasStatus(err, http.StatusBadRequest) }

// IsUnauthorized reports whether err is a 401 answer (missing or rejected token).
func IsUnauthorized(err error) bool { return hasStatus(err, http.StatusUnauthorized) }

// IsTransient reports whether trying the same request later may succeed: a 5xx or 429 answer,
// a network failure or a per-attempt timeout. The caller's own cancellation is not transient.
func IsTransient(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return isTransientStatus(ae.Status)
	}
	var te *TransportError
	if errors.As(err, &te) {
		return te.Transient
	}
	return false
}

func isTransientStatus(status int) bool {
	return status >= 500 || status == http.StatusTooManyRequests
}

func hasStatus(err error, status int) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == status
}
