package midonet

import (
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// fill sets every settable field of v, at any depth, to a random non-zero value: pointers and
// slices are allocated (1–3 elements), so a copy that shares or drops any of them shows.
func fill(r *rand.Rand, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(r, p.Elem())
		v.Set(p)
	case reflect.Slice:
		n := 1 + r.IntN(3)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			fill(r, s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for range 1 + r.IntN(3) {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(r, k)
			fill(r, e)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Field(i).CanSet() {
				fill(r, v.Field(i))
			}
		}
	case reflect.String:
		v.SetString("s" + strconv.Itoa(r.IntN(1<<20)))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1 + r.Int64N(100))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1 + r.Uint64N(100))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1 + float64(r.IntN(100)))
	}
}

// scramble changes, in place, every value reachable from v: what a pointer points to, the
// elements of slices and the values of maps.
func scramble(r *rand.Rand, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			scramble(r, v.Elem())
		}
	case reflect.Slice:
		for i := range v.Len() {
			scramble(r, v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			fill(r, e)
			v.SetMapIndex(k, e)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Field(i).CanSet() {
				scramble(r, v.Field(i))
			}
		}
	case reflect.Bool:
		v.SetBool(!v.Bool())
	default:
		fill(r, v)
	}
}

// checkSent checks, for random values of T, that sent copies the body as decoding its
// encoding gives it, for both a *T and a T, and that the copy shares nothing with the body.
func checkSent[T any](t *testing.T, r *rand.Rand) {
	t.Helper()
	name := reflect.TypeFor[T]().Name()
	for range 50 {
		body := new(T)
		fill(r, reflect.ValueOf(body).Elem())
		payload, err := json.Marshal(body)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := new(T)
		if err := json.Unmarshal(payload, want); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fromPtr, err := sent[T](body, payload)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fromValue, err := sent[T](*body, payload)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// Change everything reachable from the body in place: a shared pointer, slice or map
		// would carry the change into the copies.
		scramble(r, reflect.ValueOf(body).Elem())
		for _, got := range []*T{fromPtr, fromValue} {
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: sent = %+v\nwant the decoded payload %+v", name, got, want)
			}
		}
	}
}

// TestSentIsTheDecodedPayload: the object a create or update returns, copied from the body,
// is what decoding the request's payload gave, for every type the client writes.
func TestSentIsTheDecodedPayload(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	checkSent[BgpPeer](t, r)
	checkSent[BgpNetwork](t, r)
	checkSent[Bridge](t, r)
	checkSent[Chain](t, r)
	checkSent[DHCPSubnet](t, r)
	checkSent[DHCPHost](t, r)
	checkSent[HostInterfacePort](t, r)
	checkSent[IPAddrGroup](t, r)
	checkSent[IPAddrGroupAddr](t, r)
	checkSent[Port](t, r)
	checkSent[PortGroup](t, r)
	checkSent[PortGroupPort](t, r)
	checkSent[Route](t, r)
	checkSent[Router](t, r)
	checkSent[Rule](t, r)
	checkSent[IP4Mac](t, r)
	checkSent[MacPort](t, r)
	checkSent[TunnelZone](t, r)
	checkSent[TunnelZoneHost](t, r)

	// A body of another type is decoded from the payload.
	got, err := sent[Chain](map[string]string{"name": "c", "id": "x"}, []byte(`{"name":"c","id":"x"}`))
	if err != nil || got.Name != "c" || got.ID != "x" {
		t.Errorf("sent from a map = %+v, %v", got, err)
	}
}

// TestWithSelf: the self link is always the Location; the id is taken from it only when the
// request carried none; a type without such fields is left alone.
func TestWithSelf(t *testing.T) {
	loc := "http://mn:8080/midonet-api/chains/4b9c1a52-8f0e-4d3b-a6c7-2e1f0d9b8a77"
	c := withSelf(&Chain{Name: "n"}, loc)
	if c.ID != "4b9c1a52-8f0e-4d3b-a6c7-2e1f0d9b8a77" || c.URI != loc || c.Name != "n" {
		t.Errorf("chain without id = %+v", c)
	}
	c = withSelf(&Chain{ID: "mine"}, loc)
	if c.ID != "mine" || c.URI != loc {
		t.Errorf("chain with id = %+v", c)
	}
	type noSelf struct {
		ID  int    `json:"id"`
		URI string `json:"link"`
	}
	if n := withSelf(&noSelf{ID: 3, URI: "u"}, loc); n.ID != 3 || n.URI != "u" {
		t.Errorf("a type whose uri and id are not string fields named so in JSON changed: %+v", n)
	}
}

// TestResolveLocation: an absolute Location is kept, a relative one or one with dot segments
// resolved against the collection.
func TestResolveLocation(t *testing.T) {
	coll := "http://mn:8080/midonet-api/chains"
	for loc, want := range map[string]string{
		"http://other:1/midonet-api/chains/x":    "http://other:1/midonet-api/chains/x",
		"https://mn/midonet-api/chains/x":        "https://mn/midonet-api/chains/x",
		"/midonet-api/chains/x":                  "http://mn:8080/midonet-api/chains/x",
		"chains/x":                               "http://mn:8080/midonet-api/chains/x",
		"http://mn:8080/midonet-api/a/../chains": "http://mn:8080/midonet-api/chains",
	} {
		if got := resolveLocation(coll, loc); got != want {
			t.Errorf("resolveLocation(%q) = %q, want %q", loc, got, want)
		}
	}
}

// TestReadBody: a body is read whole whether its length is announced or not, an empty one
// is nil, and a body cut short is an error.
func TestReadBody(t *testing.T) {
	resp := func(body string, n int64) *http.Response {
		return &http.Response{Body: io.NopCloser(strings.NewReader(body)), ContentLength: n}
	}
	for _, tc := range []struct {
		body string
		n    int64
	}{{"", 0}, {`{"id":"x"}`, 10}, {`{"id":"x"}`, -1}, {"", -1}} {
		got, err := readBody(resp(tc.body, tc.n))
		if err != nil || string(got) != tc.body {
			t.Errorf("readBody(%q, length %d) = %q, %v", tc.body, tc.n, got, err)
		}
	}
	if _, err := readBody(resp(`{"id"`, 10)); err == nil {
		t.Error("a body shorter than its length was read without an error")
	}
}
