package midonet

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestErrorTyping(t *testing.T) {
	for _, tc := range []struct {
		name       string
		status     int
		body       string
		notFound   bool
		conflict   bool
		validation bool
		transient  bool
		message    string
		violations int
	}{
		{name: "not found", status: 404, body: `{"message":"There is no Router with ID r1.","code":404}`,
			notFound: true, message: "There is no Router with ID r1."},
		{name: "conflict with empty body", status: 409, conflict: true, message: "Conflict"},
		{name: "validation with violations", status: 400,
			body:       `{"message":"Validation error(s) found","code":400,"violations":[{"property":"portAddress","message":"is an invalid IP format"},{"property":"networkLength","message":"must be less than or equal to 32"}]}`,
			validation: true, message: "Validation error(s) found", violations: 2},
		{name: "string-coerced code", status: 400, body: `{"message":"Position exceeds number of rules in chain","code":"400"}`,
			validation: true, message: "Position exceeds number of rules in chain"},
		{name: "storage timeout", status: 503, body: `{"message":"Resource read timeout","code":503}`,
			transient: true, message: "Resource read timeout"},
		{name: "server error with text body", status: 500, body: "java.lang.NullPointerException", transient: true,
			message: "java.lang.NullPointerException"},
		{name: "method not allowed", status: 405, message: "Method Not Allowed"},
		{name: "not acceptable", status: 406, message: "Not Acceptable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			f.setIntercept(func(w http.ResponseWriter, r *http.Request, rec recorded) bool {
				if rec.Path == apiPrefix+"/" {
					return false
				}
				writeAnswer(w, tc.status, http.Header{"Content-Type": {MediaTypeError}}, []byte(tc.body))
				return true
			})
			c := newTestClient(t, f, func(cfg *Config) { cfg.Retry.Attempts = 1 })
			_, err := c.GetRouter(testContext(t), "r1")
			if err == nil {
				t.Fatal("no error")
			}
			if IsNotFound(err) != tc.notFound || IsConflict(err) != tc.conflict ||
				IsValidation(err) != tc.validation || IsTransient(err) != tc.transient {
				t.Errorf("predicates: notFound=%v conflict=%v validation=%v transient=%v for %v",
					IsNotFound(err), IsConflict(err), IsValidation(err), IsTransient(err), err)
			}
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("%T is not an *APIError", err)
			}
			if ae.Status != tc.status || ae.Message != tc.message || len(ae.Violations) != tc.violations ||
				ae.Method != "GET" || ae.Resource != ResRouters {
				t.Errorf("APIError = %+v", ae)
			}
			msg := err.Error()
			for _, part := range []string{"GET", f.url() + "/routers/r1", tc.message} {
				if !strings.Contains(msg, part) {
					t.Errorf("error %q does not mention %q", msg, part)
				}
			}
			if tc.violations > 0 && !strings.Contains(msg, "portAddress is an invalid IP format") {
				t.Errorf("error %q does not list the violations", msg)
			}
		})
	}
}

func TestTransportErrorTyping(t *testing.T) {
	// Nothing listens on this port: connection refused is a transient failure.
	c, err := New(Config{URL: "http://127.0.0.1:1/midonet-api", Retry: RetryConfig{Attempts: 2, BaseDelay: 1, MaxDelay: 1}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetRouter(testContext(t), "r")
	var te *TransportError
	if !errors.As(err, &te) || !IsTransient(err) {
		t.Fatalf("err = %v (%T), want a transient *TransportError", err, err)
	}
	if !strings.Contains(err.Error(), "gave up after 2 attempts") {
		t.Errorf("err %q does not say it retried", err)
	}
	if IsNotFound(err) || IsConflict(err) {
		t.Errorf("transport error matches an HTTP status predicate: %v", err)
	}
}

func TestRedactsURLCredentials(t *testing.T) {
	got := redact("http://admin:s3cret@h:8181/midonet-api/routers")
	if strings.Contains(got, "s3cret") {
		t.Errorf("redact kept the password: %s", got)
	}
}
