package config_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	authv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/midovpc/midovpc/internal/chaos"
	"github.com/midovpc/midovpc/internal/globalview"
	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	"github.com/midovpc/midovpc/internal/testenv"
)

const (
	saNamespace = "midovpc-system"
	saName      = "midovpc-controller-manager"
	saUser      = "system:serviceaccount:" + saNamespace + ":" + saName
)

// auditPolicy records who did what to which resource, without bodies.
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
`

// grant is one (API group, resource[/subresource], verb) that RBAC allows or a request used.
type grant struct{ group, resource, verb string }

func (g grant) String() string {
	group := g.group
	if group == "" {
		group = "core"
	}
	return fmt.Sprintf("%s %s %s", group, g.resource, g.verb)
}

// neededButNotSeen says why a grant that no request of the run shows is needed all the same,
// or "" when nothing does.
func neededButNotSeen(g grant) string {
	switch {
	case strings.HasSuffix(g.resource, "/finalizers") && g.verb == "update":
		return "OwnerReferencesPermissionEnforcement (enabled here) checks it when the projector " +
			"sets an owner reference that blocks the owner's deletion; it is not a request of its own"
	case g.group == "vpc.midovpc.io" && g.verb == "list":
		return "informers stream their initial list through watch on this API server; list is their fallback on others"
	case g.group == "" && g.resource == "events" && g.verb == "patch":
		return "the event recorder patches an event that repeats instead of creating another"
	case g.group == "vpc.midovpc.io" && !strings.Contains(g.resource, "/") && g.verb == "update":
		return "the reconcilers add the finalizer to a resource applied with kubectl and remove it on deletion; " +
			"projected resources are created with it"
	case g.group == "vpc.midovpc.io" && g.resource == "corenetworks" && g.verb == "delete":
		return "the projector's prune covers the CoreNetwork like every projected kind"
	case g.resource == "tokenreviews" || g.resource == "subjectaccessreviews":
		return "the metrics endpoint's authentication and authorization (this run turns metrics off)"
	case g.group == "" && g.resource == "configmaps":
		return "publishing the MidoNet endpoint for kubectl-midovpc, in a pod only ($POD_NAMESPACE)"
	}
	return ""
}

// overGranted are the grants of the kubebuilder markers in controllers/rbac.go that the test's
// requests do not show but that are kept on purpose: get of single objects, which the
// global-view applier and the dev namespace finalizer make through the uncached API reader on
// paths this converge does not take. A new unused grant fails the test.
func overGranted(g grant) bool {
	return g.group == "vpc.midovpc.io" && !strings.Contains(g.resource, "/") && g.verb == "get"
}

// TestManagerRunsUnderItsRBAC runs the manager binary as its ServiceAccount (a token from the
// TokenRequest API), bound by the rendered config/default, against an API server enforcing
// RBAC (and OwnerReferencesPermissionEnforcement, which checks the finalizers grants), through
// a converge of the sample view and an edit that deletes a VPC with everything in it. The API
// server's audit log must hold no forbidden request of the ServiceAccount, and every grant of
// its roles must be used by some request.
func TestManagerRunsUnderItsRBAC(t *testing.T) {
	dir := t.TempDir()
	auditLog := filepath.Join(dir, "audit.log")
	policy := filepath.Join(dir, "audit-policy.yaml")
	if err := os.WriteFile(policy, []byte(auditPolicy), 0o600); err != nil {
		t.Fatal(err)
	}
	assets, err := testenv.Assets()
	if err != nil {
		t.Fatal(err)
	}
	env := &envtest.Environment{BinaryAssetsDirectory: assets}
	api := env.ControlPlane.GetAPIServer()
	api.Configure().
		Set("authorization-mode", "RBAC").
		Set("enable-admission-plugins", "OwnerReferencesPermissionEnforcement").
		Set("audit-policy-file", policy).
		Set("audit-log-path", auditLog)
	cfg, err := env.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	admin, err := client.New(cfg, client.Options{Scheme: testenv.Scheme()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	// Install config/default as kubectl apply -k would (but the Deployment: the manager runs
	// here, as a process).
	objs := render(t)
	for pass := 0; pass < 2; pass++ {
		for _, o := range objs {
			first := o.GetKind() == "Namespace" || o.GetKind() == "CustomResourceDefinition"
			if first != (pass == 0) || o.GetKind() == "Deployment" {
				continue
			}
			o.SetManagedFields(nil)
			if err := admin.Patch(ctx, o, client.Apply, client.FieldOwner("rbac-test"), client.ForceOwnership); err != nil {
				t.Fatalf("apply %s %s: %v", o.GetKind(), o.GetName(), err)
			}
		}
		if pass == 0 {
			waitCRDs(t, ctx, admin)
		}
	}
	granted := grantsOf(t, objs)
	// The administrator creates the projection's namespace (README): the manager may not.
	if err := admin.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "eucalyptus-vpc"}}); err != nil {
		t.Fatal(err)
	}

	kubeconfig := serviceAccountKubeconfig(t, ctx, cfg, dir)

	mido, err := sim.Start(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mido.Close() })
	sample, err := os.ReadFile(filepath.Join("samples", "global_network_info.xml"))
	if err != nil {
		t.Fatal(err)
	}
	seedHosts(t, mido.Server, sample)
	view := filepath.Join(dir, "global_network_info.xml")
	writeView(t, view, sample)

	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin, err := chaos.BuildManager(root, dir)
	if err != nil {
		t.Fatal(err)
	}
	mgr, err := chaos.StartProcess(bin, dir, "manager", []string{
		"--midonet-url", mido.URL, "--global-view", view,
		"--leader-elect", "--leader-election-namespace", saNamespace,
		"--metrics-bind-address", "0", "--health-probe-bind-address", "0",
	}, []string{"KUBECONFIG=" + kubeconfig})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mgr.Stop)

	waitAck(t, ctx, mgr, view, "3f9c1e7a")
	// The next version deletes vpc-4e5f6a7b with its subnet, route table, instance and group,
	// terminates an instance and edits rules: deletes, finalizers and status of every kind.
	edited, err := os.ReadFile(filepath.Join("..", "internal", "chaos", "testdata", "global_network_info.edited.xml"))
	if err != nil {
		t.Fatal(err)
	}
	writeView(t, view, edited)
	waitAck(t, ctx, mgr, view, "5b1e3c9d")
	mn, err := midonet.New(midonet.Config{URL: mido.URL, Tenant: "euca_tenant_1", QPS: -1})
	if err != nil {
		t.Fatal(err)
	}
	waitRouters(t, ctx, mn, "vr_vpc-4e5f6a7b_", mgr)
	// Then a version without any VPC: every namespaced kind is deleted.
	novpc, err := os.ReadFile(filepath.Join("testdata", "global_network_info.novpc.xml"))
	if err != nil {
		t.Fatal(err)
	}
	writeView(t, view, novpc)
	waitAck(t, ctx, mgr, view, "6c2f4d0e")
	waitRouters(t, ctx, mn, "vr_", mgr)
	waitRouters(t, ctx, mn, "natr_", mgr)
	mgr.Stop()

	used, forbidden := readAudit(t, auditLog)
	for _, f := range forbidden {
		t.Errorf("forbidden: %s", f)
	}
	if mgr.LogContains("forbidden") {
		t.Errorf("the manager's log mentions a forbidden request:\n%s", mgr.Tail(40))
	}
	var notGranted, unused []string
	for g := range used {
		if !granted[g] {
			notGranted = append(notGranted, g.String())
		}
	}
	var reported, needed []string
	for g := range granted {
		switch {
		case used[g]:
		case neededButNotSeen(g) != "":
			needed = append(needed, fmt.Sprintf("%s (%s)", g, neededButNotSeen(g)))
		case overGranted(g):
			reported = append(reported, g.String())
		default:
			unused = append(unused, g.String())
		}
	}
	sort.Strings(reported)
	sort.Strings(needed)
	t.Logf("granted and needed, though no request shows it: %d: %s", len(needed), strings.Join(needed, "; "))
	if len(reported) > 0 {
		t.Logf("granted by controllers/rbac.go and never used (known, to be dropped there): %s", strings.Join(reported, "; "))
	}
	sort.Strings(notGranted)
	sort.Strings(unused)
	t.Logf("the ServiceAccount made requests of %d kinds (group, resource, verb); its roles grant %d", len(used), len(granted))
	if len(notGranted) > 0 {
		t.Errorf("used without a grant (allowed by another way?): %s", strings.Join(notGranted, "; "))
	}
	if len(unused) > 0 {
		t.Errorf("granted and never used: %s", strings.Join(unused, "; "))
	}
}

func waitCRDs(t *testing.T, ctx context.Context, c client.Client) {
	t.Helper()
	for {
		var l unstructured.UnstructuredList
		l.SetAPIVersion("vpc.midovpc.io/v1alpha1")
		l.SetKind("VpcList")
		if err := c.List(ctx, &l); err == nil {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatal("the CRDs are not served")
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// grantsOf expands the rules of the roles bound to the ServiceAccount.
func grantsOf(t *testing.T, objs []*unstructured.Unstructured) map[grant]bool {
	t.Helper()
	bound := map[string]bool{}
	for _, o := range objs {
		if o.GetKind() != "RoleBinding" && o.GetKind() != "ClusterRoleBinding" {
			continue
		}
		subjects, _, _ := unstructured.NestedSlice(o.Object, "subjects")
		for _, s := range subjects {
			s := s.(map[string]any)
			if s["kind"] == "ServiceAccount" && s["name"] == saName && s["namespace"] == saNamespace {
				kind, _, _ := unstructured.NestedString(o.Object, "roleRef", "kind")
				name, _, _ := unstructured.NestedString(o.Object, "roleRef", "name")
				bound[kind+"/"+name] = true
			}
		}
	}
	out := map[grant]bool{}
	for _, o := range objs {
		if !bound[o.GetKind()+"/"+o.GetName()] {
			continue
		}
		rules, _, _ := unstructured.NestedSlice(o.Object, "rules")
		for _, r := range rules {
			r := r.(map[string]any)
			for _, g := range strs(r["apiGroups"]) {
				for _, res := range strs(r["resources"]) {
					for _, v := range strs(r["verbs"]) {
						out[grant{g, res, v}] = true
					}
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no role is bound to the ServiceAccount")
	}
	return out
}

func strs(v any) []string {
	var out []string
	xs, _ := v.([]any)
	for _, x := range xs {
		out = append(out, x.(string))
	}
	return out
}

// serviceAccountKubeconfig asks the TokenRequest API for a token of the manager's
// ServiceAccount and writes a kubeconfig that authenticates with it.
func serviceAccountKubeconfig(t *testing.T, ctx context.Context, cfg *rest.Config, dir string) string {
	t.Helper()
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	expiry := int64(3600)
	tr, err := cs.CoreV1().ServiceAccounts(saNamespace).CreateToken(ctx, saName,
		&authv1.TokenRequest{Spec: authv1.TokenRequestSpec{ExpirationSeconds: &expiry}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("token for %s: %v", saUser, err)
	}
	kc := clientcmdapi.NewConfig()
	kc.Clusters["envtest"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
	kc.AuthInfos["sa"] = &clientcmdapi.AuthInfo{Token: tr.Status.Token}
	kc.Contexts["sa"] = &clientcmdapi.Context{Cluster: "envtest", AuthInfo: "sa"}
	kc.CurrentContext = "sa"
	path := filepath.Join(dir, "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// readAudit collects the ServiceAccount's requests from the audit log: the grants they used
// (a server-side apply that creates also uses create) and those that were forbidden.
func readAudit(t *testing.T, path string) (map[grant]bool, []string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	used := map[grant]bool{}
	var forbidden []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var ev struct {
			Stage string `json:"stage"`
			Verb  string `json:"verb"`
			User  struct {
				Username string `json:"username"`
			} `json:"user"`
			ObjectRef *struct {
				Resource, Namespace, Name, APIGroup, Subresource string
			} `json:"objectRef"`
			RequestURI     string `json:"requestURI"`
			ResponseStatus *struct {
				Code int `json:"code"`
			} `json:"responseStatus"`
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("audit log: %v", err)
		}
		if ev.User.Username != saUser || ev.ObjectRef == nil || ev.ResponseStatus == nil {
			continue
		}
		res := ev.ObjectRef.Resource
		if ev.ObjectRef.Subresource != "" {
			res += "/" + ev.ObjectRef.Subresource
		}
		g := grant{ev.ObjectRef.APIGroup, res, ev.Verb}
		if ev.ResponseStatus.Code == 403 {
			forbidden = append(forbidden, fmt.Sprintf("%s (%s)", g, ev.RequestURI))
			continue
		}
		used[g] = true
		if ev.Verb == "patch" && ev.ResponseStatus.Code == 201 {
			used[grant{g.group, g.resource, "create"}] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return used, forbidden
}

// seedHosts adds the view's nodes, gateways and CLC to the emulator as MidoNet hosts.
func seedHosts(t *testing.T, s *sim.Server, view []byte) {
	t.Helper()
	v, err := globalview.Parse(view)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range globalview.HostsFromView(v) {
		spec := sim.HostSpec{Name: h.Name, TunnelZones: h.TunnelZones}
		for _, i := range h.Interfaces {
			spec.Interfaces = append(spec.Interfaces, sim.InterfaceSpec{Name: i.Name, Addresses: i.Addresses})
		}
		if _, err := s.AddHost(spec); err != nil {
			t.Fatal(err)
		}
	}
}

// writeView replaces the view as the CLC does: a temporary file renamed over it.
func writeView(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path+".temp", data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".temp", path); err != nil {
		t.Fatal(err)
	}
}

// waitAck waits until the manager acknowledges version of the view.
func waitAck(t *testing.T, ctx context.Context, mgr *chaos.Process, view, version string) {
	t.Helper()
	for {
		if got, _ := globalview.ReadAck(globalview.AckPath(view)); got == version {
			return
		}
		if dead, err := mgr.Exited(); dead {
			t.Fatalf("the manager stopped (%v):\n%s", err, mgr.Tail(40))
		}
		select {
		case <-ctx.Done():
			t.Fatalf("version %s is not acknowledged:\n%s", version, mgr.Tail(40))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// waitRouters waits until MidoNet holds no router whose name starts with prefix: the
// deletes of the resources that left the view have reached MidoNet.
func waitRouters(t *testing.T, ctx context.Context, mn *midonet.Client, prefix string, mgr *chaos.Process) {
	t.Helper()
	for {
		routers, err := mn.ListRouters(ctx, "euca_tenant_1")
		if err != nil {
			t.Fatal(err)
		}
		left := ""
		for _, r := range routers {
			if strings.HasPrefix(r.Name, prefix) {
				left = r.Name
			}
		}
		if left == "" {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("router %s is still in MidoNet:\n%s", left, mgr.Tail(40))
		case <-time.After(100 * time.Millisecond):
		}
	}
}
