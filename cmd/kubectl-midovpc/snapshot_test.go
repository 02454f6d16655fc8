package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	"github.com/midovpc/midovpc/internal/topoview"
)

// TestSnapshotRoundTrip saves a MidoNet's topology to a file; the topology read back from the
// file is the one read live.
func TestSnapshotRoundTrip(t *testing.T) {
	url := startMidoNet(t, sim.Options{})
	file := filepath.Join(t.TempDir(), "cloud.json")
	r := invoke("snapshot", "--midonet-url", url, "-o", file)
	if r.code != exitOK {
		t.Fatalf("snapshot exited %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "wrote "+file) {
		t.Errorf("stderr does not say what was written: %q", r.stderr)
	}
	snap, err := topoview.ReadSnapshotFile(file)
	if err != nil {
		t.Fatal(err)
	}
	c, err := midonet.New(midonet.Config{URL: url, Tenant: midonet.DefaultTenant})
	if err != nil {
		t.Fatal(err)
	}
	live, err := topoview.Load(context.Background(), c, midonet.DefaultTenant)
	if err != nil {
		t.Fatal(err)
	}
	var want, got bytes.Buffer
	must(t, live.WriteTree(&want))
	must(t, snap.Topology().WriteTree(&got))
	if want.String() != got.String() {
		t.Errorf("topology from the snapshot differs from the live one:\nlive:\n%s\nsnapshot:\n%s", &want, &got)
	}
	if !strings.Contains(got.String(), "eucart") {
		t.Errorf("snapshot lost eucart:\n%s", &got)
	}
}

func TestSnapshotErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		wantCode int
		want     string
	}{
		{"no output", []string{"snapshot", "--midonet-url", "http://127.0.0.1:1/midonet-api"}, exitUsage, "-o FILE is required"},
		{"no url", []string{"snapshot", "-o", "x.json", "--midonet-url", ""}, exitUsage, "--midonet-url is required"},
		{"unreachable", []string{"snapshot", "-o", filepath.Join(t.TempDir(), "x.json"), "--midonet-url", "http://127.0.0.1:1/midonet-api"}, exitError, "cannot reach MidoNet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := invoke(tc.args...)
			if r.code != tc.wantCode || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", r.code, r.stderr, tc.wantCode, tc.want)
			}
		})
	}
}
