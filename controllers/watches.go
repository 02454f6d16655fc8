package controllers

import (
	"context"
	"maps"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/event"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// A hop turns objects into the names of related objects of the next kind, in the same
// namespace. Hops compose into the watches of decision 7: a change reaches exactly the
// objects that refer to it.
type hop func(ctx context.Context, c client.Client, ns string, names []string) []string

// byIndex follows a field index backwards: the objects of a list kind whose field holds one
// of the names.
func byIndex(newList func() client.ObjectList, field string) hop {
	return func(ctx context.Context, c client.Client, ns string, names []string) []string {
		var out []string
		for _, n := range names {
			l := newList()
			if err := c.List(ctx, l, client.InNamespace(ns), client.MatchingFields{field: n}, client.UnsafeDisableDeepCopy); err != nil {
				continue
			}
			items, _ := itemsOf(l)
			for _, o := range items {
				out = append(out, o.GetName())
			}
		}
		return out
	}
}

// mapVia starts from a changed object's own names (start) and follows the hops.
func mapVia(c client.Client, start func(client.Object) []string, hops ...hop) handler.EventHandler {
	return handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
		names := start(o)
		for _, h := range hops {
			if len(names) == 0 {
				return nil
			}
			names = h(ctx, c, o.GetNamespace(), names)
		}
		seen := map[string]bool{}
		var reqs []reconcile.Request
		for _, n := range names {
			if n != "" && !seen[n] {
				seen[n] = true
				reqs = append(reqs, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: o.GetNamespace(), Name: n}})
			}
		}
		return reqs
	})
}

// whileDeleting keeps the names of the objects (of the woken kind, read from the cache) that
// are being deleted: a child matters to its parent only then, whose deletion waits for its
// children to be gone. Without it every interface created woke its subnet, and every subnet,
// group, route table and ACL its VPC, for reconciles that read nothing of them. A parent
// whose deletion starts after the child's event lists its children anew.
func whileDeleting(newObj func() client.Object) hop {
	return func(ctx context.Context, c client.Client, ns string, names []string) []string {
		var out []string
		for _, n := range names {
			o := newObj()
			err := c.Get(ctx, types.NamespacedName{Namespace: ns, Name: n}, o, client.UnsafeDisableDeepCopy)
			if err == nil && !o.GetDeletionTimestamp().IsZero() {
				out = append(out, n)
			}
		}
		return out
	}
}

// self starts from the changed object's own name.
func self(o client.Object) []string { return []string{o.GetName()} }

// enqueueAll wakes every object of a kind (for changes of the cluster-wide CoreNetwork).
func enqueueAll(c client.Client, newList func() client.ObjectList) handler.EventHandler {
	return handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, _ client.Object) []reconcile.Request {
		l := newList()
		if err := c.List(ctx, l, client.UnsafeDisableDeepCopy); err != nil {
			return nil
		}
		items, _ := itemsOf(l)
		reqs := make([]reconcile.Request, 0, len(items))
		for _, o := range items {
			reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(o)})
		}
		return reqs
	})
}

// coalesced delays the wake-ups h makes by d, so that a burst of events (the members of a
// security group created one after another, each with its status writes) costs one
// reconcile of the woken object per d instead of one per event: the workqueue keeps one
// delayed entry per object. Only for wake-ups that nothing waits on promptly (a count in
// status, a deletion waiting for its users to be gone).
func coalesced(h handler.EventHandler, d time.Duration) handler.EventHandler {
	return coalescedBy(h, func(reconcile.Request) time.Duration { return d })
}

// coalescedBy is coalesced with a delay chosen per woken object.
func coalescedBy(h handler.EventHandler, delay func(reconcile.Request) time.Duration) handler.EventHandler {
	wrap := func(q workqueue.TypedRateLimitingInterface[reconcile.Request]) workqueue.TypedRateLimitingInterface[reconcile.Request] {
		return delayedQueue{q, delay}
	}
	return handler.TypedFuncs[client.Object, reconcile.Request]{
		CreateFunc: func(ctx context.Context, e event.CreateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			h.Create(ctx, e, wrap(q))
		},
		UpdateFunc: func(ctx context.Context, e event.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			h.Update(ctx, e, wrap(q))
		},
		DeleteFunc: func(ctx context.Context, e event.DeleteEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			h.Delete(ctx, e, wrap(q))
		},
		GenericFunc: func(ctx context.Context, e event.GenericEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			h.Generic(ctx, e, wrap(q))
		},
	}
}

// delayedQueue turns Add into AddAfter.
type delayedQueue struct {
	workqueue.TypedRateLimitingInterface[reconcile.Request]
	delay func(reconcile.Request) time.Duration
}

func (q delayedQueue) Add(r reconcile.Request) { q.AddAfter(r, q.delay(r)) }

// memberWakeDelay coalesces the wake-ups of a security group or subnet being deleted by its
// members or interfaces; memberCountDelay those of a group by its members for their count,
// memberBurstDelay while they keep coming (burstDelays). The workqueue keeps the earlier of two.
const (
	memberWakeDelay  = time.Second
	memberCountDelay = 5 * time.Second
	memberBurstDelay = 30 * time.Second
)

// burstDelays gives an object the short delay, and the long one when it was woken twice
// already within the long delay: a member or two added by hand show in their group's count
// within 5 s, while a cloud arriving at once (10,000 interfaces created over two minutes, 25
// per group) rewrites each group's count every 30 s rather than every 5 (at 10,000 interfaces
// 4,000 status writes of the cold converge's 33,000 were counts).
type burstDelays struct {
	short, long time.Duration
	now         func() time.Time

	mu   sync.Mutex
	last map[reconcile.Request][2]time.Time // the last two wake-ups, the latest second
}

func (b *burstDelays) delay(r reconcile.Request) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if b.last == nil {
		b.last = map[reconcile.Request][2]time.Time{}
	}
	if len(b.last) > 4096 {
		for k, t := range b.last {
			if now.Sub(t[1]) >= b.long {
				delete(b.last, k)
			}
		}
	}
	d := b.short
	t, ok := b.last[r]
	if ok && !t[0].IsZero() && now.Sub(t[0]) < b.long {
		d = b.long
	}
	b.last[r] = [2]time.Time{t[1], now}
	return d
}

// coreChanges passes on the CoreNetwork events its dependents act on: creation, deletion,
// a spec change (generation), labels, annotations, the start of its deletion, and a change
// of whether it is synced or Ready (references wait for it to be in MidoNet). It drops the
// status writes that change none of these: the global-view runner patches status.globalView
// and a condition on every view applied and acknowledged, and the CoreNetwork's own syncs
// rewrite its status, each of which woke every object of five kinds (10,000 interfaces
// reconciled for nothing, several times per view).
func coreChanges(h handler.EventHandler) handler.EventHandler {
	return onChange(func(o, n client.Object) bool {
		oc, okO := o.(*vpcv1.CoreNetwork)
		nc, okN := n.(*vpcv1.CoreNetwork)
		return !okO || !okN || coreChanged(oc, nc)
	}, h)
}

// coreChanged tells whether an update of the CoreNetwork changes what its dependents read.
func coreChanged(o, n *vpcv1.CoreNetwork) bool {
	ready := func(cn *vpcv1.CoreNetwork) metav1.ConditionStatus {
		if c := meta.FindStatusCondition(cn.Status.Conditions, vpcv1.ConditionReady); c != nil {
			return c.Status
		}
		return ""
	}
	return o.Generation != n.Generation || !equality.Semantic.DeepEqual(o.Spec, n.Spec) ||
		!o.DeletionTimestamp.Equal(n.DeletionTimestamp) ||
		!maps.Equal(o.Labels, n.Labels) || !maps.Equal(o.Annotations, n.Annotations) ||
		synced(o) != synced(n) || ready(o) != ready(n)
}

// enqueueContenders wakes the objects of a kind, in any namespace, that want one of the
// changed object's claims (claims.go): a refused object takes over once the holder is gone,
// and a holder sees a newcomer. Only the updates that change what the ranking reads pass
// (rankChanged): the status writes that record a sync's result, one per object and sync, each
// listed every contender of every claim for nothing.
func enqueueContenders(c client.Client, newList func() client.ObjectList) handler.EventHandler {
	return onChange(rankChanged, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
		var reqs []reconcile.Request
		for _, key := range claimKeys(o) {
			l := newList()
			if err := c.List(ctx, l, client.MatchingFields{idxClaims: key}, client.UnsafeDisableDeepCopy); err != nil {
				continue
			}
			items, _ := itemsOf(l)
			for _, x := range items {
				if x.GetUID() != o.GetUID() {
					reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(x)})
				}
			}
		}
		return reqs
	}))
}

// Parents whose deletion waits for their children.
var (
	vpcDeleting    = whileDeleting(func() client.Object { return &vpcv1.Vpc{} })
	subnetDeleting = whileDeleting(func() client.Object { return &vpcv1.Subnet{} })
	groupDeleting  = whileDeleting(func() client.Object { return &vpcv1.SecurityGroup{} })
)

// whileCoreDeleting wakes the CoreNetwork while it is being deleted: it waits for the VPCs
// and NAT gateways to be gone, and reads nothing else of them.
func whileCoreDeleting(c client.Client) handler.EventHandler {
	return handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, _ client.Object) []reconcile.Request {
		key := types.NamespacedName{Name: vpcv1.CoreNetworkName}
		cn := &vpcv1.CoreNetwork{}
		if err := c.Get(ctx, key, cn, client.UnsafeDisableDeepCopy); err != nil || cn.DeletionTimestamp.IsZero() {
			return nil
		}
		return []reconcile.Request{{NamespacedName: key}}
	})
}

// Lists of each kind, for hops.
func subnets() client.ObjectList     { return &vpcv1.SubnetList{} }
func vpcs() client.ObjectList        { return &vpcv1.VpcList{} }
func interfaces() client.ObjectList  { return &vpcv1.NetworkInterfaceList{} }
func natGateways() client.ObjectList { return &vpcv1.NatGatewayList{} }
func routeTables() client.ObjectList { return &vpcv1.RouteTableList{} }
func groups() client.ObjectList      { return &vpcv1.SecurityGroupList{} }
func elasticIPs() client.ObjectList  { return &vpcv1.ElasticIPList{} }
func gateways() client.ObjectList    { return &vpcv1.InternetGatewayList{} }
func acls() client.ObjectList        { return &vpcv1.NetworkAclList{} }

// Forward references.
func subnetOf(o client.Object) []string {
	switch x := o.(type) {
	case *vpcv1.NetworkInterface:
		return nonEmpty(x.Spec.Subnet)
	case *vpcv1.NatGateway:
		return nonEmpty(x.Spec.Subnet)
	}
	return nil
}
func groupsOf(o client.Object) []string {
	if x, ok := o.(*vpcv1.NetworkInterface); ok {
		return x.Spec.SecurityGroups
	}
	return nil
}

// referencedOf: the groups a group's rules name.
func referencedOf(o client.Object) []string {
	if x, ok := o.(*vpcv1.SecurityGroup); ok {
		return referencedGroups(x)
	}
	return nil
}
func vpcOf(o client.Object) []string {
	switch x := o.(type) {
	case *vpcv1.Subnet:
		return nonEmpty(x.Spec.VPC)
	case *vpcv1.SecurityGroup:
		return nonEmpty(x.Spec.VPC)
	case *vpcv1.RouteTable:
		return nonEmpty(x.Spec.VPC)
	case *vpcv1.NetworkAcl:
		return nonEmpty(x.Spec.VPC)
	case *vpcv1.InternetGateway:
		return nonEmpty(x.Spec.VPC)
	}
	return nil
}
