package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/midovpc/midovpc/internal/maintenance"
	"github.com/midovpc/midovpc/internal/maintenance/testcloud"
	"github.com/midovpc/midovpc/internal/midonet"
)

// startCloud serves the maintenance test cloud, converged, and returns its URL and a client.
func startCloud(t *testing.T) (string, *midonet.Client) {
	t.Helper()
	run, c := testcloud.Converged(t)
	return run.URL, c
}

// noKubeconfig points the lease check at a kubeconfig that does not exist.
func noKubeconfig(t *testing.T) {
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "none"))
	t.Setenv("HOME", t.TempDir())
}

func planOf(t *testing.T, out string) planOutput {
	t.Helper()
	var p planOutput
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return p
}

// TestFlushDryRunThenYes: the dry run deletes nothing and prints the plan; --yes deletes
// exactly the objects the dry run printed, and a second dry run has nothing left.
func TestFlushDryRunThenYes(t *testing.T) {
	noKubeconfig(t)
	url, c := startCloud(t)
	ctx := context.Background()
	operator, err := c.CreateChain(ctx, &midonet.Chain{Name: "sg_ingress_sg-55556666_old"})
	must(t, err)

	dry := invoke("flush", "--dynamic", "--midonet-url", url, "-o", "json")
	if dry.code != exitOK {
		t.Fatalf("dry run: exit %d: %s", dry.code, dry.stderr)
	}
	planned := planOf(t, dry.stdout)
	if !planned.DryRun || len(planned.Plan.Deletions) == 0 {
		t.Fatalf("dry run plan = %+v", planned)
	}
	if !strings.Contains(strings.Join(planned.Plan.Notes, "\n"), "lease was not checked (no kubeconfig)") {
		t.Errorf("notes = %v, want the unchecked lease", planned.Plan.Notes)
	}
	if again := planOf(t, invoke("flush", "--dynamic", "--midonet-url", url, "-o", "json").stdout); len(again.Plan.Deletions) != len(planned.Plan.Deletions) {
		t.Fatalf("the dry run deleted something: %d then %d planned", len(planned.Plan.Deletions), len(again.Plan.Deletions))
	}

	yes := invoke("flush", "--dynamic", "--yes", "--midonet-url", url, "-o", "json")
	if yes.code != exitOK {
		t.Fatalf("--yes: exit %d: %s", yes.code, yes.stderr)
	}
	applied := planOf(t, yes.stdout)
	if len(applied.Applied) != len(planned.Plan.Deletions) {
		t.Fatalf("--yes applied %d deletions, the dry run printed %d", len(applied.Applied), len(planned.Plan.Deletions))
	}
	for i, o := range applied.Applied {
		if o.Deletion != planned.Plan.Deletions[i] {
			t.Errorf("deletion %d: %+v, the dry run printed %+v", i, o.Deletion, planned.Plan.Deletions[i])
		}
	}
	if left := planOf(t, invoke("flush", "--dynamic", "--midonet-url", url, "-o", "json").stdout); len(left.Plan.Deletions) != 0 {
		t.Errorf("after --yes, flush still plans %d deletions", len(left.Plan.Deletions))
	}
	if _, err := c.GetChain(ctx, operator.ID); err != nil {
		t.Errorf("the operator's chain: %v", err)
	}
	text := invoke("flush", "--dynamic", "--midonet-url", url)
	if text.code != exitOK || !strings.Contains(text.stdout, "flush --dynamic: nothing to delete in tenant euca_tenant_1") {
		t.Errorf("text after flush: %d %s %s", text.code, text.stdout, text.stderr)
	}
}

// fakeLeaseServer answers the manager's lease as a kube-apiserver would, held by holder and
// renewed now, and writes a kubeconfig for it.
func fakeLeaseServer(t *testing.T, holder string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/apis/coordination.k8s.io/v1/namespaces/midovpc-system/leases/"+leaderLeaseName {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":%q,"namespace":"midovpc-system"},
			"spec":{"holderIdentity":%q,"leaseDurationSeconds":15,"renewTime":%q}}`,
			leaderLeaseName, holder, time.Now().UTC().Format("2006-01-02T15:04:05.000000Z07:00"))
	}))
	t.Cleanup(srv.Close)
	path := filepath.Join(t.TempDir(), "kubeconfig")
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: %q}}]
users: [{name: u, user: {token: x}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`, srv.URL)
	must(t, os.WriteFile(path, []byte(cfg), 0o600))
	return path
}

func TestFlushRefusesWhileAManagerLeads(t *testing.T) {
	url, _ := startCloud(t)
	kubeconfig := fakeLeaseServer(t, "manager-7d9f_1234")
	got := invoke("flush", "--all", "--yes", "--midonet-url", url, "--kubeconfig", kubeconfig)
	if got.code != exitError || !strings.Contains(got.stderr, "a manager (manager-7d9f_1234) holds the leader lease midovpc-system/"+leaderLeaseName) {
		t.Fatalf("exit %d, stderr %q", got.code, got.stderr)
	}
	if got.stdout != "" {
		t.Errorf("printed a plan: %s", got.stdout)
	}
	forced := invoke("flush", "--all", "--force", "--midonet-url", url, "--kubeconfig", kubeconfig)
	if forced.code != exitOK || !strings.Contains(forced.stdout, "note: --force: a manager (manager-7d9f_1234) holds the leader lease") ||
		!strings.Contains(forced.stdout, "would delete") {
		t.Errorf("--force: exit %d, stdout %s, stderr %s", forced.code, forced.stdout, forced.stderr)
	}
}

func TestCheckRepairThroughTheCLI(t *testing.T) {
	url, c := startCloud(t)
	ctx := context.Background()
	eucabr, err := c.ListBridges(ctx, testcloud.Tenant)
	must(t, err)
	var coreBridge string
	for _, b := range eucabr {
		if b.Name == "eucabr" {
			coreBridge = b.ID
		}
	}
	port, err := c.CreateBridgePort(ctx, coreBridge, &midonet.Port{})
	must(t, err)
	dup, err := c.CreateChain(ctx, &midonet.Chain{Name: "sg_ingress_" + testcloud.SG})
	must(t, err)

	got := invoke("check", "--midonet-url", url)
	if got.code != exitOK || !strings.Contains(got.stdout, "check: 2 findings in tenant euca_tenant_1 (2 deleted by check --repair --yes)") ||
		!strings.Contains(got.stdout, "unconnected port: port "+port.ID+" of eucabr") ||
		!strings.Contains(got.stdout, "duplicate: chain sg_ingress_"+testcloud.SG+" (0 rules) "+dup.ID) {
		t.Fatalf("check: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	dry := invoke("check", "--repair", "--midonet-url", url)
	if !strings.Contains(dry.stdout, "check --repair: would delete 2 objects") {
		t.Errorf("dry run:\n%s", dry.stdout)
	}
	yes := invoke("check", "--repair", "--yes", "--midonet-url", url)
	if yes.code != exitOK || !strings.Contains(yes.stdout, "check --repair: deleted 2 of 2 objects") {
		t.Errorf("--yes: exit %d\n%s%s", yes.code, yes.stdout, yes.stderr)
	}
	if clean := invoke("check", "--midonet-url", url); !strings.Contains(clean.stdout, "check: nothing found") {
		t.Errorf("after the repair:\n%s", clean.stdout)
	}
	if bad := invoke("check", "--yes", "--midonet-url", url); bad.code != exitUsage {
		t.Errorf("--yes without --repair: exit %d", bad.code)
	}
}

func TestObjectsThroughTheCLI(t *testing.T) {
	url, _ := startCloud(t)
	list := invoke("objects", "--midonet-url", url)
	if list.code != exitOK || !strings.Contains(list.stdout, "7 models in tenant euca_tenant_1") ||
		!strings.Contains(list.stdout, "vpc             "+testcloud.VPC) {
		t.Fatalf("objects: exit %d\n%s%s", list.code, list.stdout, list.stderr)
	}
	one := invoke("objects", testcloud.SG, "--midonet-url", url)
	for _, want := range []string{"security-group " + testcloud.SG, "present   chain       sg_ingress_" + testcloud.SG, "present   ipaddrgroup sg_all_" + testcloud.SG} {
		if !strings.Contains(one.stdout, want) {
			t.Errorf("objects %s lacks %q:\n%s", testcloud.SG, want, one.stdout)
		}
	}
	del := invoke("objects", testcloud.SG, "--delete", "--midonet-url", url, "-o", "json")
	if p := planOf(t, del.stdout); len(p.Plan.Deletions) != 5 || !p.DryRun {
		t.Errorf("objects --delete plans %+v", p)
	}
	yes := invoke("objects", testcloud.SG, "--delete", "--yes", "--midonet-url", url)
	if yes.code != exitOK || !strings.Contains(yes.stdout, "deleted 5 of 5 objects") {
		t.Errorf("--yes: exit %d\n%s%s", yes.code, yes.stdout, yes.stderr)
	}
	after := invoke("objects", testcloud.SG, "--midonet-url", url, "-o", "json")
	var m maintenance.ModelObjects
	must(t, json.Unmarshal([]byte(after.stdout), &m))
	for _, o := range m.Objects {
		if o.Status != maintenance.StatusMissing {
			t.Errorf("after --delete %s is %s", o.Name, o.Status)
		}
	}
	for _, args := range [][]string{{"objects", "vpc-nothex"}, {"objects", "--delete"}, {"objects", testcloud.SG, "--yes"}} {
		if got := invoke(append(args, "--midonet-url", url)...); got.code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, got.code, exitUsage)
		}
	}
}

func TestGatewaysThroughTheCLI(t *testing.T) {
	url, _ := startCloud(t)
	got := invoke("gateways", "--midonet-url", url)
	for _, want := range []string{"eucart as 64512: 1 uplinks", "10.116.133.11/17", "binding: gw-22:em1.116, host alive",
		"bgp peer 10.116.133.173 as 65000", "bgp network 198.51.100.0/24"} {
		if !strings.Contains(got.stdout, want) {
			t.Errorf("gateways lacks %q:\n%s%s", want, got.stdout, got.stderr)
		}
	}
	var g maintenance.Gateways
	must(t, json.Unmarshal([]byte(invoke("gateways", "--midonet-url", url, "-o", "json").stdout), &g))
	if len(g.Uplinks) != 1 || !g.Uplinks[0].HostAlive || !g.Uplinks[0].InPortGroup || !g.Uplinks[0].InterfaceFound {
		t.Errorf("uplinks = %+v", g.Uplinks)
	}
}

func TestTunnelZoneCreate(t *testing.T) {
	url, c := startCloud(t)
	got := invoke("tunnel-zone", "create", "--name", "euca-vx", "--type", "vxlan", "--hosts", "node-70,node-spare=192.168.5.80", "--midonet-url", url)
	if got.code != exitOK || !strings.Contains(got.stdout, "tunnel zone euca-vx (vxlan) created") ||
		!strings.Contains(got.stdout, "added  node-70 10.111.5.70") || !strings.Contains(got.stdout, "added  node-spare 192.168.5.80") {
		t.Fatalf("exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	again := invoke("tunnel-zone", "create", "--name", "euca-vx", "--type", "vxlan", "--hosts", "node-70", "--midonet-url", url)
	if again.code != exitOK || !strings.Contains(again.stdout, "exists") || !strings.Contains(again.stdout, "member node-70") {
		t.Errorf("again: exit %d\n%s%s", again.code, again.stdout, again.stderr)
	}
	zones, err := c.ListTunnelZones(context.Background())
	must(t, err)
	n := 0
	for _, z := range zones {
		if z.Name == "euca-vx" {
			n++
			members, err := c.ListTunnelZoneHosts(context.Background(), z.ID)
			must(t, err)
			if len(members) != 2 {
				t.Errorf("members = %+v", members)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d zones named euca-vx", n)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--name", "mido-tz", "--type", "vxlan"}, exitError, "tunnel zone mido-tz exists with type gre, not vxlan"},
		{[]string{"--name", "z", "--hosts", "nosuchhost"}, exitError, `no MidoNet host is named "nosuchhost"`},
		{[]string{"--name", "z", "--hosts", "node-spare"}, exitError, "host node-spare has 2 addresses (10.111.5.80, 192.168.5.80): give --interface DEV or HOST=IP"},
		{[]string{"--name", "z", "--type", "ipsec"}, exitUsage, `--type "ipsec": want gre or vxlan`},
	} {
		got := invoke(append(append([]string{"tunnel-zone", "create"}, tc.args...), "--midonet-url", url)...)
		if got.code != tc.code || !strings.Contains(got.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, got.code, got.stderr, tc.code, tc.want)
		}
	}
	if got := invoke("tunnel-zone", "--midonet-url", url); got.code != exitUsage {
		t.Errorf("no verb: exit %d", got.code)
	}
}

// TestReadOnlyCommandsFromASnapshot: check, objects and gateways read a snapshot file as they
// read MidoNet, and refuse to delete from one.
func TestReadOnlyCommandsFromASnapshot(t *testing.T) {
	url, c := startCloud(t)
	ctx := context.Background()
	bridges, err := c.ListBridges(ctx, testcloud.Tenant)
	must(t, err)
	for _, b := range bridges {
		if b.Name == "eucabr" {
			_, err := c.CreateBridgePort(ctx, b.ID, &midonet.Port{})
			must(t, err)
		}
	}
	_, err = c.CreateChain(ctx, &midonet.Chain{Name: "ic_i-0badf00d_prechain"})
	must(t, err)
	file := filepath.Join(t.TempDir(), "snap.json")
	if got := invoke("snapshot", "--midonet-url", url, "-o", file); got.code != exitOK {
		t.Fatalf("snapshot: exit %d: %s", got.code, got.stderr)
	}
	for _, args := range [][]string{{"check"}, {"objects"}, {"objects", testcloud.Instance}, {"objects", testcloud.VPC}, {"gateways"}} {
		live := invoke(append(args, "--midonet-url", url)...)
		offline := invoke(append(args, "--snapshot", file)...)
		if live.code != exitOK || offline.code != exitOK || offline.stdout != live.stdout {
			t.Errorf("%v: live (exit %d):\n%s\nfrom the snapshot (exit %d, %s):\n%s", args, live.code, live.stdout, offline.code, offline.stderr, offline.stdout)
		}
	}
	if got := invoke("check", "--snapshot", file); !strings.Contains(got.stdout, "unreferenced chain: chain ic_i-0badf00d_prechain") {
		t.Errorf("check --snapshot:\n%s", got.stdout)
	}
	for _, args := range [][]string{{"check", "--repair"}, {"objects", testcloud.SG, "--delete"}} {
		got := invoke(append(args, "--snapshot", file)...)
		if got.code != exitUsage || !strings.Contains(got.stderr, "--snapshot only reads") {
			t.Errorf("%v --snapshot: exit %d, stderr %q", args, got.code, got.stderr)
		}
	}
}
