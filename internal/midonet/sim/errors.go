package sim

import (
	"fmt"
	"net/http"
	"strconv"
)

// apiError is a MidoNet error response: an Error-v1 body {"message","code"} (plus "violations"
// for bean-validation failures), or no body at all where MidoNet sends none (405, 406, 415 and
// a few 404/409 cases listed in spec §2).
type apiError struct {
	Status     int
	Message    string
	Violations []violation
	NoBody     bool
}

type violation struct {
	Property string `json:"property"`
	Message  string `json:"message"`
}

func (e *apiError) Error() string {
	if e.Message == "" {
		return http.StatusText(e.Status)
	}
	return strconv.Itoa(e.Status) + " " + e.Message
}

// body renders the Error-v1 document.
func (e *apiError) body() map[string]any {
	b := map[string]any{"message": e.Message, "code": e.Status}
	if e.Violations != nil {
		b["violations"] = e.Violations
	}
	return b
}

func bare(status int) *apiError { return &apiError{Status: status, NoBody: true} }

func methodNotAllowed() *apiError { return bare(http.StatusMethodNotAllowed) }

func badRequest(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Message: fmt.Sprintf(format, args...)}
}

func conflict(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusConflict, Message: fmt.Sprintf(format, args...)}
}

func forbidden(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusForbidden, Message: fmt.Sprintf(format, args...)}
}

func notFoundMsg(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusNotFound, Message: fmt.Sprintf(format, args...)}
}

// notFound is the storage NotFoundException text; class is the protobuf class name MidoNet uses
// (Network for bridges, IPAddrGroup, Dhcp, …), spec §1.7.
func notFound(class, id string) *apiError {
	return notFoundMsg("There is no %s with ID %s.", class, id)
}

// alreadyExists is the storage ObjectExistsException text for a duplicate caller-supplied id.
func alreadyExists(class, id string) *apiError {
	return conflict("A(n) %s with ID %s already exists.", class, id)
}

// Bean-validation messages as Hibernate Validator and MidoNet's own constraints word them.
const (
	msgNotNull   = "may not be null"
	msgInvalidIP = "is an invalid IP format"
	msgBadRange  = "Range is not valid."
)

// violations collects bean-validation failures; MidoNet reports all of them at once.
type violations []violation

func (v *violations) add(property, message string) {
	*v = append(*v, violation{Property: property, Message: message})
}

func (v *violations) notNull(property string, present bool) {
	if !present {
		v.add(property, msgNotNull)
	}
}

func (v *violations) ipv4(property string, s *string) {
	if s != nil && !isIPv4(*s) {
		v.add(property, msgInvalidIP)
	}
}

func (v *violations) between(property string, n *int64, lo, hi int64) {
	if n == nil {
		return
	}
	if *n < lo {
		v.add(property, fmt.Sprintf("must be greater than or equal to %d", lo))
	} else if *n > hi {
		v.add(property, fmt.Sprintf("must be less than or equal to %d", hi))
	}
}

func (v *violations) size(property string, s *string, lo, hi int) {
	if s != nil && (len(*s) < lo || len(*s) > hi) {
		v.add(property, fmt.Sprintf("size must be between %d and %d", lo, hi))
	}
}

// err is the 400 "Validation error(s) found" response, or nil when nothing failed.
func (v violations) err() error {
	if len(v) == 0 {
		return nil
	}
	return &apiError{Status: http.StatusBadRequest, Message: "Validation error(s) found", Violations: v}
}
