package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/endpoint"
	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	"github.com/midovpc/midovpc/internal/testenv"
)

// TestTopologyFindsTheManagersMidoNet: without --midonet-url, the plugin reads the URL and
// tenant the manager published, through the kubeconfig, as `kubectl midovpc` would; so do
// trace and reachability, which also read a snapshot.
func TestTopologyFindsTheManagersMidoNet(t *testing.T) {
	env, err := testenv.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	kc, err := env.Kubeconfig()
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kubeconfig, kc, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(midonetURLEnv, "")
	t.Setenv("KUBECONFIG", kubeconfig)

	// Before the manager has published anything: a usage error that says where it looked.
	got := invoke("topology")
	if got.code != exitUsage || !strings.Contains(got.stderr, "--midonet-url is required") ||
		!strings.Contains(got.stderr, "midovpc-system/midovpc-midonet") {
		t.Errorf("nothing published: exit %d, stderr %s", got.code, got.stderr)
	}

	// The commands that read a snapshot or MidoNet say both, and where they looked.
	for _, args := range [][]string{{"trace", "--from", "203.0.113.5", "--to", "10.116.150.11"}, {"reachability"}} {
		got := invoke(args...)
		if got.code != exitUsage || !strings.Contains(got.stderr, "--midonet-url or --snapshot is required") ||
			!strings.Contains(got.stderr, "midovpc-system/midovpc-midonet") {
			t.Errorf("%s, nothing published: exit %d, stderr %s", args[0], got.code, got.stderr)
		}
	}

	ctx := context.Background()
	url := startMidoNet(t, sim.Options{})
	if err := env.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: endpoint.DefaultNamespace}}); err != nil {
		t.Fatal(err)
	}
	if err := endpoint.Publish(ctx, env.Client, endpoint.DefaultNamespace, endpoint.Endpoint{URL: url, Tenant: "euca_tenant_1"}); err != nil {
		t.Fatal(err)
	}
	got = invoke("topology")
	if got.code != exitOK || !strings.Contains(got.stdout, "tenant euca_tenant_1 (MidoNet v5.0)") || !strings.Contains(got.stdout, "└── eucart\n") {
		t.Errorf("published endpoint: exit %d, stdout %s, stderr %s", got.code, got.stdout, got.stderr)
	}

	// trace and reachability find it too (the published MidoNet holds no VPC: nothing to
	// reach, said as a result, not as a missing source).
	if got := invoke("reachability"); got.code != exitError || !strings.Contains(got.stderr, "no interface in MidoNet at "+url) {
		t.Errorf("reachability, published endpoint: exit %d, stdout %s, stderr %s", got.code, got.stdout, got.stderr)
	}
	if got := invoke("trace", "--from", "203.0.113.5", "--to", "10.116.150.11"); got.code != exitError ||
		!strings.Contains(got.stderr, "eucart has none") {
		t.Errorf("trace, published endpoint: exit %d, stdout %s, stderr %s", got.code, got.stdout, got.stderr)
	}

	// topology eni-…: a primary interface is named after its instance in MidoNet; its
	// NetworkInterface, read through the same kubeconfig, says which.
	mc, err := midonet.New(midonet.Config{URL: url, Tenant: "euca_tenant_1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mc.CreateChain(ctx, &midonet.Chain{Name: "ic_i-0a0a0a0a_prechain"}); err != nil {
		t.Fatal(err)
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "topology-eni"}}
	if err := env.Client.Create(ctx, ns); err != nil {
		t.Fatal(err)
	}
	eni := &vpcv1.NetworkInterface{ObjectMeta: metav1.ObjectMeta{Namespace: ns.Name, Name: "eni-0a0a0a0a"},
		Spec: vpcv1.NetworkInterfaceSpec{Subnet: "subnet-0a0a0a0a", InstanceID: "i-0a0a0a0a", MACAddress: "d0:0d:0a:0a:0a:0a",
			PrivateIP: "10.0.1.10", Node: "10.111.5.70"}}
	if err := env.Client.Create(ctx, eni); err != nil {
		t.Fatal(err)
	}
	if got := invoke("topology", "eni-0a0a0a0a"); got.code != exitOK || !strings.Contains(got.stdout, "ic_i-0a0a0a0a_prechain") {
		t.Errorf("topology of a primary interface: exit %d, stdout %s, stderr %s", got.code, got.stdout, got.stderr)
	}
	// trace takes it too, as its instance (which this MidoNet has no port for).
	if got := invoke("trace", "--from", "eni-0a0a0a0a", "--to", "8.8.8.8"); !strings.Contains(got.stderr, `--from: "i-0a0a0a0a" is neither`) {
		t.Errorf("trace from a primary interface: exit %d, stdout %s, stderr %s", got.code, got.stdout, got.stderr)
	}
	// objects, which reads MidoNet's names only, says which instance id to give.
	if got := invoke("objects", "eni-0a0a0a0a"); !strings.Contains(got.stdout, "eni-0a0a0a0a is the primary interface of i-0a0a0a0a, whose name MidoNet uses: objects i-0a0a0a0a") {
		t.Errorf("objects of a primary interface: exit %d, stdout %s, stderr %s", got.code, got.stdout, got.stderr)
	}
	if got := invoke("topology", "eni-0b0b0b0b"); got.code != exitError || !strings.Contains(got.stderr, "no NetworkInterface eni-0b0b0b0b in any namespace") {
		t.Errorf("topology of an unknown interface: exit %d, stdout %s, stderr %s", got.code, got.stdout, got.stderr)
	}

	// The flags still win: another tenant, and another URL.
	if got := invoke("topology", "--tenant", "someone_else"); !strings.Contains(got.stdout, "tenant someone_else") {
		t.Errorf("--tenant: exit %d, stdout %s, stderr %s", got.code, got.stdout, got.stderr)
	}
	if got := invoke("topology", "--midonet-url", "http://127.0.0.1:1/midonet-api"); got.code != exitError ||
		!strings.Contains(got.stderr, "cannot reach MidoNet at http://127.0.0.1:1/midonet-api") {
		t.Errorf("--midonet-url: exit %d, stderr %s", got.code, got.stderr)
	}
}
