package midonet

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// decodeJSON unmarshals a MidoNet body into v. A real MidoNet answers with proper JSON types,
// so the strict decoder is tried first; only when it meets a type mismatch is the body
// re-read leniently, the way MidoNet's own Jackson reads input: numbers and booleans sent as
// strings ("24", "true"), the text "null" or "" for a nullable number, and a number where a
// string is expected (IpAddrGroupAddr "version").
func decodeJSON(data []byte, v any) error {
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) {
		return err
	}
	target := reflect.ValueOf(v)
	if target.Kind() != reflect.Pointer || target.IsNil() {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if derr := dec.Decode(&tree); derr != nil {
		return derr
	}
	fixed, merr := json.Marshal(coerce(tree, target.Type().Elem()))
	if merr != nil {
		return merr
	}
	target.Elem().SetZero()
	return json.Unmarshal(fixed, v)
}

// coerce rewrites the generic JSON tree x so that its scalars fit the Go type t.
func coerce(x any, t reflect.Type) any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := x.(map[string]any)
		if !ok {
			return x
		}
		fields := jsonFieldTypes(t)
		for k, val := range m {
			ft, ok := fields[k]
			if !ok {
				ft, ok = fields[strings.ToLower(k)] // encoding/json matches names case-insensitively
			}
			if ok {
				m[k] = coerce(val, ft)
			}
		}
		return m
	case reflect.Slice, reflect.Array:
		a, ok := x.([]any)
		if !ok {
			return x
		}
		for i := range a {
			a[i] = coerce(a[i], t.Elem())
		}
		return a
	case reflect.Map:
		m, ok := x.(map[string]any)
		if !ok {
			return x
		}
		for k, val := range m {
			m[k] = coerce(val, t.Elem())
		}
		return m
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		s, ok := x.(string)
		if !ok {
			return x
		}
		s = strings.TrimSpace(s)
		if s == "" || s == "null" {
			return nil
		}
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return json.Number(s)
		}
		return x
	case reflect.Bool:
		s, ok := x.(string)
		if !ok {
			return x
		}
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true":
			return true
		case "false":
			return false
		case "", "null":
			return nil
		}
		return x
	case reflect.String:
		switch val := x.(type) {
		case json.Number:
			return string(val)
		case bool:
			return strconv.FormatBool(val)
		}
		return x
	}
	return x
}

var fieldTypeCache sync.Map // reflect.Type → map[string]reflect.Type

// jsonFieldTypes maps the JSON names of a struct's fields (exact and lower-cased) to their
// types, following embedded structs like encoding/json does.
func jsonFieldTypes(t reflect.Type) map[string]reflect.Type {
	if cached, ok := fieldTypeCache.Load(t); ok {
		return cached.(map[string]reflect.Type)
	}
	fields := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			inner := f.Type
			if inner.Kind() == reflect.Pointer {
				inner = inner.Elem()
			}
			if inner.Kind() == reflect.Struct {
				for k, v := range jsonFieldTypes(inner) {
					if _, taken := fields[k]; !taken {
						fields[k] = v
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = f.Type
		if lower := strings.ToLower(name); lower != name {
			if _, taken := fields[lower]; !taken {
				fields[lower] = f.Type
			}
		}
	}
	fieldTypeCache.Store(t, fields)
	return fields
}
