package globalview

import (
	"context"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/midovpc/midovpc/internal/testenv"
)

// TestTrimmedCacheKeepsTheServersManagedFields: the cache keeps only the view applier's
// managedFields entry, and an update of an object read from it leaves the API server's
// entries of other managers in place.
func TestTrimmedCacheKeepsTheServersManagedFields(t *testing.T) {
	env := controlPlane(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	direct, err := client.New(env.Config, client.Options{Scheme: env.Scheme})
	if err != nil {
		t.Fatal(err)
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "cachetrim"}}
	if err := direct.Create(ctx, ns); err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "cm", "namespace": ns.Name},
		"data":     map[string]any{"projected": "yes"},
	}}
	if err := direct.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner(FieldManager)); err != nil {
		t.Fatal(err)
	}
	var cm corev1.ConfigMap
	if err := direct.Get(ctx, client.ObjectKey{Namespace: ns.Name, Name: "cm"}, &cm); err != nil {
		t.Fatal(err)
	}
	cm.Data["user"] = "edit"
	if err := direct.Update(ctx, &cm, client.FieldOwner("someone-else")); err != nil {
		t.Fatal(err)
	}

	_, cached := trimmedCache(ctx, t, env)
	cached = KeepServerManagedFields(cached)
	var got corev1.ConfigMap
	if err := cached.Get(ctx, client.ObjectKey{Namespace: ns.Name, Name: "cm"}, &got); err != nil {
		t.Fatal(err)
	}
	if m := managers(got.ManagedFields); !slices.Equal(m, []string{FieldManager + "/Apply"}) {
		t.Errorf("cached managedFields = %v, want only the applier's", m)
	}
	if owned, err := ownedFields(&got); err != nil || owned["f:data"] == nil {
		t.Errorf("the applier's owned fields are gone from the cached copy: %v, %v", owned, err)
	}

	got.Labels = map[string]string{"finalised": "yes"}
	if err := cached.Update(ctx, &got, client.FieldOwner("manager")); err != nil {
		t.Fatal(err)
	}
	var after corev1.ConfigMap
	if err := direct.Get(ctx, client.ObjectKey{Namespace: ns.Name, Name: "cm"}, &after); err != nil {
		t.Fatal(err)
	}
	m := managers(after.ManagedFields)
	for _, want := range []string{FieldManager + "/Apply", "someone-else/Update", "manager/Update"} {
		if !slices.Contains(m, want) {
			t.Errorf("after an update through the trimmed cache the server lost %s: %v", want, m)
		}
	}
}

func managers(mfs []metav1.ManagedFieldsEntry) []string {
	var out []string
	for _, mf := range mfs {
		out = append(out, mf.Manager+"/"+string(mf.Operation))
	}
	return out
}

// trimmedCache starts an informer cache with the manager's transform (TrimManagedFields), until
// ctx ends, and returns it with a client that reads through it.
func trimmedCache(ctx context.Context, t *testing.T, env *testenv.Env) (cache.Cache, client.Client) {
	t.Helper()
	c, err := cache.New(env.Config, cache.Options{Scheme: env.Scheme, DefaultTransform: TrimManagedFields()})
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = c.Start(ctx) }()
	if !c.WaitForCacheSync(ctx) {
		t.Fatal("cache did not start")
	}
	cached, err := client.New(env.Config, client.Options{Scheme: env.Scheme, Cache: &client.CacheOptions{Reader: c}})
	if err != nil {
		t.Fatal(err)
	}
	return c, cached
}
