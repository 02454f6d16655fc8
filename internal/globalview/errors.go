package globalview

import (
	"fmt"
	"strings"
)

// MaxErrors bounds how many field errors Parse and Validate collect; a broken
// generator can produce millions, and the first hundred tell the story.
const MaxErrors = 100

// ParseError reports a document that cannot be read as a global network view at
// all: too large, not UTF-8, not well-formed XML, nested too deep, or without a
// network-data root as its first node.
type ParseError struct {
	// Line and Column are 1-based; 0 when the position is unknown.
	Line, Column int
	// Offset is the byte offset of the problem; -1 when unknown.
	Offset int64
	Msg    string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("global network view: line %d, column %d: %s", e.Line, e.Column, e.Msg)
	}
	return "global network view: " + e.Msg
}

// FieldError is one problem with one element of the view.
type FieldError struct {
	// Path locates the element, XPath-like: objects by id in brackets
	// (vpc[vpc-0a1b2c3d]), unnamed ones by 1-based position (route[#2]),
	// properties by name (property[enabledCLCIp]), attributes as @name.
	Path string `json:"path"`
	// ID is the id (or name) of the nearest enclosing object, "" for settings.
	ID      string `json:"id,omitempty"`
	Message string `json:"message"`
}

func (e FieldError) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

// ValidationErrors is every field error found in one view, in document order.
type ValidationErrors []FieldError

// Error lists the errors one per line.
func (e ValidationErrors) Error() string {
	lines := make([]string, len(e))
	for i, fe := range e {
		lines[i] = fe.Error()
	}
	return strings.Join(lines, "\n")
}

// errorList collects field errors up to MaxErrors and counts the rest.
type errorList struct {
	errs    ValidationErrors
	dropped int
}

func (l *errorList) add(path, id, format string, args ...any) {
	if len(l.errs) >= MaxErrors {
		l.dropped++
		return
	}
	l.errs = append(l.errs, FieldError{Path: path, ID: id, Message: fmt.Sprintf(format, args...)})
}

// full reports whether further errors are only counted.
func (l *errorList) full() bool { return len(l.errs) >= MaxErrors }

// err returns the collected errors as ValidationErrors, or nil when there are none.
func (l *errorList) err() error {
	if len(l.errs) == 0 {
		return nil
	}
	errs := l.errs
	if l.dropped > 0 {
		errs = append(errs[:len(errs):len(errs)], FieldError{
			Message: fmt.Sprintf("%d more errors not shown", l.dropped),
		})
	}
	return errs
}
