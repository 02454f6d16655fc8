package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The write log names each write with the start of its body, from a sequence number on, and
// leaves the body whole for the API behind it.
func TestWriteLog(t *testing.T) {
	var got []string
	c := countRequests(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			b, _ := io.ReadAll(r.Body)
			got = append(got, string(b))
		}
		w.WriteHeader(http.StatusCreated)
	}))
	srv := httptest.NewServer(c)
	defer srv.Close()
	for _, body := range []string{`{"id":"a"}`, `{"id":"b"}`} {
		resp, err := http.Post(srv.URL+"/midonet-api/chains/c1/rules", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if resp, err := http.Get(srv.URL + "/midonet-api/chains/c1"); err == nil {
		resp.Body.Close()
	}
	if strings.Join(got, ",") != `{"id":"a"},{"id":"b"}` {
		t.Fatalf("the API got bodies %q", got)
	}
	writes := func(since string) []Write {
		resp, err := http.Get(srv.URL + WritesPath + "?since=" + since)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out []Write
		dec := json.NewDecoder(resp.Body)
		for dec.More() {
			var w Write
			if err := dec.Decode(&w); err != nil {
				t.Fatal(err)
			}
			out = append(out, w)
		}
		return out
	}
	all := writes("0")
	if len(all) != 2 || all[0].Method != "POST" || all[0].Path != "/midonet-api/chains/c1/rules" || all[0].Status != 201 || all[1].Body != `{"id":"b"}` {
		t.Fatalf("writes since 0: %+v; want the two POSTs (the GET is no write)", all)
	}
	if rest := writes("1"); len(rest) != 1 || rest[0].Seq != 2 {
		t.Fatalf("writes since 1: %+v; want the second only", rest)
	}
}
