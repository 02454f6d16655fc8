package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/midovpc/midovpc/internal/endpoint"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	"github.com/midovpc/midovpc/internal/testenv"
)

// TestTopologyFindsTheManagersMidoNet: without --midonet-url, the plugin reads the URL and
// tenant the manager published, through the kubeconfig, as `kubectl midovpc` would.
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

	// The flags still win: another tenant, and another URL.
	if got := invoke("topology", "--tenant", "someone_else"); !strings.Contains(got.stdout, "tenant someone_else") {
		t.Errorf("--tenant: exit %d, stdout %s, stderr %s", got.code, got.stdout, got.stderr)
	}
	if got := invoke("topology", "--midonet-url", "http://127.0.0.1:1/midonet-api"); got.code != exitError ||
		!strings.Contains(got.stderr, "cannot reach MidoNet at http://127.0.0.1:1/midonet-api") {
		t.Errorf("--midonet-url: exit %d, stderr %s", got.code, got.stderr)
	}
}
