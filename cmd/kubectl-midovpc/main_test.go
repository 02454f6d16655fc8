package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	"github.com/midovpc/midovpc/internal/topoview"
)

// result is what one invocation of the CLI did.
type result struct {
	code           int
	stdout, stderr string
}

func invoke(args ...string) result {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return result{code, stdout.String(), stderr.String()}
}

// startMidoNet serves an emulator (closed at the end of the test) holding eucart linked to
// eucabr, and returns its URL.
func startMidoNet(t *testing.T, opts sim.Options) string {
	t.Helper()
	running, err := sim.Start(opts)
	if err != nil {
		t.Fatalf("start the MidoNet emulator: %v", err)
	}
	t.Cleanup(func() { _ = running.Close() })
	c, err := midonet.New(midonet.Config{URL: running.URL, Tenant: midonet.DefaultTenant})
	if err != nil {
		t.Fatal(err)
	}
	if opts.Token != "" {
		return running.URL // the test builds nothing behind strict auth
	}
	ctx := context.Background()
	rt, err := c.CreateRouter(ctx, &midonet.Router{Name: "eucart"})
	must(t, err)
	br, err := c.CreateBridge(ctx, &midonet.Bridge{Name: "eucabr"})
	must(t, err)
	rp, err := c.CreateRouterPort(ctx, rt.ID, &midonet.Port{PortAddress: "169.254.0.1", NetworkLength: 17, PortMAC: "ac:ca:ba:00:00:01"})
	must(t, err)
	bp, err := c.CreateBridgePort(ctx, br.ID, &midonet.Port{})
	must(t, err)
	must(t, c.LinkPorts(ctx, rp.ID, bp.ID))
	return running.URL
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestDispatch(t *testing.T) {
	for _, tc := range []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string
		wantStderr []string
	}{
		{"help lists the commands", []string{"help"}, exitOK, []string{"topology", "version", "help COMMAND"}, nil},
		{"-h is help", []string{"-h"}, exitOK, []string{"Commands:", "topology"}, nil},
		{"no command", nil, exitUsage, nil, []string{"Usage:", "topology"}},
		{"unknown command", []string{"frobnicate"}, exitUsage, nil, []string{`unknown command "frobnicate"`, "Commands:"}},
		{"help for a command", []string{"help", "topology"}, exitOK, []string{"-midonet-url", "-token-file", "-ca-file", "-tenant", "-o string", "json or yaml"}, nil},
		{"-h of a command", []string{"topology", "-h"}, exitOK, []string{"Usage:", "kubectl-midovpc topology [RESOURCE-ID] [--midonet-url URL]"}, nil},
		{"help for an unknown command", []string{"help", "nope"}, exitUsage, nil, []string{`unknown command "nope"`}},
		{"bad flag", []string{"topology", "--no-such-flag"}, exitUsage, nil, []string{"no-such-flag", "Flags:"}},
		{"two resource ids", []string{"topology", "--midonet-url", "http://x", "vpc-0a1b2c3d", "extra"}, exitUsage, nil, []string{`want at most one RESOURCE-ID`, "got 2"}},
		{"bad output format", []string{"topology", "--midonet-url", "http://x", "-o", "xml"}, exitUsage, nil, []string{`-o "xml": want tree, json or yaml`}},
		{"version", []string{"version"}, exitOK, []string{"kubectl-midovpc ", "go1."}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := invoke(tc.args...)
			if got.code != tc.wantCode {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", got.code, tc.wantCode, got.stdout, got.stderr)
			}
			for _, s := range tc.wantStdout {
				if !strings.Contains(got.stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, got.stdout)
				}
			}
			for _, s := range tc.wantStderr {
				if !strings.Contains(got.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, got.stderr)
				}
			}
		})
	}
}

func TestTopologyNeedsAURL(t *testing.T) {
	t.Setenv(midonetURLEnv, "")
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "no-kubeconfig")) // and no manager to ask
	got := invoke("topology")
	if got.code != exitUsage || !strings.Contains(got.stderr, "--midonet-url is required") {
		t.Errorf("got %d, stderr %q; want a usage error naming --midonet-url", got.code, got.stderr)
	}
}

func TestTopologyTree(t *testing.T) {
	url := startMidoNet(t, sim.Options{})
	got := invoke("topology", "--midonet-url", url)
	if got.code != exitOK {
		t.Fatalf("exit %d: %s", got.code, got.stderr)
	}
	for _, want := range []string{
		"tenant euca_tenant_1 (MidoNet v5.0)",
		"└── eucart\n",
		"169.254.0.1/17 ac:ca:ba:00:00:01 → eucabr[eucart]",
		"eucart → eucart[169.254.0.1]",
	} {
		if !strings.Contains(got.stdout, want) {
			t.Errorf("tree lacks %q:\n%s", want, got.stdout)
		}
	}
	if got.stderr != "" {
		t.Errorf("stderr not empty: %s", got.stderr)
	}
}

func TestTopologyURLFromEnvironment(t *testing.T) {
	t.Setenv(midonetURLEnv, startMidoNet(t, sim.Options{}))
	if got := invoke("topology"); got.code != exitOK || !strings.Contains(got.stdout, "eucart") {
		t.Errorf("exit %d, stdout %s, stderr %s", got.code, got.stdout, got.stderr)
	}
}

func TestTopologyJSON(t *testing.T) {
	url := startMidoNet(t, sim.Options{})
	got := invoke("topology", "--midonet-url", url, "-o", "json")
	if got.code != exitOK {
		t.Fatalf("exit %d: %s", got.code, got.stderr)
	}
	var doc topoview.Topology
	if err := json.Unmarshal([]byte(got.stdout), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, got.stdout)
	}
	if len(doc.Routers) != 1 || len(doc.Routers[0].Ports) != 1 {
		t.Fatalf("routers = %+v", doc.Routers)
	}
	peer := doc.Routers[0].Ports[0].Peer
	if peer == nil || peer.Device != "eucabr" || peer.DeviceID != doc.Bridges[0].ID {
		t.Errorf("eucart's port peer = %+v, want eucabr by name and id", peer)
	}
}

func TestTopologyUnreachableMidoNet(t *testing.T) {
	running, err := sim.Start(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	url := running.URL
	must(t, running.Close()) // nothing listens there any more
	got := invoke("topology", "--midonet-url", url)
	if got.code != exitError {
		t.Errorf("exit %d, want %d", got.code, exitError)
	}
	if want := "kubectl-midovpc topology: cannot reach MidoNet at " + url; !strings.HasPrefix(got.stderr, want) {
		t.Errorf("stderr = %q, want it to start with %q", got.stderr, want)
	}
	if got.stdout != "" {
		t.Errorf("stdout = %q, want nothing", got.stdout)
	}
}

func TestTopologyTokenFile(t *testing.T) {
	url := startMidoNet(t, sim.Options{Token: "s3cret"})
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good"), filepath.Join(dir, "bad")
	must(t, os.WriteFile(good, []byte("s3cret\n"), 0o600))
	must(t, os.WriteFile(bad, []byte("guess"), 0o600))

	if got := invoke("topology", "--midonet-url", url, "--token-file", good); got.code != exitOK {
		t.Errorf("with the right token: exit %d, stderr %s", got.code, got.stderr)
	}
	got := invoke("topology", "--midonet-url", url, "--token-file", bad)
	if got.code != exitError || !strings.Contains(got.stderr, "unauthorized (check --token-file)") {
		t.Errorf("with a wrong token: exit %d, stderr %q", got.code, got.stderr)
	}
	if strings.Contains(got.stderr, "guess") {
		t.Errorf("the token leaked into the error: %q", got.stderr)
	}
}

// TestRegisterAddsACommand is the extension point another subcommand (import) uses: a file
// that registers itself is dispatched to and listed, with nothing else edited.
func TestRegisterAddsACommand(t *testing.T) {
	var gotArgs []string
	register("example-extension", command{Summary: "an extension for this test", Run: func(args []string, stdout, _ io.Writer) int {
		gotArgs = args
		io.WriteString(stdout, "ran\n")
		return 7
	}})
	t.Cleanup(func() { delete(commands, "example-extension") })

	if got := invoke("example-extension", "FILE"); got.code != 7 || got.stdout != "ran\n" || len(gotArgs) != 1 || gotArgs[0] != "FILE" {
		t.Errorf("dispatch: %+v args %v", got, gotArgs)
	}
	if got := invoke("help"); !strings.Contains(got.stdout, "example-extension  an extension for this test") {
		t.Errorf("help does not list the new command:\n%s", got.stdout)
	}
}
