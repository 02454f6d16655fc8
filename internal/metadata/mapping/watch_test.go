package mapping_test

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/metadata/mapping"
	"github.com/midovpc/midovpc/internal/testenv"
)

// eventually polls cond until it holds, failing after a generous bound (the watch takes
// milliseconds; the bound only stops a broken test from hanging).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestWatchFollowsNetworkInterfaces runs the watch against a real API server: an interface
// whose status gets a metadata address is mapped (and written to the map file), and a deleted
// one stops being mapped.
func TestWatchFollowsNetworkInterfaces(t *testing.T) {
	env, err := testenv.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := env.Client
	ns := "eucalyptus-vpc"
	must(t, c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}))
	must(t, c.Create(ctx, &vpcv1.Subnet{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "subnet-11aa22bb"},
		Spec: vpcv1.SubnetSpec{VPC: "vpc-0a1b2c3d", CIDR: "10.0.1.0/24"}}))
	eni := &vpcv1.NetworkInterface{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "eni-a1a1a1a1"},
		Spec: vpcv1.NetworkInterfaceSpec{Subnet: "subnet-11aa22bb", InstanceID: "i-01234567", MACAddress: "d0:0d:a1:a1:a1:a1", PrivateIP: "10.0.1.11"}}
	must(t, c.Create(ctx, eni))
	// Another namespace is not ours.
	must(t, c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "other"}}))
	other := &vpcv1.NetworkInterface{ObjectMeta: metav1.ObjectMeta{Namespace: "other", Name: "eni-b2b2b2b2"},
		Spec: vpcv1.NetworkInterfaceSpec{Subnet: "subnet-11aa22bb", MACAddress: "d0:0d:b2:b2:b2:b2", PrivateIP: "10.0.1.12"}}
	must(t, c.Create(ctx, other))
	other.Status.MetadataIP = "255.0.0.13"
	must(t, c.Status().Update(ctx, other))
	must(t, c.Create(ctx, &vpcv1.CoreNetwork{ObjectMeta: metav1.ObjectMeta{Name: vpcv1.CoreNetworkName},
		Spec: vpcv1.CoreNetworkSpec{EnabledCLCIP: "10.111.5.11", InstanceDNSServers: []vpcv1.IPv4{"10.111.1.53"}}}))

	table := &mapping.Table{}
	w, err := mapping.NewWatcher(env.Config, ns, table)
	if err != nil {
		t.Fatal(err)
	}
	w.IntipMap = filepath.Join(t.TempDir(), "eucanetd_intip_eni_map")
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	eventually(t, "the watch syncs", w.Synced)
	if _, ok := table.Lookup(netip.MustParseAddr("255.0.0.12")); ok {
		t.Fatal("an interface without a metadata address is mapped")
	}
	eventually(t, "the CoreNetwork's CLC and DNS are read", func() bool {
		cl := w.Cloud()
		return cl.CLC == netip.MustParseAddr("10.111.5.11") && len(cl.DNS) == 1 && cl.DNS[0] == netip.MustParseAddr("10.111.1.53")
	})

	eni.Status.MetadataIP = "255.0.0.12"
	must(t, c.Status().Update(ctx, eni))
	eventually(t, "255.0.0.12 maps to i-01234567", func() bool {
		i, ok := table.Lookup(netip.MustParseAddr("255.0.0.12"))
		return ok && i.Name == "i-01234567" && i.PrivateIP == netip.MustParseAddr("10.0.1.11") && i.VPC == "vpc-0a1b2c3d"
	})
	eventually(t, "the map file holds its line", func() bool {
		b, _ := os.ReadFile(w.IntipMap)
		return string(b) == "255.0.0.12 i-01234567 vpc-0a1b2c3d subnet-11aa22bb\n"
	})
	if _, ok := table.Lookup(netip.MustParseAddr("255.0.0.13")); ok {
		t.Error("an interface of another namespace is mapped")
	}

	must(t, c.Delete(ctx, eni))
	eventually(t, "the deleted interface stops mapping", func() bool {
		_, ok := table.Lookup(netip.MustParseAddr("255.0.0.12"))
		return !ok
	})
	eventually(t, "the map file is emptied", func() bool {
		b, err := os.ReadFile(w.IntipMap)
		return err == nil && len(b) == 0
	})
	cancel()
	if err := <-done; err != nil {
		t.Errorf("watch ended with %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
