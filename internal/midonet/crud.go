package midonet

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
)

// The generic verbs every resource file builds on. Each takes the resource kind (media type
// and metrics label) and absolute URLs built by Client.url.

// list GETs a collection with its collection media type.
func list[T any](ctx context.Context, c *Client, res Resource, u string) ([]T, error) {
	rep, err := c.do(ctx, &call{method: http.MethodGet, res: res, url: u,
		accept: MediaType(c.version(), res, true), retryable: true})
	if err != nil {
		return nil, err
	}
	var items []T
	if err := decodeJSON(rep.body, &items); err != nil {
		return nil, fmt.Errorf("midonet GET %s: decode %s list: %w", redact(u), res, err)
	}
	return items, nil
}

// get GETs one object with its media type.
func get[T any](ctx context.Context, c *Client, res Resource, u string) (*T, error) {
	rep, err := c.do(ctx, &call{method: http.MethodGet, res: res, url: u,
		accept: MediaType(c.version(), res, false), retryable: true})
	if err != nil {
		return nil, err
	}
	obj := new(T)
	if err := decodeJSON(rep.body, obj); err != nil {
		return nil, fmt.Errorf("midonet GET %s: decode %s: %w", redact(u), res, err)
	}
	return obj, nil
}

// createSpec describes one POST that creates an object.
type createSpec struct {
	res  Resource
	coll string // collection URL posted to
	// key is the URL the object will have, when the caller fixed its identity (an id it chose,
	// or a natural key such as a DHCP subnet's prefix). Only then is the POST idempotent and
	// retried; "" means the server picks a random id and the POST is sent once.
	key string
}

// create POSTs body and returns the object as created: the request itself, with the id and
// self link taken from the Location the server answered (or from key when there is none).
// Nothing is read back: the id is the caller's (or announced in Location) and the body is what
// was sent, so a create costs one request. Fields the server fills in on its own (a router
// port's random MAC when none is sent, a port's tunnel key, defaults) are therefore absent;
// a caller that needs them reads the object (see docs/design.md, "No read-back").
//
// When a retried POST is refused as a duplicate, an earlier attempt was applied but its
// answer was lost; the object is then read from key and returned. Duplicates are usually 409,
// but MidoNet answers 400 for some (a BGP peer with the same address and AS), so both trigger
// the read; if nothing is found the refusal stands.
func create[T any](ctx context.Context, c *Client, spec createSpec, body any) (*T, error) {
	payload, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("midonet POST %s: encode %s: %w", redact(spec.coll), spec.res, err)
	}
	rep, err := c.do(ctx, &call{method: http.MethodPost, res: spec.res, url: spec.coll,
		ctype: MediaType(c.version(), spec.res, false), body: payload, retryable: spec.key != ""})
	if err != nil {
		if rep.attempts > 1 && (IsConflict(err) || IsValidation(err)) {
			if obj, gerr := get[T](ctx, c, spec.res, spec.key); gerr == nil {
				return obj, nil
			}
		}
		return nil, err
	}
	loc := spec.key
	if l := rep.header.Get("Location"); l != "" {
		loc = resolveLocation(spec.coll, l)
	}
	obj := new(T)
	if loc == "" && len(bytes.TrimSpace(rep.body)) > 0 {
		// MidoNet always answers with a Location; a server that instead returns the object
		// (200 + body) is taken at its word.
		if err := decodeJSON(rep.body, obj); err != nil {
			return nil, fmt.Errorf("midonet POST %s: decode %s: %w", redact(spec.coll), spec.res, err)
		}
		return obj, nil
	}
	if loc == "" {
		return nil, fmt.Errorf("midonet POST %s: %d answer without Location or body", redact(spec.coll), rep.status)
	}
	if c.cfg.ReadBack {
		got, err := get[T](ctx, c, spec.res, loc)
		if err != nil {
			return nil, fmt.Errorf("read back created %s: %w", spec.res, err)
		}
		return got, nil
	}
	obj, err = sent[T](body, payload)
	if err != nil {
		return nil, fmt.Errorf("midonet POST %s: decode %s: %w", redact(spec.coll), spec.res, err)
	}
	return withSelf(obj, loc), nil
}

// withSelf sets the self link (uri) of an object recorded from its request, and its id from
// the link's last element when the request carried none (a server-chosen id). Only the fields
// T has are set: those whose JSON names are "uri" and "id" (selfFieldsOf).
func withSelf[T any](obj *T, loc string) *T {
	f := selfFieldsOf(reflect.TypeFor[T]())
	v := reflect.ValueOf(obj).Elem()
	if f.uri >= 0 {
		v.Field(f.uri).SetString(loc)
	}
	if f.id >= 0 && v.Field(f.id).String() == "" {
		if u, err := url.Parse(loc); err == nil {
			if i := strings.LastIndexByte(u.Path, '/'); i >= 0 && i < len(u.Path)-1 {
				v.Field(f.id).SetString(u.Path[i+1:])
			}
		}
	}
	return obj
}

// selfFields are the indexes of a type's string fields named "uri" and "id" in JSON (-1: none).
type selfFields struct{ uri, id int }

var selfFieldsCache sync.Map // reflect.Type → selfFields

func selfFieldsOf(t reflect.Type) selfFields {
	if f, ok := selfFieldsCache.Load(t); ok {
		return f.(selfFields)
	}
	f := selfFields{uri: -1, id: -1}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || sf.Type.Kind() != reflect.String {
			continue
		}
		switch name {
		case "uri":
			f.uri = i
		case "id":
			f.id = i
		}
	}
	selfFieldsCache.Store(t, f)
	return f
}

// sent returns a copy of what a request carried, as the object it created or replaced: a deep
// copy of body when it is a T or *T (the caller's later changes do not reach the copy, nor the
// copy's the caller's), else payload decoded into a T. Both give what decoding payload gives
// for the client's types, whose every field is exported and encoded; the copy saves a decode
// per write (at 10,000 interfaces 350,000 creates, a twentieth of the manager's allocation).
func sent[T any](body any, payload []byte) (*T, error) {
	obj := new(T)
	switch b := body.(type) {
	case *T:
		deepCopy(reflect.ValueOf(obj).Elem(), reflect.ValueOf(b).Elem())
	case T:
		deepCopy(reflect.ValueOf(obj).Elem(), reflect.ValueOf(&b).Elem())
	default:
		if err := json.Unmarshal(payload, obj); err != nil {
			return nil, err
		}
	}
	return obj, nil
}

// deepCopy sets dst, a settable zero value, to a copy of src sharing no pointer, slice or map
// with it. Unexported struct fields are left zero, as decoding leaves them.
func deepCopy(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Pointer:
		if !src.IsNil() {
			p := reflect.New(src.Type().Elem())
			deepCopy(p.Elem(), src.Elem())
			dst.Set(p)
		}
	case reflect.Slice:
		if !src.IsNil() {
			s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
			for i := range src.Len() {
				deepCopy(s.Index(i), src.Index(i))
			}
			dst.Set(s)
		}
	case reflect.Map:
		if !src.IsNil() {
			m := reflect.MakeMapWithSize(src.Type(), src.Len())
			for it := src.MapRange(); it.Next(); {
				v := reflect.New(src.Type().Elem()).Elem()
				deepCopy(v, it.Value())
				m.SetMapIndex(it.Key(), v)
			}
			dst.Set(m)
		}
	case reflect.Struct:
		for i := range src.NumField() {
			if dst.Field(i).CanSet() {
				deepCopy(dst.Field(i), src.Field(i))
			}
		}
	case reflect.Interface:
		if !src.IsNil() {
			v := reflect.New(src.Elem().Type()).Elem()
			deepCopy(v, src.Elem())
			dst.Set(v)
		}
	default:
		dst.Set(src)
	}
}

// resolveLocation makes a possibly relative Location absolute against the request URL. An
// absolute http(s) Location without dot segments, as MidoNet sends, is already that.
func resolveLocation(requestURL, location string) string {
	if (strings.HasPrefix(location, "http://") || strings.HasPrefix(location, "https://")) &&
		!strings.Contains(location, "/.") {
		return location
	}
	base, err := url.Parse(requestURL)
	if err != nil {
		return location
	}
	ref, err := url.Parse(location)
	if err != nil {
		return location
	}
	return base.ResolveReference(ref).String()
}

// update PUTs the whole object (MidoNet's PUT replaces every writable field) and returns it as
// sent: nothing is read back (see create) unless Config.ReadBack asks for it.
func update[T any](ctx context.Context, c *Client, res Resource, u string, body *T) (*T, error) {
	if err := put(ctx, c, res, u, body); err != nil {
		return nil, err
	}
	if c.cfg.ReadBack {
		got, err := get[T](ctx, c, res, u)
		if err != nil {
			return nil, fmt.Errorf("read back updated %s: %w", res, err)
		}
		return got, nil
	}
	obj, err := sent[T](body, nil)
	if err != nil {
		return nil, fmt.Errorf("midonet PUT %s: copy %s: %w", redact(u), res, err)
	}
	return obj, nil
}

func put(ctx context.Context, c *Client, res Resource, u string, body any) error {
	payload, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("midonet PUT %s: encode %s: %w", redact(u), res, err)
	}
	_, err = c.do(ctx, &call{method: http.MethodPut, res: res, url: u,
		ctype: MediaType(c.version(), res, false), body: payload, retryable: true})
	return err
}

// remove DELETEs an object. A 404 on a retry means an earlier attempt deleted it; a 404 on
// the first attempt is returned (IsNotFound) for the caller to judge.
func remove(ctx context.Context, c *Client, res Resource, u string) error {
	rep, err := c.do(ctx, &call{method: http.MethodDelete, res: res, url: u, retryable: true})
	if err != nil && rep.attempts > 1 && IsNotFound(err) {
		return nil
	}
	return err
}

// The verbs at a path: each builds the URL of collection/elems with Client.url, then acts on it.

func listAt[T any](ctx context.Context, c *Client, res Resource, collection string, elems ...string) ([]T, error) {
	u, err := c.url(ctx, collection, elems...)
	if err != nil {
		return nil, err
	}
	return list[T](ctx, c, res, u)
}

// listOfTenant lists a tenant-owned collection with the tenant_id filter; "" lists every
// tenant's objects.
func listOfTenant[T any](ctx context.Context, c *Client, res Resource, tenant string, collection string) ([]T, error) {
	u, err := c.url(ctx, collection)
	if err != nil {
		return nil, err
	}
	if tenant != "" {
		u += "?tenant_id=" + url.QueryEscape(tenant)
	}
	return list[T](ctx, c, res, u)
}

func getAt[T any](ctx context.Context, c *Client, res Resource, collection string, elems ...string) (*T, error) {
	u, err := c.url(ctx, collection, elems...)
	if err != nil {
		return nil, err
	}
	return get[T](ctx, c, res, u)
}

func updateAt[T any](ctx context.Context, c *Client, res Resource, body *T, collection string, elems ...string) (*T, error) {
	u, err := c.url(ctx, collection, elems...)
	if err != nil {
		return nil, err
	}
	return update(ctx, c, res, u, body)
}

func removeAt(ctx context.Context, c *Client, res Resource, collection string, elems ...string) error {
	u, err := c.url(ctx, collection, elems...)
	if err != nil {
		return err
	}
	return remove(ctx, c, res, u)
}

// tenantOrDefault is the tenant a new object is created for: the one given, else the client's.
func (c *Client) tenantOrDefault(tenant string) string {
	if tenant == "" {
		return c.cfg.Tenant
	}
	return tenant
}

// createAt POSTs body to a top-level collection, or to a sub-collection (collection, parentID,
// sub). A non-empty id makes the item URL the object's key, so the POST is retried.
func createAt[T any](ctx context.Context, c *Client, res Resource, id string, body any, collection string, elems ...string) (*T, error) {
	coll, err := c.url(ctx, collection, elems...)
	if err != nil {
		return nil, err
	}
	spec := createSpec{res: res, coll: coll}
	if id != "" {
		// Every UUID-keyed kind is addressed at the top level as /<kind>/{id}.
		if spec.key, err = c.url(ctx, string(res), id); err != nil {
			return nil, err
		}
	}
	return create[T](ctx, c, spec, body)
}
