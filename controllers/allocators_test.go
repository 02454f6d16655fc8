package controllers

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/topology"
)

// slowCache is a client whose reads come from a cache that has not caught up with any status
// written since it was taken (the worst case of a lagging informer), and whose writes go to
// the API server.
type slowCache struct {
	client.Client               // the API server: writes, and Status()
	cache         client.Client // reads: a snapshot taken before the allocations
}

func (s slowCache) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	return s.cache.Get(ctx, key, obj, opts...)
}

func (s slowCache) List(ctx context.Context, l client.ObjectList, opts ...client.ListOption) error {
	return s.cache.List(ctx, l, opts...)
}

// noMidoNet is an engine over an empty MidoNet: no router, no metadata mapping.
type noMidoNet struct{ Engine }

func (noMidoNet) RouterNames() []string                       { return nil }
func (noMidoNet) MetadataIDOf(string, netip.Addr) (int, bool) { return 0, false }
func (noMidoNet) UsedMetadataIDs() []int                      { return nil }
func (noMidoNet) HasAddrGroup(string) bool                    { return false }
func (noMidoNet) HeldRoutes(context.Context, *topology.Fragment) ([]topology.Route, error) {
	return nil, nil
}
func (noMidoNet) HostFor(string) (string, bool) { return "", false }
func (noMidoNet) IsDependencyError(error) bool  { return false }
func (noMidoNet) Ready(context.Context) error   { return nil }
func newFake(scheme *runtime.Scheme, objs ...client.Object) client.Client {
	return fake.NewClientBuilder().WithScheme(scheme).WithObjects(objs...).
		WithStatusSubresource(&vpcv1.NetworkInterface{}, &vpcv1.Vpc{}, &vpcv1.NatGateway{}).
		WithIndex(&vpcv1.NetworkInterface{}, idxMetadataIP, func(o client.Object) []string {
			return nonEmpty(o.(*vpcv1.NetworkInterface).Status.MetadataIP)
		}).
		WithIndex(&vpcv1.Vpc{}, idxRouterIndex, func(o client.Object) []string {
			if i := o.(*vpcv1.Vpc).Status.RouterIndex; i != 0 {
				return []string{fmt.Sprint(i)}
			}
			return nil
		}).
		WithIndex(&vpcv1.NatGateway{}, idxRouterIndex, func(o client.Object) []string {
			if i := o.(*vpcv1.NatGateway).Status.RouterIndex; i != 0 {
				return []string{fmt.Sprint(i)}
			}
			return nil
		}).Build()
}

func testScheme(t *testing.T) *runtime.Scheme {
	s := runtime.NewScheme()
	if err := vpcv1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	return s
}

// Many interfaces allocated at once, while the cache shows none of their statuses: every
// interface gets its own metadata id (two with one id would leak one instance's metadata to
// another). The allocation writes nothing (the reconcile writes the id with the claims); the
// reservations alone keep the ids apart.
func TestMetadataIDsUniqueUnderConcurrencyWithASlowCache(t *testing.T) {
	const n = 64
	scheme := testScheme(t)
	var objs []client.Object
	for i := range n {
		objs = append(objs, &vpcv1.NetworkInterface{ObjectMeta: metav1.ObjectMeta{
			Namespace: "ns", Name: fmt.Sprintf("eni-%08x", i), UID: types.UID(fmt.Sprintf("uid-%03d", i))}})
	}
	api := newFake(scheme, objs...)
	d := &Deps{Client: slowCache{Client: api, cache: newFake(scheme, objs...)}, Engine: noMidoNet{}}
	mdids := &ids{}

	var wg sync.WaitGroup
	errs := make(chan error, n)
	got := make([]*vpcv1.NetworkInterface, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			eni := &vpcv1.NetworkInterface{}
			got[i] = eni
			if err := d.Client.Get(context.Background(), client.ObjectKeyFromObject(objs[i]), eni); err != nil {
				errs <- err
				return
			}
			ip := netip.AddrFrom4([4]byte{10, 0, 1, byte(10 + i)})
			if _, err := ensureMetadataID(context.Background(), d, mdids, eni, "vpc-00000001", ip); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, e := range got {
		if e.Status.MetadataIP == "" {
			t.Fatalf("%s has no metadata address", e.Name)
		}
		if other, dup := seen[e.Status.MetadataIP]; dup {
			t.Fatalf("%s and %s both got metadata address %s", other, e.Name, e.Status.MetadataIP)
		}
		seen[e.Status.MetadataIP] = e.Name
	}
	expectNothingWritten(t, api, objs...)
}

// expectNothingWritten fails when an allocation wrote one of objs: the number goes with the
// status that records the claims, ahead of the first MidoNet write.
func expectNothingWritten(t *testing.T, api client.Client, objs ...client.Object) {
	t.Helper()
	for _, o := range objs {
		cur := o.DeepCopyObject().(client.Object)
		if err := api.Get(context.Background(), client.ObjectKeyFromObject(o), cur); err != nil {
			t.Fatal(err)
		}
		if cur.GetResourceVersion() != o.GetResourceVersion() {
			t.Errorf("%T %s: the allocation wrote it", o, o.GetName())
		}
	}
}

// The same for router indexes, shared by VPCs and NAT gateways: two VPCs on one index would put
// two routers on one uplink address.
func TestRouterIndexesUniqueUnderConcurrencyWithASlowCache(t *testing.T) {
	const n = 32
	scheme := testScheme(t)
	var objs []client.Object
	for i := range n {
		meta := metav1.ObjectMeta{Namespace: "ns", UID: types.UID(fmt.Sprintf("uid-%03d", i))}
		if i%2 == 0 {
			meta.Name = fmt.Sprintf("vpc-%08x", i)
			objs = append(objs, &vpcv1.Vpc{ObjectMeta: meta})
		} else {
			meta.Name = fmt.Sprintf("nat-%017x", i)
			objs = append(objs, &vpcv1.NatGateway{ObjectMeta: meta})
		}
	}
	api := newFake(scheme, objs...)
	d := &Deps{Client: slowCache{Client: api, cache: newFake(scheme, objs...)}, Engine: noMidoNet{}}
	rtids := &ids{}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	got := make([]client.Object, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			switch o := objs[i].(type) {
			case *vpcv1.Vpc:
				v := &vpcv1.Vpc{}
				got[i] = v
				if err = d.Client.Get(context.Background(), client.ObjectKeyFromObject(o), v); err == nil {
					err = ensureRouterIndex(context.Background(), d, rtids, v)
				}
			case *vpcv1.NatGateway:
				g := &vpcv1.NatGateway{}
				got[i] = g
				if err = d.Client.Get(context.Background(), client.ObjectKeyFromObject(o), g); err == nil {
					err = ensureNATRouterIndex(context.Background(), d, rtids, g)
				}
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[int32]string{}
	check := func(name string, idx int32) {
		if idx == 0 {
			t.Fatalf("%s has no router index", name)
		}
		if other, dup := seen[idx]; dup {
			t.Fatalf("%s and %s both got router index %d", other, name, idx)
		}
		seen[idx] = name
	}
	for _, o := range got {
		switch o := o.(type) {
		case *vpcv1.Vpc:
			check(o.Name, o.Status.RouterIndex)
		case *vpcv1.NatGateway:
			check(o.Name, o.Status.RouterIndex)
		}
	}
	expectNothingWritten(t, api, objs...)
}

// An interface whose metadata id an older interface also records (handed out twice by an
// earlier release) gets a new one; the older keeps its own.
func TestDuplicateMetadataIDIsReplaced(t *testing.T) {
	scheme := testScheme(t)
	older := &vpcv1.NetworkInterface{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "eni-00000001", UID: "a",
		CreationTimestamp: metav1.Unix(1000, 0)}, Status: vpcv1.NetworkInterfaceStatus{MetadataIP: "255.0.0.10"}}
	newer := &vpcv1.NetworkInterface{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "eni-00000002", UID: "b",
		CreationTimestamp: metav1.Unix(2000, 0)}, Status: vpcv1.NetworkInterfaceStatus{MetadataIP: "255.0.0.10"}}
	api := newFake(scheme, older, newer)
	d := &Deps{Client: api, Engine: noMidoNet{}}
	mdids := &ids{}
	ctx := context.Background()
	a, b := &vpcv1.NetworkInterface{}, &vpcv1.NetworkInterface{}
	for _, e := range []struct{ in, got *vpcv1.NetworkInterface }{{older, a}, {newer, b}} {
		if err := api.Get(ctx, client.ObjectKeyFromObject(e.in), e.got); err != nil {
			t.Fatal(err)
		}
		if _, err := ensureMetadataID(ctx, d, mdids, e.got, "vpc-00000001", netip.MustParseAddr("10.0.1.10")); err != nil {
			t.Fatal(err)
		}
	}
	if a.Status.MetadataIP != "255.0.0.10" || b.Status.MetadataIP == "" || b.Status.MetadataIP == a.Status.MetadataIP {
		t.Fatalf("older %s, newer %s: want the older to keep 255.0.0.10 and the newer another", a.Status.MetadataIP, b.Status.MetadataIP)
	}
}

// someMidoNet maps metadata ids: used lists every id MidoNet maps, adopt the id it maps to
// one private address.
type someMidoNet struct {
	noMidoNet
	used  []int
	adopt map[netip.Addr]int
}

func (m someMidoNet) UsedMetadataIDs() []int { return m.used }
func (m someMidoNet) MetadataIDOf(_ string, ip netip.Addr) (int, bool) {
	id, ok := m.adopt[ip]
	return id, ok
}

// A new interface gets the lowest metadata id that MidoNet does not map, no other interface
// records and no allocation of this process holds; an interface whose address MidoNet
// already maps keeps that id (adoption), even when an allocation before it saw that id in
// MidoNet; an id another interface records is never adopted.
func TestMetadataIDsSkipEveryUse(t *testing.T) {
	scheme := testScheme(t)
	recorder := &vpcv1.NetworkInterface{ObjectMeta: metav1.ObjectMeta{Namespace: "other", Name: "eni-000000aa", UID: "rec"},
		Status: vpcv1.NetworkInterfaceStatus{MetadataIP: "255.0.0.11"}}
	var objs []client.Object
	objs = append(objs, recorder)
	for i := range 5 {
		objs = append(objs, &vpcv1.NetworkInterface{ObjectMeta: metav1.ObjectMeta{
			Namespace: "ns", Name: fmt.Sprintf("eni-%08x", i), UID: types.UID(fmt.Sprintf("uid-%03d", i))}})
	}
	api := newFake(scheme, objs...)
	ip := func(i int) netip.Addr { return netip.AddrFrom4([4]byte{10, 0, 1, byte(10 + i)}) }
	mn := someMidoNet{used: []int{10, 13, 14}, adopt: map[netip.Addr]int{ip(3): 14, ip(4): 11}}
	d := &Deps{Client: api, Engine: mn}
	mdids := &ids{}
	ctx := context.Background()
	got := map[string]string{}
	for i := range 5 {
		eni := &vpcv1.NetworkInterface{}
		if err := api.Get(ctx, client.ObjectKeyFromObject(objs[i+1]), eni); err != nil {
			t.Fatal(err)
		}
		if _, err := ensureMetadataID(ctx, d, mdids, eni, "vpc-00000001", ip(i)); err != nil {
			t.Fatal(err)
		}
		got[eni.Name] = eni.Status.MetadataIP
	}
	want := map[string]string{
		"eni-00000000": "255.0.0.12", // 10 and 14 mapped in MidoNet, 11 recorded by another interface
		"eni-00000001": "255.0.0.15",
		"eni-00000002": "255.0.0.16",
		"eni-00000003": "255.0.0.14", // MidoNet maps its own address to 14: adopted
		"eni-00000004": "255.0.0.17", // MidoNet maps its address to 11, which another interface records
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s got metadata address %q, want %s (all: %v)", name, got[name], w, got)
		}
	}
}

// routersMidoNet holds routers of the given names.
type routersMidoNet struct {
	noMidoNet
	routers []string
}

func (m routersMidoNet) RouterNames() []string { return m.routers }

// A VPC whose router MidoNet holds (a restart on a fresh control plane) adopts its index; a
// VPC without one gets a new index. Neither is written ahead: the reconcile writes a new one
// with the claims, before anything is built with it, and an adopted one with its last status.
func TestRouterIndexesAreNotWrittenAhead(t *testing.T) {
	scheme := testScheme(t)
	adopted := &vpcv1.Vpc{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "vpc-00000001", UID: "a"}}
	fresh := &vpcv1.Vpc{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "vpc-00000002", UID: "b"}}
	api := newFake(scheme, adopted, fresh)
	d := &Deps{Client: api, Engine: routersMidoNet{routers: []string{"vr_vpc-00000001_7"}}}
	rtids := &ids{}
	ctx := context.Background()
	a, b := &vpcv1.Vpc{}, &vpcv1.Vpc{}
	for _, v := range []struct{ in, got *vpcv1.Vpc }{{adopted, a}, {fresh, b}} {
		if err := api.Get(ctx, client.ObjectKeyFromObject(v.in), v.got); err != nil {
			t.Fatal(err)
		}
		if err := ensureRouterIndex(ctx, d, rtids, v.got); err != nil {
			t.Fatal(err)
		}
	}
	if a.Status.RouterIndex != 7 {
		t.Errorf("%s got router index %d, want 7 (its router's)", a.Name, a.Status.RouterIndex)
	}
	if b.Status.RouterIndex == 0 || b.Status.RouterIndex == 7 {
		t.Errorf("the new VPC got router index %d, want a new one", b.Status.RouterIndex)
	}
	expectNothingWritten(t, api, adopted, fresh)
}
