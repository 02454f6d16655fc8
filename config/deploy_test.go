// Package config_test checks the in-cluster deployment: config/default renders with kustomize
// and a real API server accepts every object it renders.
package config_test

import (
	"context"
	"strings"
	"testing"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
		"CustomResourceDefinition": 11, "Namespace": 1, "ServiceAccount": 1, "ClusterRole": 5,
		"ClusterRoleBinding": 2, "Role": 2, "RoleBinding": 2, "Deployment": 1, "Service": 1,
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
		if image, _ := c["image"].(string); image != "midovpc/manager:v0.1.0" {
			t.Errorf("image %q, want the pinned midovpc/manager:v0.1.0", image)
		}
		args := strings.Join(toStrings(c["args"]), " ")
		if !strings.Contains(args, "--leader-elect") {
			t.Error("leader election is not on")
		}
		if !strings.Contains(args, "--metrics-secure") || strings.Contains(args, "--metrics-secure=false") {
			t.Errorf("metrics are not served over HTTPS with authentication: %s", args)
		}
		env, _, _ := unstructured.NestedSlice(c, "env")
		if len(env) == 0 || env[0].(map[string]any)["name"] != "POD_NAMESPACE" {
			t.Errorf("the manager does not know its namespace (to publish its MidoNet endpoint): %v", env)
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
			if err := env.Client.Apply(ctx, client.ApplyConfigurationFromUnstructured(o), client.FieldOwner("deploy-test"), client.ForceOwnership); err != nil {
				t.Errorf("apply %s %s/%s: %v", o.GetKind(), o.GetNamespace(), o.GetName(), err)
			}
		}
	}
	if t.Failed() {
		return
	}
	t.Run("RBAC grants what the manager and its users need, and no more", func(t *testing.T) {
		checkRBAC(t, env.Client)
	})
}

// access is one question to the API server's authorizer.
type access struct {
	user                           string
	verb, group, resource, ns, url string
	allowed                        bool
}

func checkRBAC(t *testing.T, c client.Client) {
	ctx := context.Background()
	// Bindings an administrator would make: Prometheus reads metrics; alice edits VPC objects
	// in team-a. The built-in edit and view roles aggregate midovpc's only through
	// kube-controller-manager, which the test control plane does not run: bind them directly.
	for _, b := range []client.Object{
		&rbacv1.ClusterRoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "prometheus-metrics"},
			RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "midovpc-metrics-reader"},
			Subjects:   []rbacv1.Subject{{Kind: "User", Name: "prometheus"}},
		},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}},
		&rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "alice-vpc-editor", Namespace: "team-a"},
			RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "midovpc-vpc-editor"},
			Subjects:   []rbacv1.Subject{{Kind: "User", Name: "alice"}},
		},
		&rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "bob-vpc-viewer", Namespace: "team-a"},
			RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "midovpc-vpc-viewer"},
			Subjects:   []rbacv1.Subject{{Kind: "User", Name: "bob"}},
		},
	} {
		if err := c.Create(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	manager := "system:serviceaccount:midovpc-system:midovpc-controller-manager"
	for _, a := range []access{
		{user: manager, verb: "patch", group: "vpc.midovpc.io", resource: "vpcs", ns: "eucalyptus-vpc", allowed: true},
		{user: manager, verb: "update", group: "vpc.midovpc.io", resource: "corenetworks/status", allowed: true},
		{user: manager, verb: "get", resource: "namespaces", allowed: true},
		{user: manager, verb: "create", resource: "namespaces", allowed: false},
		{user: manager, verb: "get", resource: "secrets", ns: "midovpc-system", allowed: false},
		{user: manager, verb: "create", group: "authentication.k8s.io", resource: "tokenreviews", allowed: true},
		{user: manager, verb: "create", group: "authorization.k8s.io", resource: "subjectaccessreviews", allowed: true},
		{user: manager, verb: "patch", resource: "configmaps", ns: "midovpc-system", allowed: true},
		{user: manager, verb: "patch", resource: "configmaps", ns: "kube-system", allowed: false},
		{user: "prometheus", verb: "get", url: "/metrics", allowed: true},
		{user: "nobody", verb: "get", url: "/metrics", allowed: false},
		{user: "alice", verb: "create", group: "vpc.midovpc.io", resource: "vpcs", ns: "team-a", allowed: true},
		{user: "alice", verb: "delete", group: "vpc.midovpc.io", resource: "securitygroups", ns: "team-a", allowed: true},
		{user: "alice", verb: "update", group: "vpc.midovpc.io", resource: "vpcs/status", ns: "team-a", allowed: false},
		{user: "alice", verb: "create", group: "vpc.midovpc.io", resource: "vpcs", ns: "team-b", allowed: false},
		{user: "bob", verb: "list", group: "vpc.midovpc.io", resource: "networkinterfaces", ns: "team-a", allowed: true},
		{user: "bob", verb: "create", group: "vpc.midovpc.io", resource: "vpcs", ns: "team-a", allowed: false},
	} {
		sar := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{User: a.user}}
		if a.url != "" {
			sar.Spec.NonResourceAttributes = &authorizationv1.NonResourceAttributes{Path: a.url, Verb: a.verb}
		} else {
			group, sub, _ := strings.Cut(a.resource, "/")
			sar.Spec.ResourceAttributes = &authorizationv1.ResourceAttributes{
				Verb: a.verb, Group: a.group, Resource: group, Subresource: sub, Namespace: a.ns}
		}
		if err := c.Create(ctx, sar); err != nil {
			t.Fatal(err)
		}
		if sar.Status.Allowed != a.allowed {
			t.Errorf("%s %s %s%s in %q: allowed=%v, want %v", a.user, a.verb, a.resource, a.url, a.ns, sar.Status.Allowed, a.allowed)
		}
	}
}

func TestUserRolesAggregateIntoTheBuiltInRoles(t *testing.T) {
	want := map[string]string{
		"midovpc-vpc-editor": "rbac.authorization.k8s.io/aggregate-to-edit",
		"midovpc-vpc-viewer": "rbac.authorization.k8s.io/aggregate-to-view",
	}
	for _, o := range render(t) {
		if label, ok := want[o.GetName()]; ok && o.GetKind() == "ClusterRole" {
			if o.GetLabels()[label] != "true" {
				t.Errorf("%s lacks %s", o.GetName(), label)
			}
			delete(want, o.GetName())
		}
	}
	if len(want) > 0 {
		t.Errorf("missing ClusterRoles %v", want)
	}
}
