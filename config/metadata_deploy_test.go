package config_test

import (
	"context"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/metadata/mapping"
	"github.com/midovpc/midovpc/internal/testenv"
)

func renderMetadata(t *testing.T) []*unstructured.Unstructured {
	t.Helper()
	resMap, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), "metadata")
	if err != nil {
		t.Fatalf("kustomize build config/metadata: %v", err)
	}
	var objs []*unstructured.Unstructured
	for _, r := range resMap.Resources() {
		data, err := r.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(data); err != nil {
			t.Fatal(err)
		}
		objs = append(objs, u)
	}
	return objs
}

// TestMetadataProxyDaemonSetHasLeastPrivilege: pinned to the metadata host, host network,
// root with only NET_ADMIN and NET_BIND_SERVICE, nothing else.
func TestMetadataProxyDaemonSetHasLeastPrivilege(t *testing.T) {
	var ds *unstructured.Unstructured
	for _, o := range renderMetadata(t) {
		if o.GetKind() == "DaemonSet" {
			ds = o
		}
	}
	if ds == nil {
		t.Fatal("config/metadata renders no DaemonSet")
	}
	spec, _, _ := unstructured.NestedMap(ds.Object, "spec", "template", "spec")
	if sel, _ := spec["nodeSelector"].(map[string]any); sel["vpc.midovpc.io/metadata-host"] != "true" {
		t.Errorf("node selector = %v", spec["nodeSelector"])
	}
	if spec["hostNetwork"] != true || spec["hostPID"] == true || spec["hostIPC"] == true {
		t.Errorf("hostNetwork %v hostPID %v hostIPC %v", spec["hostNetwork"], spec["hostPID"], spec["hostIPC"])
	}
	if vols, _ := spec["volumes"].([]any); len(vols) > 0 {
		t.Errorf("volumes: %v", spec["volumes"])
	}
	c := spec["containers"].([]any)[0].(map[string]any)
	sc := c["securityContext"].(map[string]any)
	caps := sc["capabilities"].(map[string]any)
	add := toStrings(caps["add"])
	slices.Sort(add)
	if !slices.Equal(add, []string{"NET_ADMIN", "NET_BIND_SERVICE"}) || !slices.Equal(toStrings(caps["drop"]), []string{"ALL"}) {
		t.Errorf("capabilities = %v", caps)
	}
	if sc["privileged"] == true || sc["allowPrivilegeEscalation"] != false || sc["readOnlyRootFilesystem"] != true {
		t.Errorf("security context = %v", sc)
	}
	for _, probe := range []string{"livenessProbe", "readinessProbe", "resources"} {
		if _, ok := c[probe]; !ok {
			t.Errorf("container has no %s", probe)
		}
	}
}

// TestMetadataProxyRBACIsEnoughToWatch applies config/metadata to a real API server and runs
// the interface watch as the proxy's ServiceAccount: it can read what it needs and nothing more.
func TestMetadataProxyRBACIsEnoughToWatch(t *testing.T) {
	env, err := testenv.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = env.Stop() }()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, ns := range []string{"midovpc-system", "eucalyptus-vpc"} {
		if err := env.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range renderMetadata(t) {
		o.SetManagedFields(nil)
		if err := env.Client.Patch(ctx, o, client.Apply, client.FieldOwner("deploy-test"), client.ForceOwnership); err != nil {
			t.Errorf("apply %s %s/%s: %v", o.GetKind(), o.GetNamespace(), o.GetName(), err)
		}
	}
	eni := &vpcv1.NetworkInterface{ObjectMeta: metav1.ObjectMeta{Namespace: "eucalyptus-vpc", Name: "eni-a1a1a1a1"},
		Spec: vpcv1.NetworkInterfaceSpec{Subnet: "subnet-11aa22bb", InstanceID: "i-01234567", MACAddress: "d0:0d:a1:a1:a1:a1", PrivateIP: "10.0.1.11"}}
	if err := env.Client.Create(ctx, eni); err != nil {
		t.Fatal(err)
	}
	eni.Status.MetadataIP = "255.0.0.12"
	if err := env.Client.Status().Update(ctx, eni); err != nil {
		t.Fatal(err)
	}

	asProxy := rest.CopyConfig(env.Config)
	asProxy.Impersonate = rest.ImpersonationConfig{UserName: "system:serviceaccount:midovpc-system:midovpc-metadata-proxy"}
	table := &mapping.Table{}
	w, err := mapping.NewWatcher(asProxy, "eucalyptus-vpc", table)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = w.Run(ctx) }()
	deadline := time.Now().Add(60 * time.Second)
	for table.Len() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the proxy's ServiceAccount never saw the interface")
		}
		time.Sleep(50 * time.Millisecond)
	}

	c, err := client.New(asProxy, client.Options{Scheme: env.Scheme})
	if err != nil {
		t.Fatal(err)
	}
	eni.Spec.SourceDestCheck = false
	if err := c.Update(ctx, eni); err == nil {
		t.Error("the proxy's ServiceAccount may update NetworkInterfaces")
	}
	if err := c.List(ctx, &corev1.SecretList{}, client.InNamespace("eucalyptus-vpc")); err == nil {
		t.Error("the proxy's ServiceAccount may list Secrets")
	}
}
