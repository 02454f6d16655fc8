package globalview

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// TestWriteYAMLIsAccepted applies every document WriteYAML prints to a real API server,
// as kubectl apply would: the CRDs' validation accepts all of them.
func TestWriteYAMLIsAccepted(t *testing.T) {
	env := controlPlane(t)
	deleteCoreNetwork(t, env.Client)
	ns := testNamespace(t)
	p, err := Project(parseValid(t, readFixture(t, "example")), ns)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteYAML(&buf, p); err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(buf.String(), "\n---\n")[1:] // the first part is the header comment
	if len(docs) != 22 {
		t.Fatalf("%d documents, want the namespace and 21 objects", len(docs))
	}
	for _, doc := range docs {
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
			t.Fatalf("document does not parse: %v\n%s", err, doc)
		}
		if _, ok := u.Object["status"]; ok || u.GetUID() != "" || len(u.GetOwnerReferences()) != 0 || u.GetManagedFields() != nil {
			t.Errorf("%s %s carries server fields", u.GetKind(), u.GetName())
		}
		err := env.Client.Apply(context.Background(), client.ApplyConfigurationFromUnstructured(u), client.FieldOwner("kubectl"))
		if err != nil {
			t.Errorf("API server refuses %s %s: %v", u.GetKind(), u.GetName(), err)
		}
	}
	nacl := &vpcv1.NetworkAcl{}
	mustGet(t, env.Client, ns, "acl-3c3c3c3c", nacl)
	if len(nacl.Spec.Ingress) != 5 || nacl.Spec.Ingress[2].ICMP == nil {
		t.Errorf("network ACL as stored: %+v", nacl.Spec)
	}
}
