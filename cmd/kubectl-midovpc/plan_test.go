package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/midovpc/midovpc/internal/globalview"
	"github.com/midovpc/midovpc/internal/testenv"
)

// TestPlanChangesNothing: against a cluster holding the sample view, plan of the same view
// says nothing would change (exit 0); of an edited view it lists the changes (exit 2); and the
// cluster's objects keep their resource versions throughout.
func TestPlanChangesNothing(t *testing.T) {
	env, err := testenv.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "kubeconfig")
	kc, err := env.Kubeconfig()
	must(t, err)
	must(t, os.WriteFile(kubeconfig, kc, 0o600))

	sample, err := os.ReadFile(filepath.Join("testdata", "global_network_info.xml"))
	must(t, err)
	p, err := globalview.ProjectDocument(sample, globalview.DefaultNamespace)
	must(t, err)
	ctx := context.Background()
	if _, err := (&globalview.Applier{Client: env.Client}).Apply(ctx, p); err != nil {
		t.Fatal(err)
	}
	versions := func() map[string]string {
		out := map[string]string{}
		for _, o := range p.Objects() {
			cur := o.DeepCopyObject().(client.Object)
			must(t, env.Client.Get(ctx, client.ObjectKeyFromObject(o), cur))
			out[o.GetObjectKind().GroupVersionKind().Kind+"/"+o.GetName()] = cur.GetResourceVersion()
		}
		return out
	}
	before := versions()

	same := invoke("plan", "--kubeconfig", kubeconfig, "--global-view", filepath.Join("testdata", "global_network_info.xml"))
	if same.code != exitOK || !strings.Contains(same.stdout, "0 to create, 0 to update, 0 to delete") {
		t.Errorf("plan of the applied view: exit %d\n%s%s", same.code, same.stdout, same.stderr)
	}

	// The CLC terminates i-12345678 (its interface and elastic IP leave the view, and the
	// CoreNetwork's node listing changes) and opens port 443 in sg-5e5e5e5e.
	edited := string(sample)
	start := strings.Index(edited, `<instance name="i-12345678">`)
	end := strings.Index(edited[start:], "</instance>") + start + len("</instance>")
	edited = edited[:start] + edited[end:]
	edited = strings.Replace(edited, "<value>i-12345678</value>", "", 1) // its node listing
	edited = strings.Replace(edited, "<fromPort>80</fromPort>\n                    <toPort>80</toPort>", "<fromPort>443</fromPort>\n                    <toPort>443</toPort>", 1)
	editedFile := filepath.Join(dir, "edited.xml")
	must(t, os.WriteFile(editedFile, []byte(edited), 0o644))
	changed := invoke("plan", "--kubeconfig", kubeconfig, "--global-view", editedFile)
	for _, want := range []string{"update CoreNetwork default", "update SecurityGroup eucalyptus-vpc/sg-5e5e5e5e", "delete NetworkInterface eucalyptus-vpc/eni-b2b2b2b2", "delete ElasticIP", "0 to create, 2 to update, 2 to delete"} {
		if !strings.Contains(changed.stdout, want) {
			t.Errorf("plan of the edited view does not say %q:\n%s%s", want, changed.stdout, changed.stderr)
		}
	}
	t.Logf("plan of the edited view:\n%s", changed.stdout)
	if changed.code != exitChanges {
		t.Errorf("plan of the edited view exited %d, want %d", changed.code, exitChanges)
	}

	// Manifests as `import` prints them, planned with -f: nothing to do.
	imported := invoke("import", filepath.Join("testdata", "global_network_info.xml"))
	manifests := filepath.Join(dir, "vpcs.yaml")
	must(t, os.WriteFile(manifests, []byte(imported.stdout), 0o644))
	fromManifests := invoke("plan", "--kubeconfig", kubeconfig, "-f", manifests, "-o", "json")
	if fromManifests.code != exitOK || !strings.Contains(fromManifests.stdout, `"changes": []`) {
		t.Errorf("plan -f of the imported manifests: exit %d\n%s%s", fromManifests.code, fromManifests.stdout, fromManifests.stderr)
	}

	after := versions()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("plan wrote %s (resource version %s → %s)", k, v, after[k])
		}
	}
}
