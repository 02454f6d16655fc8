package controllers

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/topology"
)

// Controllers are the reconcilers of every kind, set up on one manager.
type Controllers struct {
	deps  *Deps
	drift map[string]chan event.GenericEvent
	kinds map[string]kindObjects
}

// WithoutGarbageCollector says the control plane runs no garbage collector (the dev control
// plane, envtest): the reconcilers finish kubectl delete --cascade=orphan themselves by
// removing the orphan finalizer. Call it before the manager starts.
func (c *Controllers) WithoutGarbageCollector() { c.deps.noGC.Store(true) }

// Setup registers the field indexes and one controller per kind with the manager.
func Setup(ctx context.Context, mgr manager.Manager, engine Engine, maxConcurrent int) (*Controllers, error) {
	if maxConcurrent < 1 {
		maxConcurrent = 1
	}
	d := &Deps{
		Client:                  mgr.GetClient(),
		Recorder:                mgr.GetEventRecorderFor("midovpc"),
		Engine:                  engine,
		MaxConcurrentReconciles: maxConcurrent,
		DependencyRetry:         10 * time.Second,
		noGC:                    &atomic.Bool{},
		Acting:                  &actingClaims{},
		writes:                  &ownWrites{},
		waits:                   &waitClocks{},
		leftOut:                 &leftOutClocks{},
	}
	if err := setupIndexes(ctx, mgr); err != nil {
		return nil, err
	}
	cs := &Controllers{deps: d, drift: map[string]chan event.GenericEvent{}, kinds: map[string]kindObjects{}}
	rtids := &ids{}
	mdids := &ids{}
	w := kindWatches(d.Client)
	// Registered one after another; a failure stops the manager's setup.
	for _, err := range []error{
		register(cs, mgr, coreNetworkKind(d), &vpcv1.CoreNetwork{}, w[topology.KindCoreNetwork]...),
		register(cs, mgr, vpcKind(d, rtids), &vpcv1.Vpc{}, w[topology.KindVpc]...),
		register(cs, mgr, subnetKind(d), &vpcv1.Subnet{}, w[topology.KindSubnet]...),
		register(cs, mgr, securityGroupKind(d), &vpcv1.SecurityGroup{}, w[topology.KindSecurityGroup]...),
		register(cs, mgr, networkInterfaceKind(d, mdids), &vpcv1.NetworkInterface{}, w[topology.KindNetworkInterface]...),
		register(cs, mgr, elasticIPKind(d), &vpcv1.ElasticIP{}, w[topology.KindElasticIP]...),
		register(cs, mgr, routeTableKind(d), &vpcv1.RouteTable{}, w[topology.KindRouteTable]...),
		register(cs, mgr, internetGatewayKind(d), &vpcv1.InternetGateway{}, w[topology.KindInternetGateway]...),
		register(cs, mgr, natGatewayKind(d, rtids), &vpcv1.NatGateway{}, w[topology.KindNatGateway]...),
		register(cs, mgr, networkACLKind(d), &vpcv1.NetworkAcl{}, w[topology.KindNetworkAcl]...),
		register(cs, mgr, dhcpOptionSetKind(d), &vpcv1.DhcpOptionSet{}, w[topology.KindDhcpOptionSet]...),
	} {
		if err != nil {
			return nil, err
		}
	}
	return cs, nil
}

// kindWatches are, per kind, the watches that wake its objects when something they read
// changes (decision 7), each passing only the changes its objects read (wakeups.go).
func kindWatches(c client.Client) map[string][]watchSpec {
	viaTargets := []hop{byIndex(routeTables, idxRouteTargets), byIndex(subnets, idxRouteTable)}
	memberCounts := &burstDelays{short: memberCountDelay, long: memberBurstDelay, now: time.Now}
	return map[string][]watchSpec{
		topology.KindCoreNetwork: {
			watch(&vpcv1.Vpc{}, onChange(lifecycleChanged, whileCoreDeleting(c))),
			watch(&vpcv1.NatGateway{}, onChange(lifecycleChanged, whileCoreDeleting(c))),
		},
		topology.KindVpc: {
			watch(&vpcv1.CoreNetwork{}, coreChanges(enqueueAll(c, vpcs))), watch(&vpcv1.Vpc{}, enqueueContenders(c, vpcs)),
			// Its children only matter to its deletion, which waits for them to be gone.
			watch(&vpcv1.Subnet{}, onChange(lifecycleChanged, mapVia(c, vpcOf, vpcDeleting))),
			watch(&vpcv1.SecurityGroup{}, onChange(lifecycleChanged, mapVia(c, vpcOf, vpcDeleting))),
			watch(&vpcv1.RouteTable{}, onChange(lifecycleChanged, mapVia(c, vpcOf, vpcDeleting))),
			watch(&vpcv1.NetworkAcl{}, onChange(lifecycleChanged, mapVia(c, vpcOf, vpcDeleting))),
		},
		topology.KindSubnet: {
			watch(&vpcv1.CoreNetwork{}, coreChanges(enqueueAll(c, subnets))),
			// The subnets of a VPC read each other as hosts of route targets (in force) and as
			// CIDRs that must not overlap (claims).
			watch(&vpcv1.Subnet{}, enqueueContenders(c, subnets)),
			watch(&vpcv1.Subnet{}, onChange(claimsChanged, mapVia(c, vpcOf, byIndex(subnets, idxVPC)))),
			watch(&vpcv1.Vpc{}, onChange(readinessChanged, mapVia(c, self, byIndex(subnets, idxVPC)))),
			watch(&vpcv1.NetworkAcl{}, onChange(readinessChanged, mapVia(c, self, byIndex(subnets, idxNetworkACL)))),
			watch(&vpcv1.RouteTable{}, onChange(lifecycleChanged, mapVia(c, self, byIndex(subnets, idxRouteTable)))),
			watch(&vpcv1.DhcpOptionSet{}, onChange(lifecycleChanged, mapVia(c, self, byIndex(vpcs, idxDHCPOptionSet), byIndex(subnets, idxVPC)))),
			watch(&vpcv1.InternetGateway{}, onChange(lifecycleChanged, mapVia(c, vpcOf, byIndex(subnets, idxVPC)))),
			watch(&vpcv1.NatGateway{}, onChange(readinessChanged, mapVia(c, self, viaTargets...))),
			watch(&vpcv1.NatGateway{}, onChange(lifecycleChanged, mapVia(c, subnetOf, subnetDeleting))),
			// An interface matters to its subnet as a route target (viaTargets, at once) and
			// as a child its deletion waits for: that wake-up is coalesced, not one
			// reconcile of the subnet per event of each of its interfaces.
			watch(&vpcv1.NetworkInterface{}, onChange(readinessChanged, mapVia(c, self, viaTargets...))),
			watch(&vpcv1.NetworkInterface{}, onChange(lifecycleChanged, coalesced(mapVia(c, subnetOf, subnetDeleting), memberWakeDelay))),
		},
		topology.KindSecurityGroup: {
			// Members only change the group's count (status.members) and let a deleted group
			// go: coalesced, not one reconcile per member event; the count, which nothing
			// waits for, over a longer time (a thousand interfaces arriving after a restart
			// rewrote each group's count every second).
			watch(&vpcv1.NetworkInterface{}, onChange(lifecycleChanged, coalesced(mapVia(c, groupsOf, groupDeleting), memberWakeDelay))),
			watch(&vpcv1.NetworkInterface{}, onChange(lifecycleChanged, coalescedBy(mapVia(c, groupsOf), memberCounts.delay))),
			watch(&vpcv1.SecurityGroup{}, onChange(readinessChanged, mapVia(c, self, byIndex(groups, idxGroupRefs)))),
			watch(&vpcv1.SecurityGroup{}, enqueueContenders(c, groups)),
			// A group being deleted is in force for the rules naming it while interfaces use
			// it (groupInForce): the last of them gone wakes those groups, which drop it; each
			// that has (its pendingGroups) wakes the group, whose deletion waits for them.
			watch(&vpcv1.NetworkInterface{}, onChange(lifecycleChanged, coalesced(mapVia(c, groupsOf, groupDeleting, byIndex(groups, idxGroupRefs)), memberWakeDelay))),
			watch(&vpcv1.SecurityGroup{}, onChange(pendingGroupsChanged, mapVia(c, referencedOf, groupDeleting))),
		},
		topology.KindNetworkInterface: {
			watch(&vpcv1.CoreNetwork{}, coreChanges(enqueueAll(c, interfaces))),
			watch(&vpcv1.NetworkInterface{}, enqueueContenders(c, interfaces)), watch(&vpcv1.NatGateway{}, enqueueContenders(c, interfaces)),
			watch(&vpcv1.Subnet{}, onChange(readinessChanged, mapVia(c, self, byIndex(interfaces, idxSubnet)))),
			watch(&vpcv1.Vpc{}, onChange(readinessChanged, mapVia(c, self, byIndex(subnets, idxVPC), byIndex(interfaces, idxSubnet)))),
			watch(&vpcv1.SecurityGroup{}, onChange(readinessChanged, mapVia(c, self, byIndex(interfaces, idxSecurityGroups)))),
			watch(&vpcv1.DhcpOptionSet{}, onChange(lifecycleChanged, mapVia(c, self, byIndex(vpcs, idxDHCPOptionSet), byIndex(subnets, idxVPC), byIndex(interfaces, idxSubnet)))),
		},
		topology.KindElasticIP: {
			watch(&vpcv1.NetworkInterface{}, onChange(readinessChanged, mapVia(c, self, byIndex(elasticIPs, idxInterface)))),
			watch(&vpcv1.CoreNetwork{}, coreChanges(enqueueAll(c, elasticIPs))),
			watch(&vpcv1.ElasticIP{}, enqueueContenders(c, elasticIPs)), watch(&vpcv1.NatGateway{}, enqueueContenders(c, elasticIPs)),
			watch(&vpcv1.Vpc{}, onChange(readinessChanged, mapVia(c, self, byIndex(subnets, idxVPC), byIndex(interfaces, idxSubnet), byIndex(elasticIPs, idxInterface)))),
		},
		topology.KindRouteTable: {
			watch(&vpcv1.Vpc{}, onChange(lifecycleChanged, mapVia(c, self, byIndex(routeTables, idxVPC)))),
			watch(&vpcv1.Subnet{}, onChange(skippedRoutesChanged, mapVia(c, func(o client.Object) []string { return nonEmpty(o.(*vpcv1.Subnet).Spec.RouteTable) }))),
		},
		topology.KindInternetGateway: {
			watch(&vpcv1.Vpc{}, onChange(lifecycleChanged, mapVia(c, self, byIndex(gateways, idxVPC)))),
		},
		topology.KindNatGateway: {
			watch(&vpcv1.CoreNetwork{}, coreChanges(enqueueAll(c, natGateways))),
			watch(&vpcv1.NatGateway{}, enqueueContenders(c, natGateways)), watch(&vpcv1.NetworkInterface{}, enqueueContenders(c, natGateways)),
			watch(&vpcv1.ElasticIP{}, enqueueContenders(c, natGateways)),
			watch(&vpcv1.Subnet{}, onChange(readinessChanged, mapVia(c, self, byIndex(natGateways, idxSubnet)))),
			watch(&vpcv1.Vpc{}, onChange(readinessChanged, mapVia(c, self, byIndex(subnets, idxVPC), byIndex(natGateways, idxSubnet)))),
		},
		topology.KindNetworkAcl: {
			watch(&vpcv1.Subnet{}, onChange(lifecycleChanged, mapVia(c, func(o client.Object) []string { return nonEmpty(o.(*vpcv1.Subnet).Spec.NetworkACL) }))),
			watch(&vpcv1.NetworkAcl{}, enqueueContenders(c, acls)),
		},
		topology.KindDhcpOptionSet: {
			watch(&vpcv1.Vpc{}, onChange(lifecycleChanged, mapVia(c, func(o client.Object) []string { return nonEmpty(o.(*vpcv1.Vpc).Spec.DHCPOptionSet) }))),
		},
	}
}

// retryLimiter spaces the retries of one object (conflicts on our own writes, MidoNet
// errors) with exponential back-off, as controller-runtime does by default, but without the
// default's overall bucket of 10 retries a second per controller: converging a thousand
// interfaces starts with about as many conflicts on their first status writes, and that bucket
// held the whole cloud behind it for minutes while MidoNet sat idle.
func retryLimiter() workqueue.TypedRateLimiter[reconcile.Request] {
	return workqueue.NewTypedItemExponentialFailureRateLimiter[reconcile.Request](5*time.Millisecond, 1000*time.Second)
}

type watchSpec struct {
	obj client.Object
	h   handler.EventHandler
}

func watch(obj client.Object, h handler.EventHandler) watchSpec { return watchSpec{obj, h} }

// register builds the controller of one kind: its own objects, the watches that wake it
// when something it refers to changes, and a channel on which drift found in MidoNet
// requeues its owners.
func register[T object](cs *Controllers, mgr manager.Manager, k kind[T], forObj T, watches ...watchSpec) error {
	r := &reconciler[T]{Deps: *cs.deps, kind: k}
	ch := make(chan event.GenericEvent, 1024)
	cs.drift[k.name] = ch
	gvks, _, err := mgr.GetScheme().ObjectKinds(forObj)
	if err != nil || len(gvks) == 0 {
		return fmt.Errorf("kind of %T: %w", forObj, err)
	}
	cs.kinds[k.name] = kindObjects{
		newObj: func() client.Object { return k.newObj() },
		newList: func() client.ObjectList {
			l, _ := mgr.GetScheme().New(gvks[0].GroupVersion().WithKind(gvks[0].Kind + "List"))
			return l.(client.ObjectList)
		},
	}
	b := builder.ControllerManagedBy(mgr).
		For(forObj, builder.WithPredicates(cs.deps.writes.notOwn())).
		Named(k.name).
		WithOptions(controller.Options{MaxConcurrentReconciles: cs.deps.MaxConcurrentReconciles, RateLimiter: retryLimiter()}).
		WatchesRawSource(source.Channel(ch, &handler.EnqueueRequestForObject{}))
	for _, w := range watches {
		b = b.Watches(w.obj, w.h)
	}
	return b.Complete(r)
}

// Requeue wakes the owners of MidoNet objects that drifted behind our back. The engine knows
// owners from its own syncs; the resource that owns the same cloud id now (any namespace) is
// woken too, so drift is repaired by the owner whoever was recorded for the object.
func (cs *Controllers) Requeue(owners []topology.Owner) {
	ctx := context.Background()
	for _, o := range owners {
		ch, ok := cs.drift[o.Kind]
		if !ok {
			continue
		}
		keys := []client.ObjectKey{{Namespace: o.Namespace, Name: o.Name}}
		if k, ok := cs.kinds[o.Kind]; ok {
			keys = append(keys, k.sameID(ctx, cs.deps.Client, client.ObjectKey{Namespace: o.Namespace, Name: o.Name})...)
		}
		for _, key := range keys {
			obj := &vpcv1.Vpc{} // any object: the handler only reads namespace and name
			obj.SetNamespace(key.Namespace)
			obj.SetName(key.Name)
			select {
			case ch <- event.GenericEvent{Object: obj}:
			default: // the queue is full: a requeue is already pending
			}
		}
	}
}

// kindObjects builds a kind's objects and lists, for Requeue.
type kindObjects struct {
	newObj  func() client.Object
	newList func() client.ObjectList
}

// sameID lists the objects of the kind that claim the same cloud id as the object at key (or,
// when it is gone, that have the same name), in any namespace.
func (k kindObjects) sameID(ctx context.Context, c client.Client, key client.ObjectKey) []client.ObjectKey {
	var out []client.ObjectKey
	obj := k.newObj()
	if err := c.Get(ctx, key, obj); err == nil {
		for _, cl := range claimsOf(obj) {
			if !cl.identity() {
				continue
			}
			others, err := contenders(ctx, c, obj, cl)
			if err != nil {
				continue
			}
			for _, o := range others {
				out = append(out, client.ObjectKeyFromObject(o.obj))
			}
		}
		return out
	}
	l := k.newList()
	if err := c.List(ctx, l); err != nil {
		return nil
	}
	items, _ := itemsOf(l)
	for _, o := range items {
		if o.GetName() == key.Name && o.GetNamespace() != key.Namespace {
			out = append(out, client.ObjectKeyFromObject(o))
		}
	}
	return out
}
