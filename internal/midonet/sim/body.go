package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"regexp"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// fields is a request body read the way MidoNet's Jackson mapper reads it (spec §1.6): unknown
// keys ignored, numbers and booleans accepted as JSON strings, the text "null" read as null for
// boxed numbers. The first mapping error sticks in err and is reported as a 400 with a message
// (not violations), as Jackson's mapping exceptions are.
type fields struct {
	m    map[string]json.RawMessage
	path string // prefix for nested objects in messages
	err  error
}

// readFields decodes a JSON object body.
func readFields(r io.Reader) (*fields, error) {
	data, err := io.ReadAll(io.LimitReader(r, 16<<20))
	if err != nil {
		return nil, badRequest("read request body: %v", err)
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, badRequest("No content to map due to end-of-input")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, badRequest("Malformed JSON: %v", err)
	}
	if m == nil {
		m = map[string]json.RawMessage{}
	}
	return &fields{m: m}, nil
}

func (f *fields) fail(key, format string, args ...any) {
	if f.err == nil {
		f.err = badRequest("Can not deserialize field '%s%s': %s", f.path, key, fmt.Sprintf(format, args...))
	}
}

// raw returns the value of key unless it is absent or JSON null.
func (f *fields) raw(key string) (json.RawMessage, bool) {
	v, ok := f.m[key]
	if !ok || string(v) == "null" {
		return nil, false
	}
	return v, true
}

// has reports whether key is present with a non-null value.
func (f *fields) has(key string) bool { _, ok := f.raw(key); return ok }

// scalarText returns the text of a string, number or boolean value.
func (f *fields) scalarText(key string) (string, bool) {
	v, ok := f.raw(key)
	if !ok {
		return "", false
	}
	switch v[0] {
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			f.fail(key, "%v", err)
			return "", false
		}
		return s, true
	case '{', '[':
		f.fail(key, "expected a scalar value")
		return "", false
	default:
		return string(v), true
	}
}

// str reads a string (a number or boolean is taken as its text, as Jackson does).
func (f *fields) str(key string) *string {
	s, ok := f.scalarText(key)
	if !ok {
		return nil
	}
	return &s
}

// integer reads a number or a numeric string; "" and "null" mean null.
func (f *fields) integer(key string) *int64 {
	s, ok := f.scalarText(key)
	if !ok {
		return nil
	}
	s = strings.TrimSpace(s)
	if s == "" || s == "null" {
		return nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return &n
	}
	if x, err := strconv.ParseFloat(s, 64); err == nil && x == math.Trunc(x) && math.Abs(x) < 1<<53 {
		n := int64(x)
		return &n
	}
	f.fail(key, "%q is not a valid integer value", s)
	return nil
}

// intOr reads an integer with a default for null/absent.
func (f *fields) intOr(key string, def int64) int64 {
	if n := f.integer(key); n != nil {
		return *n
	}
	return def
}

// boolean reads true/false, "true"/"false" or 0/1.
func (f *fields) boolean(key string) *bool {
	s, ok := f.scalarText(key)
	if !ok {
		return nil
	}
	var b bool
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1":
		b = true
	case "false", "0":
		b = false
	case "", "null":
		return nil
	default:
		f.fail(key, "%q is not a valid boolean value", s)
		return nil
	}
	return &b
}

func (f *fields) boolOr(key string, def bool) bool {
	if b := f.boolean(key); b != nil {
		return *b
	}
	return def
}

// uuid reads a UUID string in canonical form; "" means null.
func (f *fields) uuid(key string) *string {
	s, ok := f.scalarText(key)
	if !ok || s == "" {
		return nil
	}
	id, err := uuid.Parse(s)
	if err != nil {
		f.fail(key, "%q is not a valid UUID", s)
		return nil
	}
	c := id.String()
	return &c
}

// list returns the elements of an array value; absent or null gives nil, false.
func (f *fields) list(key string) ([]json.RawMessage, bool) {
	v, ok := f.raw(key)
	if !ok {
		return nil, false
	}
	if v[0] != '[' {
		f.fail(key, "expected an array")
		return nil, false
	}
	var items []json.RawMessage
	if err := json.Unmarshal(v, &items); err != nil {
		f.fail(key, "%v", err)
		return nil, false
	}
	return items, true
}

// strings reads an array of strings (scalars coerced); absent or null gives nil.
func (f *fields) strings(key string) []string {
	items, ok := f.list(key)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(items))
	for i, it := range items {
		one := &fields{m: map[string]json.RawMessage{"v": it}}
		s, ok := one.scalarText("v")
		if one.err != nil || !ok {
			f.fail(fmt.Sprintf("%s[%d]", key, i), "expected a string")
			return nil
		}
		out = append(out, s)
	}
	return out
}

// uuids reads an array of UUIDs.
func (f *fields) uuids(key string) []string {
	strs := f.strings(key)
	for i, s := range strs {
		id, err := uuid.Parse(s)
		if err != nil {
			f.fail(fmt.Sprintf("%s[%d]", key, i), "%q is not a valid UUID", s)
			return nil
		}
		strs[i] = id.String()
	}
	return strs
}

// object reads a nested JSON object; absent or null gives nil.
func (f *fields) object(key string) *fields {
	v, ok := f.raw(key)
	if !ok {
		return nil
	}
	return f.nested(key, v)
}

func (f *fields) nested(key string, v json.RawMessage) *fields {
	var m map[string]json.RawMessage
	if len(v) == 0 || v[0] != '{' || json.Unmarshal(v, &m) != nil {
		f.fail(key, "expected an object")
		return nil
	}
	return &fields{m: m, path: f.path + key + "."}
}

// objects reads an array of objects.
func (f *fields) objects(key string) ([]*fields, bool) {
	items, ok := f.list(key)
	if !ok {
		return nil, false
	}
	out := make([]*fields, 0, len(items))
	for i, it := range items {
		o := f.nested(fmt.Sprintf("%s[%d]", key, i), it)
		if o == nil {
			return nil, true
		}
		out = append(out, o)
	}
	return out, true
}

// adopt carries a nested object's mapping error to its parent.
func (f *fields) adopt(o *fields) {
	if o != nil && o.err != nil && f.err == nil {
		f.err = o.err
	}
}

func isIPv4(s string) bool {
	ip := net.ParseIP(s)
	return ip != nil && ip.To4() != nil && !strings.Contains(s, ":")
}

// bodyMAC parses a MAC as MidoNet accepts it in bodies and DHCP-host paths: colon-separated
// only (the @Pattern of its models, MAC.fromString; spec §6.1). It returns it lower-case.
func bodyMAC(s string) (string, bool) {
	if !colonMAC.MatchString(s) {
		return "", false
	}
	return strings.ToLower(s), true
}

var colonMAC = regexp.MustCompile(`^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$`)

// normMAC parses a MAC in colon or dash form and returns it lower-case with colons: the form
// of the ARP and MAC table paths (dashes) and of seed files.
func normMAC(s string) (string, bool) {
	hw, err := net.ParseMAC(strings.ReplaceAll(s, "-", ":"))
	if err != nil || len(hw) != 6 {
		return "", false
	}
	return hw.String(), true
}

func dashMAC(mac string) string { return strings.ReplaceAll(mac, ":", "-") }
