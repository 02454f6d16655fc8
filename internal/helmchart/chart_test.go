package helmchart_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/v2/lint"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/engine"
	"helm.sh/helm/v4/pkg/strvals"
	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/midovpc/midovpc/internal/helmchart"
	"github.com/midovpc/midovpc/internal/testenv"
)

func chartDir(t *testing.T) (root, dir string) {
	t.Helper()
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root, filepath.Join(root, "dist", "chart")
}

// TestChartIsCurrent fails when config/ changed and dist/chart was not regenerated.
func TestChartIsCurrent(t *testing.T) {
	root, dir := chartDir(t)
	want, err := helmchart.Generate(root)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		have[rel] = true
		got, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if w, ok := want[rel]; !ok {
			t.Errorf("dist/chart/%s is not generated from config/default (run 'make helm')", rel)
		} else if !bytes.Equal(got, w) {
			t.Errorf("dist/chart/%s is stale (run 'make helm')", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range helmchart.Files(want) {
		if !have[name] {
			t.Errorf("dist/chart/%s is missing (run 'make helm')", name)
		}
	}
}

// TestChartLints runs helm lint's rules (Chart.yaml, values, every template, the CRDs).
func TestChartLints(t *testing.T) {
	_, dir := chartDir(t)
	res := lint.RunAll(dir, nil, "midovpc-system")
	for _, m := range res.Messages {
		if m.Severity >= support.WarningSev {
			t.Errorf("helm lint: %s", m)
		}
	}
}

// render is helm template: the chart with values set as --set would set them.
func render(t *testing.T, namespace string, set ...string) []*unstructured.Unstructured {
	t.Helper()
	_, dir := chartDir(t)
	ch, err := loader.Load(dir)
	if err != nil {
		t.Fatalf("load chart: %v", err)
	}
	vals := map[string]any{}
	for _, s := range set {
		if err := strvals.ParseInto(s, vals); err != nil {
			t.Fatalf("--set %s: %v", s, err)
		}
	}
	top, err := util.ToRenderValues(ch, vals, common.ReleaseOptions{
		Name: "midovpc", Namespace: namespace, IsInstall: true, Revision: 1}, nil)
	if err != nil {
		t.Fatalf("values: %v", err)
	}
	out, err := engine.Render(ch, top)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	names := make([]string, 0, len(out))
	for n := range out {
		names = append(names, n)
	}
	sort.Strings(names)
	var objs []*unstructured.Unstructured
	for _, n := range names {
		if !strings.HasSuffix(n, ".yaml") {
			continue
		}
		r := utilyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(out[n])))
		for {
			doc, err := r.Read()
			if err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", n, err)
			}
			data, err := yaml.YAMLToJSON(doc)
			if err != nil {
				t.Fatalf("%s does not parse: %v\n%s", n, err, out[n])
			}
			if string(data) == "null" {
				continue // a template switched off
			}
			u := &unstructured.Unstructured{}
			if err := u.UnmarshalJSON(data); err != nil {
				t.Fatalf("%s: %v", n, err)
			}
			objs = append(objs, u)
		}
	}
	return objs
}

func renderDefault(t *testing.T) []*unstructured.Unstructured {
	t.Helper()
	root, _ := chartDir(t)
	objs, err := helmchart.RenderKustomization(filepath.Join(root, "config", "default"))
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

func key(o *unstructured.Unstructured) string {
	return o.GetKind() + " " + o.GetNamespace() + "/" + o.GetName()
}

// TestDefaultValuesGiveConfigDefault: with its default values, in midovpc-system, the chart
// renders exactly what kubectl apply -k config/default applies, but for Helm's labels, the
// CRDs' keep policy and the Namespace (helm install --create-namespace makes it).
func TestDefaultValuesGiveConfigDefault(t *testing.T) {
	chart := map[string]*unstructured.Unstructured{}
	for _, o := range render(t, helmchart.Namespace) {
		labels := o.GetLabels()
		for _, l := range []string{"helm.sh/chart", "app.kubernetes.io/managed-by", "app.kubernetes.io/instance", "app.kubernetes.io/version"} {
			if labels[l] == "" {
				t.Errorf("%s lacks the label %s", key(o), l)
			}
			delete(labels, l)
		}
		o.SetLabels(labels)
		if o.GetKind() == "CustomResourceDefinition" {
			ann := o.GetAnnotations()
			if ann["helm.sh/resource-policy"] != "keep" {
				t.Errorf("%s: uninstalling the chart would delete every resource of the kind", key(o))
			}
			delete(ann, "helm.sh/resource-policy")
			o.SetAnnotations(ann)
		}
		chart[key(o)] = o
	}
	for _, want := range renderDefault(t) {
		if want.GetKind() == "Namespace" {
			continue
		}
		got, ok := chart[key(want)]
		if !ok {
			t.Errorf("the chart lacks %s", key(want))
			continue
		}
		delete(chart, key(want))
		if !reflect.DeepEqual(got.Object, want.Object) {
			g, _ := got.MarshalJSON()
			w, _ := want.MarshalJSON()
			i := 0
			for i < len(g) && i < len(w) && g[i] == w[i] {
				i++
			}
			from := max(0, i-80)
			t.Errorf("%s differs from config/default at byte %d:\nchart:  …%s\nconfig: …%s", key(want), i,
				g[from:min(len(g), i+80)], w[from:min(len(w), i+80)])
		}
	}
	for k := range chart {
		t.Errorf("the chart renders %s, which config/default does not", k)
	}
}

func find(objs []*unstructured.Unstructured, kind, name string) *unstructured.Unstructured {
	for _, o := range objs {
		if o.GetKind() == kind && o.GetName() == name {
			return o
		}
	}
	return nil
}

func managerContainer(t *testing.T, objs []*unstructured.Unstructured) map[string]any {
	t.Helper()
	d := find(objs, "Deployment", "midovpc-controller-manager")
	if d == nil {
		t.Fatal("no Deployment midovpc-controller-manager")
	}
	containers, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "containers")
	return containers[0].(map[string]any)
}

func args(c map[string]any) string {
	var out []string
	for _, a := range c["args"].([]any) {
		out = append(out, a.(string))
	}
	return strings.Join(out, " ")
}

var custom = []string{
	"controllerManager.image.repository=registry.example/midovpc/manager",
	"controllerManager.image.tag=v9.9.9",
	"controllerManager.replicas=1",
	`controllerManager.nodeSelector.kubernetes\.io/hostname=clc-1`,
	"controllerManager.resources.limits.memory=1Gi",
	"controllerManager.extraArgs={--resync-period=10m}",
	"midonet.url=https://midonet.example:8181/midonet-api",
	"vpcNamespace=cloud-a",
	"leaderElection.enable=false",
	"metrics.enable=false",
}

// TestCustomValues: what a user sets with --set reaches the manifests, and switching leader
// election and metrics off removes their flags, roles and Service.
func TestCustomValues(t *testing.T) {
	objs := render(t, "net-ops", custom...)
	d := find(objs, "Deployment", "midovpc-controller-manager")
	if d.GetNamespace() != "net-ops" {
		t.Errorf("Deployment in %q, want the release namespace net-ops", d.GetNamespace())
	}
	if n, _, _ := unstructured.NestedInt64(d.Object, "spec", "replicas"); n != 1 {
		t.Errorf("replicas %d, want 1", n)
	}
	if sel, _, _ := unstructured.NestedStringMap(d.Object, "spec", "template", "spec", "nodeSelector"); sel["kubernetes.io/hostname"] != "clc-1" {
		t.Errorf("nodeSelector %v", sel)
	}
	c := managerContainer(t, objs)
	if c["image"] != "registry.example/midovpc/manager:v9.9.9" {
		t.Errorf("image %v", c["image"])
	}
	if m, _, _ := unstructured.NestedString(c, "resources", "limits", "memory"); m != "1Gi" {
		t.Errorf("memory limit %q, want 1Gi", m)
	}
	a := args(c)
	for _, want := range []string{"--midonet-url=https://midonet.example:8181/midonet-api", "--namespace=cloud-a",
		"--metrics-bind-address=0", "--resync-period=10m"} {
		if !strings.Contains(a, want) {
			t.Errorf("args %q lack %s", a, want)
		}
	}
	if strings.Contains(a, "--leader-elect") {
		t.Errorf("leader election is on: %s", a)
	}
	for _, gone := range [][2]string{{"Service", "midovpc-controller-manager-metrics"},
		{"Role", "midovpc-leader-election-role"}, {"ClusterRole", "midovpc-metrics-reader"}} {
		if find(objs, gone[0], gone[1]) != nil {
			t.Errorf("%s %s rendered though switched off", gone[0], gone[1])
		}
	}
	b := find(objs, "ClusterRoleBinding", "midovpc-manager-rolebinding")
	subjects, _, _ := unstructured.NestedSlice(b.Object, "subjects")
	if ns := subjects[0].(map[string]any)["namespace"]; ns != "net-ops" {
		t.Errorf("the manager's binding names its ServiceAccount in %v, want net-ops", ns)
	}
}

// TestChartInstallsOnEnvtest server-side applies the chart, with default values and then with
// custom ones in another namespace, to a real API server, reads back what matters and asks its
// authorizer about the manager's and the users' access.
func TestChartInstallsOnEnvtest(t *testing.T) {
	env, err := testenv.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = env.Stop() }()
	ctx := context.Background()
	for _, tc := range []struct {
		namespace, image string
		set              []string
	}{
		{"midovpc-system", "midovpc/manager:v0.1.0", nil},
		{"net-ops", "registry.example/midovpc/manager:v9.9.9", custom},
	} {
		t.Run(tc.namespace, func(t *testing.T) {
			ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace",
				"metadata": map[string]any{"name": tc.namespace}}}
			apply(t, env.Client, ns)
			objs := render(t, tc.namespace, tc.set...)
			for pass := 0; pass < 2; pass++ { // CRDs first
				for _, o := range objs {
					if (o.GetKind() == "CustomResourceDefinition") == (pass == 0) {
						apply(t, env.Client, o)
					}
				}
			}
			if t.Failed() {
				return
			}
			d := &unstructured.Unstructured{}
			d.SetAPIVersion("apps/v1")
			d.SetKind("Deployment")
			if err := env.Client.Get(ctx, client.ObjectKey{Namespace: tc.namespace, Name: "midovpc-controller-manager"}, d); err != nil {
				t.Fatal(err)
			}
			containers, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "containers")
			c := containers[0].(map[string]any)
			if c["image"] != tc.image {
				t.Errorf("image %v, want %s", c["image"], tc.image)
			}
			if nonRoot, _, _ := unstructured.NestedBool(c, "securityContext", "runAsNonRoot"); !nonRoot {
				t.Error("the container may run as root")
			}
			if ro, _, _ := unstructured.NestedBool(c, "securityContext", "readOnlyRootFilesystem"); !ro {
				t.Error("the root filesystem is writable")
			}
			for probe, path := range map[string]string{"livenessProbe": "/healthz", "readinessProbe": "/readyz"} {
				if p, _, _ := unstructured.NestedString(c, probe, "httpGet", "path"); p != path {
					t.Errorf("%s path %q, want %s", probe, p, path)
				}
			}
			manager := "system:serviceaccount:" + tc.namespace + ":midovpc-controller-manager"
			for _, a := range []struct {
				user, verb, group, resource, ns string
				allowed                         bool
			}{
				{manager, "patch", "vpc.midovpc.io", "vpcs", "cloud-a", true},
				{manager, "update", "vpc.midovpc.io", "corenetworks/status", "", true},
				{manager, "create", "", "namespaces", "", false},
				{manager, "get", "", "secrets", tc.namespace, false},
				{manager, "patch", "", "configmaps", tc.namespace, true},
				{manager, "patch", "", "configmaps", "kube-system", false},
			} {
				res, sub, _ := strings.Cut(a.resource, "/")
				sar := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
					User: a.user, ResourceAttributes: &authorizationv1.ResourceAttributes{
						Verb: a.verb, Group: a.group, Resource: res, Subresource: sub, Namespace: a.ns}}}
				if err := env.Client.Create(ctx, sar); err != nil {
					t.Fatal(err)
				}
				if sar.Status.Allowed != a.allowed {
					t.Errorf("%s %s %s in %q: allowed=%v, want %v", a.user, a.verb, a.resource, a.ns, sar.Status.Allowed, a.allowed)
				}
			}
			// The user roles aggregate into the built-in ones (kube-controller-manager does the
			// aggregation; envtest does not run it, so check the labels it reads).
			for name, label := range map[string]string{"midovpc-vpc-editor": "rbac.authorization.k8s.io/aggregate-to-edit",
				"midovpc-vpc-viewer": "rbac.authorization.k8s.io/aggregate-to-view"} {
				r := &unstructured.Unstructured{}
				r.SetAPIVersion("rbac.authorization.k8s.io/v1")
				r.SetKind("ClusterRole")
				if err := env.Client.Get(ctx, client.ObjectKey{Name: name}, r); err != nil {
					t.Errorf("ClusterRole %s: %v", name, err)
				} else if r.GetLabels()[label] != "true" {
					t.Errorf("%s lacks %s", name, label)
				}
			}
		})
	}
}

func apply(t *testing.T, c client.Client, o *unstructured.Unstructured) {
	t.Helper()
	if err := c.Apply(context.Background(), client.ApplyConfigurationFromUnstructured(o),
		client.FieldOwner("helm-chart-test"), client.ForceOwnership); err != nil {
		t.Errorf("apply %s: %v", key(o), err)
	}
}
