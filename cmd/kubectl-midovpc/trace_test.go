package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet/sim"
)

// TestTraceCommandLine: mistakes are refused with the flag named, before anything is read.
func TestTraceCommandLine(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	must(t, os.WriteFile(bad, []byte(`{"format": 9, "tenant": "x"}`), 0o644))
	url := startMidoNet(t, sim.Options{})
	for _, tc := range []struct {
		name     string
		args     []string
		wantCode int
		want     string
	}{
		{"no endpoints", []string{"trace", "--snapshot", bad}, exitUsage, "--from and --to are required"},
		{"no source", []string{"trace", "--midonet-url", "", "--from", "i-1", "--to", "i-2"}, exitUsage, "--midonet-url or --snapshot is required"},
		{"bad protocol", []string{"trace", "--snapshot", bad, "--from", "a", "--to", "b", "--proto", "sctp"}, exitUsage, `--proto "sctp"`},
		{"bad port", []string{"trace", "--snapshot", bad, "--from", "a", "--to", "b", "--dport", "70000"}, exitUsage, "ports are 1..65535"},
		{"bad output", []string{"trace", "--snapshot", bad, "--from", "a", "--to", "b", "-o", "yaml"}, exitUsage, `-o "yaml"`},
		{"foreign snapshot", []string{"trace", "--snapshot", bad, "--from", "i-1", "--to", "i-2"}, exitError, "format 9, want 1"},
		{"missing snapshot", []string{"trace", "--snapshot", bad + ".nope", "--from", "i-1", "--to", "i-2"}, exitError, "no such file"},
		{"dhcp with a destination", []string{"trace", "--snapshot", bad, "--from", "i-1", "--to", "i-2", "--dhcp"}, exitUsage, "--dhcp takes --from (an interface) and no --to"},
		{"dhcp of an external address", []string{"trace", "--midonet-url", url, "--from", "203.0.113.5", "--dhcp"}, exitError, "is not an interface"},
		{"unknown interface", []string{"trace", "--midonet-url", url, "--from", "i-nothere", "--to", "10.0.0.1"}, exitError, `"i-nothere" is neither an interface`},
		{"reachability without interfaces", []string{"reachability", "--midonet-url", url}, exitError, "no interface in MidoNet at"},
		{"plan needs an input", []string{"plan"}, exitUsage, "exactly one of --global-view FILE and -f MANIFESTS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := invoke(tc.args...)
			if r.code != tc.wantCode || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", r.code, r.stderr, tc.wantCode, tc.want)
			}
		})
	}
}
