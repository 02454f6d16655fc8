// Package config_test checks the in-cluster deployment: config/default renders with kustomize
// and a real API server accepts every object it renders.
package config_test

import (
	"context"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/midovpc/midovpc/internal/testenv"
)

func render(t *testing.T) []*unstructured.Unstructured {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	resMap, err := k.Run(filesys.MakeFsOnDisk(), "default")
	if err != nil {
		t.Fatalf("kustomize build config/default: %v", err)
	}
	var objs []*unstructured.Unstructured
	for _, r := range resMap.Resources() {
		data, err := r.MarshalJSON()
		if err != nil {
			t.Fatalf("resource %s: %v", r.CurId(), err)
		}
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(data); err != nil {
			t.Fatalf("resource %s: %v", r.CurId(), err)
		}
		objs = append(objs, u)
	}
	return objs
}

func TestDefaultRendersWhatADeploymentNeeds(t *testing.T) {
	objs := render(t)
	kinds := map[string]int{}
	for _, o := range objs {
		kinds[o.GetKind()]++
	}
	want := map[string]int{
		"CustomResourceDefinition": 11, "Namespace": 1, "ServiceAccount": 1, "ClusterRole": 2,
		"ClusterRoleBinding": 1, "Role": 1, "RoleBinding": 1, "Deployment": 1, "Service": 1,
	}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%s: rendered %d, want %d", k, kinds[k], n)
		}
	}
	for _, o := range objs {
		if o.GetKind() != "Deployment" {
			continue
		}
		if o.GetNamespace() != "midovpc-system" {
			t.Errorf("deployment namespace %q", o.GetNamespace())
		}
		containers, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "containers")
		c := containers[0].(map[string]any)
		sc := c["securityContext"].(map[string]any)
		if sc["readOnlyRootFilesystem"] != true || sc["runAsNonRoot"] != true || sc["allowPrivilegeEscalation"] != false {
			t.Errorf("container security context is not locked down: %v", sc)
		}
		if _, ok := c["resources"].(map[string]any)["limits"]; !ok {
			t.Error("container has no resource limits")
		}
		for _, probe := range []string{"livenessProbe", "readinessProbe"} {
			if _, ok := c[probe]; !ok {
				t.Errorf("container has no %s", probe)
			}
		}
		if !strings.Contains(strings.Join(toStrings(c["args"]), " "), "--leader-elect") {
			t.Error("leader election is not on")
		}
	}
}

func toStrings(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}

func TestRenderedManifestsAreAccepted(t *testing.T) {
	env, err := testenv.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = env.Stop() }()
	ctx := context.Background()
	objs := render(t)
	// Namespaces and CRDs first, as kubectl apply would need them.
	order := func(o *unstructured.Unstructured) int {
		switch o.GetKind() {
		case "Namespace", "CustomResourceDefinition":
			return 0
		}
		return 1
	}
	for pass := 0; pass < 2; pass++ {
		for _, o := range objs {
			if order(o) != pass {
				continue
			}
			o.SetManagedFields(nil)
			if err := env.Client.Patch(ctx, o, client.Apply, client.FieldOwner("deploy-test"), client.ForceOwnership); err != nil {
				t.Errorf("apply %s %s/%s: %v", o.GetKind(), o.GetNamespace(), o.GetName(), err)
			}
		}
	}
}
