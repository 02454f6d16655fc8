package controllers

import (
	"context"
	"slices"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/topology"
)

// The watches of Setup (kindWatches), driven with the events a restart on a fresh control
// plane makes by the thousand: status writes that change nothing their dependents read wake
// nobody; the changes they read still wake them.

const wakeNS = "wake"

// recordingQueue records what a handler enqueues, and the shortest delay of each.
type recordingQueue struct {
	workqueue.TypedRateLimitingInterface[reconcile.Request]
	woken []string
	after map[string]time.Duration
}

func (q *recordingQueue) Add(r reconcile.Request) { q.AddAfter(r, 0) }
func (q *recordingQueue) AddAfter(r reconcile.Request, d time.Duration) {
	q.woken = append(q.woken, r.Name)
	if q.after == nil {
		q.after = map[string]time.Duration{}
	}
	if prev, ok := q.after[r.Name]; !ok || d < prev {
		q.after[r.Name] = d
	}
}
func (q *recordingQueue) AddRateLimited(r reconcile.Request) { q.Add(r) }

// wakeFixture is one VPC with a subnet, a group, an interface in both and an elastic IP on
// it, every one of them synced.
func wakeFixture(t *testing.T, extra ...client.Object) client.Client {
	t.Helper()
	objs := append([]client.Object{
		syncedStatus(&vpcv1.Vpc{ObjectMeta: wakeMeta("vpc-1"), Spec: vpcv1.VpcSpec{CIDR: "10.0.0.0/16"}}),
		syncedStatus(&vpcv1.Subnet{ObjectMeta: wakeMeta("subnet-1"), Spec: vpcv1.SubnetSpec{VPC: "vpc-1", CIDR: "10.0.1.0/24"}}),
		syncedStatus(&vpcv1.SecurityGroup{ObjectMeta: wakeMeta("sg-1"), Spec: vpcv1.SecurityGroupSpec{VPC: "vpc-1"}}),
		syncedStatus(&vpcv1.NetworkInterface{ObjectMeta: wakeMeta("eni-1"),
			Spec: vpcv1.NetworkInterfaceSpec{Subnet: "subnet-1", PrivateIP: "10.0.1.10", SecurityGroups: []string{"sg-1"}}}),
		syncedStatus(&vpcv1.ElasticIP{ObjectMeta: wakeMeta("eip-1"), Spec: vpcv1.ElasticIPSpec{PublicIP: "198.51.100.1", NetworkInterface: "eni-1"}}),
	}, extra...)
	b := fake.NewClientBuilder().WithScheme(testScheme(t)).WithObjects(objs...).
		WithStatusSubresource(&vpcv1.Vpc{}, &vpcv1.Subnet{}, &vpcv1.SecurityGroup{}, &vpcv1.NetworkInterface{}, &vpcv1.ElasticIP{})
	for _, ix := range IndexedFields() {
		b = b.WithIndex(ix.Object, ix.Field, ix.Extract)
	}
	return b.Build()
}

func wakeMeta(name string) metav1.ObjectMeta {
	// The uid tells a contender from the changed object (enqueueContenders).
	return metav1.ObjectMeta{Namespace: wakeNS, Name: name, Generation: 1, ResourceVersion: "1", UID: types.UID("uid-" + name)}
}

// syncedStatus gives an object the status of its first successful sync.
func syncedStatus[T object](o T) T {
	st := o.GetReconcileStatus()
	st.MidoNetIDs = []string{"id-" + o.GetName()}
	st.Conditions = []metav1.Condition{{Type: vpcv1.ConditionReady, Status: metav1.ConditionTrue, Reason: vpcv1.ReasonReconciled,
		LastTransitionTime: metav1.Now()}}
	return o
}

// notSynced gives an object the status of one waiting for a dependency.
func notSynced[T object](o T) T {
	st := o.GetReconcileStatus()
	st.MidoNetIDs = nil
	st.Conditions = []metav1.Condition{{Type: vpcv1.ConditionReady, Status: metav1.ConditionFalse, Reason: vpcv1.ReasonDependencyNotReady,
		LastTransitionTime: metav1.Now()}}
	return o
}

// woken lists the objects of kind that the update old → updated wakes.
func woken(t *testing.T, c client.Client, kind string, old, updated client.Object) []string {
	t.Helper()
	return deliver(t, c, kind, updated, func(w watchSpec, q *recordingQueue) {
		w.h.Update(context.Background(), event.UpdateEvent{ObjectOld: old, ObjectNew: updated}, q)
	})
}

// wokenByCreate lists the objects of kind that the creation of obj wakes.
func wokenByCreate(t *testing.T, c client.Client, kind string, obj client.Object) []string {
	t.Helper()
	return deliver(t, c, kind, obj, func(w watchSpec, q *recordingQueue) {
		w.h.Create(context.Background(), event.CreateEvent{Object: obj}, q)
	})
}

func deliver(t *testing.T, c client.Client, kind string, obj client.Object, send func(watchSpec, *recordingQueue)) []string {
	t.Helper()
	watches, ok := kindWatches(c)[kind]
	if !ok {
		t.Fatalf("no watches of kind %s", kind)
	}
	q := &recordingQueue{}
	for _, w := range watches {
		if sameType(w.obj, obj) {
			send(w, q)
		}
	}
	slices.Sort(q.woken)
	return slices.Compact(q.woken)
}

func sameType(a, b client.Object) bool {
	switch a.(type) {
	case *vpcv1.Vpc:
		_, ok := b.(*vpcv1.Vpc)
		return ok
	case *vpcv1.Subnet:
		_, ok := b.(*vpcv1.Subnet)
		return ok
	case *vpcv1.SecurityGroup:
		_, ok := b.(*vpcv1.SecurityGroup)
		return ok
	case *vpcv1.NetworkInterface:
		_, ok := b.(*vpcv1.NetworkInterface)
		return ok
	case *vpcv1.ElasticIP:
		_, ok := b.(*vpcv1.ElasticIP)
		return ok
	}
	return false
}

func get[T client.Object](t *testing.T, c client.Client, name string, obj T) T {
	t.Helper()
	if err := c.Get(context.Background(), client.ObjectKey{Namespace: wakeNS, Name: name}, obj); err != nil {
		t.Fatal(err)
	}
	return obj
}

func expectWoken(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s woke %v, want %v", what, got, want)
	}
}

// A group's member count, rewritten as its members arrive, is not read by its members.
func TestGroupMemberCountWakesNoMember(t *testing.T) {
	c := wakeFixture(t)
	old := get(t, c, "sg-1", &vpcv1.SecurityGroup{})
	updated := old.DeepCopy()
	updated.Status.Members = 2
	updated.ResourceVersion = "2"
	expectWoken(t, "a member count", woken(t, c, topology.KindNetworkInterface, old, updated))
	expectWoken(t, "a member count (groups referencing it)", woken(t, c, topology.KindSecurityGroup, old, updated))

	// The group's first sync is what its members wait for.
	waiting := notSynced(old.DeepCopy())
	expectWoken(t, "the group's first sync", woken(t, c, topology.KindNetworkInterface, waiting, updated), "eni-1")
}

// An interface's status, once synced, matters to nobody; its first sync matters to its
// elastic IP; its creation matters to its subnet only while the subnet is being deleted.
func TestInterfaceStatusWakesOnlyWhatReadsIt(t *testing.T) {
	c := wakeFixture(t)
	old := get(t, c, "eni-1", &vpcv1.NetworkInterface{})
	updated := old.DeepCopy()
	updated.Status.HostID = "host-1"
	updated.ResourceVersion = "2"
	for _, kind := range []string{topology.KindSubnet, topology.KindSecurityGroup, topology.KindVpc, topology.KindElasticIP} {
		expectWoken(t, "an interface's status write (to "+kind+")", woken(t, c, kind, old, updated))
	}
	expectWoken(t, "an interface's first sync", woken(t, c, topology.KindElasticIP, notSynced(old.DeepCopy()), updated), "eip-1")
	spec := updated.DeepCopy()
	spec.Spec.SecurityGroups = nil
	spec.Generation = 2
	expectWoken(t, "an interface leaving its group", woken(t, c, topology.KindSecurityGroup, updated, spec), "sg-1")

	created := &vpcv1.NetworkInterface{ObjectMeta: wakeMeta("eni-2"), Spec: vpcv1.NetworkInterfaceSpec{Subnet: "subnet-1", PrivateIP: "10.0.1.11"}}
	expectWoken(t, "an interface created", wokenByCreate(t, c, topology.KindSubnet, created))
	expectWoken(t, "an interface created", wokenByCreate(t, c, topology.KindVpc, created))
}

func TestInterfaceCreatedWakesItsSubnetBeingDeleted(t *testing.T) {
	now := metav1.Now()
	deleting := syncedStatus(&vpcv1.Subnet{ObjectMeta: wakeMeta("subnet-2"), Spec: vpcv1.SubnetSpec{VPC: "vpc-1", CIDR: "10.0.2.0/24"}})
	deleting.DeletionTimestamp, deleting.Finalizers = &now, []string{vpcv1.Finalizer}
	c := wakeFixture(t, deleting)
	created := &vpcv1.NetworkInterface{ObjectMeta: wakeMeta("eni-2"), Spec: vpcv1.NetworkInterfaceSpec{Subnet: "subnet-2", PrivateIP: "10.0.2.11"}}
	expectWoken(t, "an interface created in a subnet being deleted", wokenByCreate(t, c, topology.KindSubnet, created), "subnet-2")
}

// A subnet's routes count is its own; its interfaces read whether it is in MidoNet, and the
// VPC's router index.
func TestSubnetAndVpcStatusWakeInterfacesOnlyForWhatTheyRead(t *testing.T) {
	c := wakeFixture(t)
	sn := get(t, c, "subnet-1", &vpcv1.Subnet{})
	routes := sn.DeepCopy()
	routes.Status.Routes = 3
	routes.ResourceVersion = "2"
	expectWoken(t, "a subnet's routes count", woken(t, c, topology.KindNetworkInterface, sn, routes))
	expectWoken(t, "a subnet's routes count (to its VPC)", woken(t, c, topology.KindVpc, sn, routes))
	expectWoken(t, "a subnet's first sync", woken(t, c, topology.KindNetworkInterface, notSynced(sn.DeepCopy()), routes), "eni-1")
	failed := sn.DeepCopy()
	failed.Status.Conditions[0].Status, failed.Status.Conditions[0].Reason = metav1.ConditionFalse, vpcv1.ReasonMidoNetError
	expectWoken(t, "a subnet recovering from a failed sync (its bridge built again)",
		woken(t, c, topology.KindNetworkInterface, failed, sn), "eni-1")

	vpc := get(t, c, "vpc-1", &vpcv1.Vpc{})
	ids := vpc.DeepCopy()
	ids.Status.UplinkPortID = "port-1"
	ids.ResourceVersion = "2"
	expectWoken(t, "a VPC's port id", woken(t, c, topology.KindNetworkInterface, vpc, ids))
	index := ids.DeepCopy()
	index.Status.RouterIndex = 7
	expectWoken(t, "a VPC's router index", woken(t, c, topology.KindNetworkInterface, ids, index), "eni-1")
}

// A member arriving updates its group's count within memberCountDelay, or lets a group being
// deleted go within memberWakeDelay.
func TestMemberWakesItsGroupLaterForTheCount(t *testing.T) {
	now := metav1.Now()
	deleting := syncedStatus(&vpcv1.SecurityGroup{ObjectMeta: wakeMeta("sg-2"), Spec: vpcv1.SecurityGroupSpec{VPC: "vpc-1"}})
	deleting.DeletionTimestamp, deleting.Finalizers = &now, []string{vpcv1.Finalizer}
	c := wakeFixture(t, deleting)
	created := &vpcv1.NetworkInterface{ObjectMeta: wakeMeta("eni-2"),
		Spec: vpcv1.NetworkInterfaceSpec{Subnet: "subnet-1", PrivateIP: "10.0.1.11", SecurityGroups: []string{"sg-1", "sg-2"}}}
	q := &recordingQueue{}
	for _, w := range kindWatches(c)[topology.KindSecurityGroup] {
		if sameType(w.obj, created) {
			w.h.Create(context.Background(), event.CreateEvent{Object: created}, q)
		}
	}
	if q.after["sg-1"] != memberCountDelay || q.after["sg-2"] != memberWakeDelay {
		t.Errorf("a member created wakes its group in %s and a group being deleted in %s; want %s and %s",
			q.after["sg-1"], q.after["sg-2"], memberCountDelay, memberWakeDelay)
	}
}

// A group's first two wake-ups in a while come after memberCountDelay; a third within
// memberBurstDelay (its members keep arriving) after memberBurstDelay; a quiet group is quick
// again.
func TestMemberCountWakeUpsSlowDownInABurst(t *testing.T) {
	now := time.Now()
	b := &burstDelays{short: memberCountDelay, long: memberBurstDelay, now: func() time.Time { return now }}
	sg1 := reconcile.Request{NamespacedName: types.NamespacedName{Namespace: "ns", Name: "sg-1"}}
	sg2 := reconcile.Request{NamespacedName: types.NamespacedName{Namespace: "ns", Name: "sg-2"}}
	for i, want := range []time.Duration{memberCountDelay, memberCountDelay, memberBurstDelay, memberBurstDelay} {
		if d := b.delay(sg1); d != want {
			t.Errorf("wake-up %d, a second after the one before: after %s, want %s", i+1, d, want)
		}
		now = now.Add(time.Second)
	}
	if d := b.delay(sg2); d != memberCountDelay {
		t.Errorf("another group's first wake-up after %s, want %s", d, memberCountDelay)
	}
	now = now.Add(memberBurstDelay)
	if d := b.delay(sg1); d != memberCountDelay {
		t.Errorf("a wake-up after %s of quiet after %s, want %s", memberBurstDelay, d, memberCountDelay)
	}
}

// A holder's status writes that keep its claims wake none of its contenders; recording or
// dropping a claim, a spec that changes its claims and the start of its deletion wake them.
func TestHolderStatusWakesContendersOnlyWhenTheRankChanges(t *testing.T) {
	contender := notSynced(&vpcv1.NetworkInterface{ObjectMeta: wakeMeta("eni-2"),
		Spec: vpcv1.NetworkInterfaceSpec{Subnet: "subnet-1", PrivateIP: "10.0.1.10"}})
	c := wakeFixture(t, contender)
	old := get(t, c, "eni-1", &vpcv1.NetworkInterface{})
	old.Status.Claims = claimKeys(old)
	if len(old.Status.Claims) == 0 {
		t.Fatal("the interface claims nothing")
	}

	ready := old.DeepCopy()
	ready.Status.HostID = "host-1"
	ready.Status.MidoNetIDs = append(ready.Status.MidoNetIDs, "id-2")
	ready.Status.Conditions[0].Message = "in force except: something"
	ready.ResourceVersion = "2"
	expectWoken(t, "the holder's status write", woken(t, c, topology.KindNetworkInterface, old, ready))

	dropped := ready.DeepCopy()
	dropped.Status.Claims = nil
	expectWoken(t, "the holder dropping its claims", woken(t, c, topology.KindNetworkInterface, ready, dropped), "eni-2")
	expectWoken(t, "the holder recording its claims", woken(t, c, topology.KindNetworkInterface, dropped, ready), "eni-2")

	moved := ready.DeepCopy()
	moved.Spec.PrivateIP = "10.0.1.99"
	moved.Generation = 2
	expectWoken(t, "the holder's address changed", woken(t, c, topology.KindNetworkInterface, ready, moved), "eni-2")

	deleting := ready.DeepCopy()
	now := metav1.Now()
	deleting.DeletionTimestamp = &now
	expectWoken(t, "the holder's deletion", woken(t, c, topology.KindNetworkInterface, ready, deleting), "eni-2")
}
