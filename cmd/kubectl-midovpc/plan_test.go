package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/midovpc/midovpc/internal/globalview"
	"github.com/midovpc/midovpc/internal/testcloud"
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

// TestPlanPredictsMidoNetWrites: against a cloud converged from the sample view (the manager
// and the emulator running), plan of an edited view lists under each Kubernetes object the
// MidoNet writes by name and totals them, live and from a snapshot file alike, without a
// single write to MidoNet; and the controllers then make as many writes as it said.
func TestPlanPredictsMidoNetWrites(t *testing.T) {
	sample, err := os.ReadFile(filepath.Join("testdata", "global_network_info.xml"))
	must(t, err)
	dir := t.TempDir()
	cloud, err := testcloud.StartCloud(dir, sample, 2*time.Minute)
	must(t, err)
	t.Cleanup(cloud.Stop)
	kubeconfig := filepath.Join(dir, "kubeconfig")
	kc, err := cloud.Env.Kubeconfig()
	must(t, err)
	must(t, os.WriteFile(kubeconfig, kc, 0o600))
	ctx := context.Background()
	if _, err := cloud.Snapshot(ctx); err != nil { // settled
		t.Fatal(err)
	}
	snapFile := filepath.Join(dir, "snap.json")
	if r := invoke("snapshot", "--midonet-url", cloud.MidoNet.URL, "-o", snapFile); r.code != exitOK {
		t.Fatalf("snapshot: exit %d\n%s", r.code, r.stderr)
	}

	same := invoke("plan", "--kubeconfig", kubeconfig, "--global-view", filepath.Join("testdata", "global_network_info.xml"), "--midonet-url", cloud.MidoNet.URL)
	if same.code != exitOK || !strings.Contains(same.stdout, "MidoNet (MidoNet at "+cloud.MidoNet.URL+"): 0 to create, 0 to update, 0 to delete") {
		t.Errorf("plan of the applied view: exit %d\n%s%s", same.code, same.stdout, same.stderr)
	}

	// One more rule in sg-5e5e5e5e (HTTPS, first), and i-12345678 terminated.
	edited := strings.Replace(string(sample), `<network-data version="3f9c1e7a"`, `<network-data version="3f9c1e7b"`, 1)
	edited = strings.Replace(edited, "<ingressRules>\n", "<ingressRules>\n                <rule>\n                    <protocol>6</protocol>\n                    <fromPort>443</fromPort>\n                    <toPort>443</toPort>\n                    <cidr>0.0.0.0/0</cidr>\n                </rule>\n", 1)
	start := strings.Index(edited, `<instance name="i-12345678">`)
	end := strings.Index(edited[start:], "</instance>") + start + len("</instance>")
	edited = edited[:start] + edited[end:]
	edited = strings.Replace(edited, "<value>i-12345678</value>", "", 1)
	editedFile := filepath.Join(dir, "edited.xml")
	must(t, os.WriteFile(editedFile, []byte(edited), 0o644))

	writes := cloud.MidoNet.Server.Writes()
	live := invoke("plan", "--kubeconfig", kubeconfig, "--global-view", editedFile, "--midonet-url", cloud.MidoNet.URL)
	t.Logf("plan --midonet-url of the edited view:\n%s%s", live.stdout, live.stderr)
	if live.code != exitChanges {
		t.Errorf("plan exited %d, want %d", live.code, exitChanges)
	}
	for _, want := range []string{
		"update SecurityGroup eucalyptus-vpc/sg-5e5e5e5e\n         create rule #1 in sg_ingress_sg-5e5e5e5e: accept proto 6 src 0.0.0.0/0 dport 443-443\n",
		"delete NetworkInterface eucalyptus-vpc/eni-b2b2b2b2\n",
		"         delete chain ic_i-12345678_prechain\n",
		"         delete port bound to vn_i-12345678 of vb_vpc-0a1b2c3d_subnet-11aa22bb\n",
		" in vc_vpc-0a1b2c3d_preelip: dnat dst 10.116.150.12/32 → 10.0.1.12\n", // its position follows sync order
		"0 to create, 2 to update, 2 to delete\n",
		"MidoNet (MidoNet at " + cloud.MidoNet.URL + "): 1 to create, 0 to update, 19 to delete\n",
	} {
		if !strings.Contains(live.stdout, want) {
			t.Errorf("plan does not say %q", want)
		}
	}
	// From the snapshot file: the same writes.
	fromSnapText := invoke("plan", "--kubeconfig", kubeconfig, "--global-view", editedFile, "--snapshot", snapFile)
	t.Logf("plan --snapshot of the edited view:\n%s%s", fromSnapText.stdout, fromSnapText.stderr)
	if a, b := strings.ReplaceAll(live.stdout, "MidoNet at "+cloud.MidoNet.URL, "X"), strings.ReplaceAll(fromSnapText.stdout, "snapshot "+snapFile, "X"); a != b {
		t.Errorf("plan --snapshot differs from plan --midonet-url:\n%s", fromSnapText.stdout)
	}
	fromSnap := invoke("plan", "--kubeconfig", kubeconfig, "--global-view", editedFile, "--snapshot", snapFile, "-o", "json")
	var doc struct {
		Changes []struct {
			Action  string
			MidoNet []struct{ Action, What string }
		}
		MidoNet struct {
			Source                 string
			Create, Update, Delete int
		}
	}
	if err := json.Unmarshal([]byte(fromSnap.stdout), &doc); err != nil || fromSnap.code != exitChanges {
		t.Fatalf("plan --snapshot -o json: exit %d, %v\n%s%s", fromSnap.code, err, fromSnap.stdout, fromSnap.stderr)
	}
	if m := doc.MidoNet; m.Source != "snapshot "+snapFile || m.Create != 1 || m.Update != 0 || m.Delete != 19 {
		t.Errorf("plan --snapshot totals %+v, want 1 create and 19 deletes from the snapshot", m)
	}
	if got := cloud.MidoNet.Server.Writes(); got != writes {
		t.Fatalf("plan wrote %d times to MidoNet", got-writes)
	}

	// The controllers then make the writes predicted.
	cloud.MidoNet.Server.ResetRequests()
	must(t, cloud.Apply([]byte(edited), 2*time.Minute))
	if _, err := cloud.Snapshot(ctx); err != nil {
		t.Fatal(err)
	}
	made := map[string]int{}
	for _, r := range cloud.MidoNet.Server.Requests() {
		if r.Changed {
			made[r.Method]++
		}
	}
	if made["POST"] != 1 || made["PUT"] != 0 || made["DELETE"] != 19 {
		t.Errorf("the controllers made %v writes, plan predicted 1 create and 19 deletes", made)
	}
}
