package globalview

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"
	crcache "sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// FieldManager is the server-side apply field manager of projected objects.
const FieldManager = "midovpc-globalview"

// Applier writes projections to the API server: server-side apply of what changed,
// then pruning of projected objects that left the view.
type Applier struct {
	// Client reads and writes the projected kinds; the manager's (cached) client is fine.
	Client client.Client
	// Reader reads the namespace; defaults to Client. Give the manager's API reader when
	// the cache must not watch namespaces.
	Reader client.Reader
	// Workers is how many objects of one kind are applied at once; DefaultApplyWorkers
	// when 0.
	Workers int
	// Finalizers go on every object applied. The manager gives the controllers' finalizer,
	// so that a projected object is created with it rather than updated a second time by
	// its reconciler (on a fresh control plane, one update fewer per object). Every apply
	// carries them: one that left them out would remove them, as server-side apply removes
	// the fields a manager owned and no longer sends. They are not compared: an object
	// that has them already from its reconciler is not written again for them.
	Finalizers []string
	// Informers, when set, are the informers of the cache Client reads from: the live objects
	// are then taken from their namespace index as they are, not through List, which copies
	// every object into a typed list (13,600 at 10,000 interfaces, on every view and every
	// repair). The manager gives its cache.
	Informers crcache.Informers

	// confirmed is what the last Apply found up to date, per projected object: the projected
	// copy it compared and the cluster's resourceVersion it compared it with. A later Apply
	// whose projected copy has the same content, over a cluster object still at that
	// resourceVersion, needs no comparison with the cluster: nothing on either side changed.
	// At 10,000 interfaces the full comparison of every object took 0.5–1.2 s of an edit's
	// time and a copy of each, while one rule changed. Only the runner's goroutine uses it.
	confirmed map[ObjectRef]confirmation
}

// confirmation is one object found up to date by an Apply.
type confirmation struct {
	obj       client.Object // the projected object (a projection's own, never changed)
	rv        string        // the cluster's resourceVersion it was compared with
	parentUID types.UID     // the owner reference it was compared with ("" for none)
}

// ApplyResult says what one Apply did.
type ApplyResult struct {
	// Created, Updated, Unchanged and Deleted count projected objects.
	Created, Updated, Unchanged, Deleted int
	// Changes are the objects created, updated and deleted, in no particular order (what a
	// repair names).
	Changes []Change
	// Writes counts every write call made (namespace create, applies, deletes).
	Writes int
	// Generations is the metadata.generation of every projected object after the apply:
	// Ready must be reported for at least this generation before the view is acknowledged.
	Generations map[ObjectRef]int64
	// Pruned lists the projected objects the view dropped that are deleted or still being
	// deleted (their finalizers remove their MidoNet objects), with the UID deleted: the
	// view is acknowledged only once they are gone.
	Pruned map[ObjectRef]types.UID
	// Terminating lists projected objects that could not be applied because an earlier
	// version of them is still being deleted; apply again once they are gone.
	Terminating []ObjectRef
	// Timings says where the time went.
	Timings ApplyTimings
}

// Apply makes the cluster hold p: it creates the namespace if missing, applies every
// object whose spec, labels, annotations or owner references differ from the cluster's
// (parents first, so that children reference their UIDs), and deletes the objects
// labelled as projected that p no longer holds, children first. Objects without the
// source label are never deleted. Projecting the same content twice writes nothing.
//
// Every object is compared with the cluster's once; the dry run and the apply then go
// through the changed objects only, so that one rule edited in a view of 10,000
// interfaces costs two API calls, not two passes over every object.
func (a *Applier) Apply(ctx context.Context, p *Projection) (*ApplyResult, error) {
	return a.ApplyWith(ctx, p, ApplyOptions{})
}

// ApplyOptions change how ApplyWith applies.
type ApplyOptions struct {
	// Acknowledged says that MidoNet held exactly this view when it was last acknowledged (the
	// runner's record of the acknowledged file's hash, AcknowledgedFileName). The objects are
	// then applied without the dry run. The dry run keeps a view the API server refuses from
	// being half applied, so that no part of a refused view reaches MidoNet; but the parts of a
	// view MidoNet already holds are adopted without a write, in any subset and any order (the
	// reconcilers' guarantee, controllers/adopt_test.go), so half of such a view is harmless,
	// and a refusal is reported as ever. On a fresh control plane every object is created again,
	// and the dry run was a third of the API server's work (at 1,000 interfaces 14.5–17.3 s to
	// the acknowledgement with it, 11.9–12.1 without).
	Acknowledged bool
}

// ApplyWith is Apply with options.
func (a *Applier) ApplyWith(ctx context.Context, p *Projection, opts ApplyOptions) (*ApplyResult, error) {
	res := &ApplyResult{Generations: map[ObjectRef]int64{}, Pruned: map[ObjectRef]types.UID{}}
	if err := a.ensureNamespace(ctx, p.Namespace, res); err != nil {
		return res, err
	}
	start := time.Now()
	live, err := a.liveObjects(ctx, p.Namespace)
	if err != nil {
		return res, err
	}
	res.Timings.List = time.Since(start)
	start = time.Now()
	confirmed := make(map[ObjectRef]confirmation, len(a.confirmed))
	changed, err := a.plan(p, live, res, confirmed)
	a.confirmed = confirmed // what this plan compared; whatever happens next, it was true
	if err != nil {
		return res, err
	}
	res.Timings.Compare = time.Since(start)
	// A dry run first: the API server validates every object that would change (CEL
	// rules, limits), so that a view it refuses is refused whole and nothing is written.
	start = time.Now()
	if !opts.Acknowledged {
		if err := a.applyAll(ctx, changed, live, true, &ApplyResult{Generations: map[ObjectRef]int64{}}); err != nil {
			return res, err
		}
	}
	res.Timings.DryRun = time.Since(start)
	start = time.Now()
	if err := a.applyAll(ctx, changed, live, false, res); err != nil {
		return res, err
	}
	res.Timings.Apply = time.Since(start)
	wanted := map[ObjectRef]bool{}
	for _, obj := range p.Objects() {
		wanted[refOf(obj)] = true
	}
	start = time.Now()
	err = a.prune(ctx, live, wanted, res)
	res.Timings.Prune = time.Since(start)
	return res, err
}

// ApplyTimings says where an Apply spent its time.
type ApplyTimings struct {
	List, Compare, DryRun, Apply, Prune time.Duration
}

// RefusedError is the API server refusing a projected object as invalid: the view is
// rejected like one that does not validate.
type RefusedError struct {
	Object ObjectRef
	Err    error
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("the API server refuses %s: %v", e.Object, e.Err)
}

func (e *RefusedError) Unwrap() error { return e.Err }

// DefaultApplyWorkers is how many objects of one kind Apply writes at once.
const DefaultApplyWorkers = 16

// change is a projected object that differs from the cluster's copy (cur, nil when absent).
type change struct {
	obj client.Object
	ref ObjectRef
	cur client.Object
}

// action is what applying the change does: create (the cluster has no copy) or update.
func (c change) action() string {
	if c.cur == nil {
		return "create"
	}
	return "update"
}

// plan compares every object of p with the cluster's copy, in apply order. Unchanged
// objects go into res (their generation to wait for) and into confirmed; objects that cannot
// be applied now because they or their parent are being deleted go into res.Terminating; the
// rest are returned in apply order. An object the last Apply confirmed, whose projected
// content and cluster resourceVersion are the same as then, is unchanged without a comparison.
func (a *Applier) plan(p *Projection, live map[ObjectRef]client.Object, res *ApplyResult, confirmed map[ObjectRef]confirmation) ([]change, error) {
	blocked, creating := map[ObjectRef]bool{}, map[ObjectRef]bool{}
	var changed []change
	for _, obj := range p.Objects() {
		ref, cur := refOf(obj), live[refOf(obj)]
		parent, hasParent := parentOf(obj)
		if (cur != nil && cur.GetDeletionTimestamp() != nil) || (hasParent && blocked[parent]) {
			// Applying now would resurrect nothing: the object (or its parent) is on its way
			// out and takes its children with it.
			res.Terminating = append(res.Terminating, ref)
			blocked[ref] = true
			continue
		}
		if cur == nil {
			creating[ref] = true
			changed = append(changed, change{obj: obj, ref: ref})
			continue
		}
		if hasParent && creating[parent] {
			// The parent is created by this apply: the child takes its new UID.
			changed = append(changed, change{obj: obj, ref: ref, cur: cur})
			continue
		}
		var parentUID types.UID
		if pl := live[parent]; hasParent && pl != nil {
			parentUID = pl.GetUID()
		}
		rv := cur.GetResourceVersion()
		same := false
		if c, ok := a.confirmed[ref]; ok && c.rv == rv && c.parentUID == parentUID && rv != "" {
			same = c.obj == obj || sameContent(c.obj, obj)
		}
		if !same {
			var err error
			if same, err = sameAsLive(obj, parent, hasParent, parentUID, cur); err != nil {
				return nil, fmt.Errorf("compare %s: %w", ref, err)
			}
		}
		if same {
			confirmed[ref] = confirmation{obj: obj, rv: rv, parentUID: parentUID}
			res.Generations[ref] = cur.GetGeneration()
			res.Unchanged++
			continue
		}
		changed = append(changed, change{obj: obj, ref: ref, cur: cur})
	}
	return changed, nil
}

// sameAsLive tells whether applying obj, with its parent as owner reference when the
// parent's UID is known, would change nothing we care about in cur: the typed comparison
// when everything is equal (cheap, no copy), else the field-ownership-aware comparison of
// upToDate.
func sameAsLive(obj client.Object, parent ObjectRef, hasParent bool, uid types.UID, cur client.Object) (bool, error) {
	// An object the view did not apply (written with kubectl from kubectl-midovpc import's
	// output, say) is applied once, equal or not: the view then owns it, and deletes it when
	// a later view drops it (appliedByView).
	if !appliedByView(cur) {
		return false, nil
	}
	refs := obj.GetOwnerReferences()
	if hasParent && uid != "" {
		refs = ownerReferencesTo(parent, uid)
	}
	if sameTyped(obj, refs, cur) {
		return true, nil
	}
	m, err := manifest(withOwner(obj, parent, hasParent, uid))
	if err != nil {
		return false, err
	}
	return upToDate(m, cur)
}

// withOwner returns a copy of obj with its parent as owner reference when the parent's
// UID is known.
func withOwner(obj client.Object, parent ObjectRef, hasParent bool, uid types.UID) client.Object {
	desired := obj.DeepCopyObject().(client.Object)
	if hasParent && uid != "" {
		desired.SetOwnerReferences(ownerReferencesTo(parent, uid))
	}
	return desired
}

// ownerReferencesTo is the owner reference a projected child carries to its parent.
func ownerReferencesTo(parent ObjectRef, uid types.UID) []metav1.OwnerReference {
	return []metav1.OwnerReference{{
		APIVersion:         vpcv1.GroupVersion.String(),
		Kind:               parent.Kind,
		Name:               parent.Name,
		UID:                uid,
		BlockOwnerDeletion: ptrTo(true),
		Controller:         ptrTo(false),
	}}
}

// applyAll applies the changed objects, kind after kind in apply order (parents before
// children, whose owner references take the parents' UIDs), the objects of one kind
// concurrently: at 10,000 interfaces one at a time is 10,000 round trips to the API server
// end to end. With dryRun nothing is persisted.
func (a *Applier) applyAll(ctx context.Context, changed []change, live map[ObjectRef]client.Object, dryRun bool, res *ApplyResult) error {
	uids := make(map[ObjectRef]types.UID, len(live))
	for ref, obj := range live {
		uids[ref] = obj.GetUID()
	}
	if dryRun {
		// Nothing persists, so nothing waits for a parent's UID (a child of a parent created by
		// this apply is validated without its owner reference, which is ours and well formed):
		// every kind at once, without a pause at the end of each for its slowest request.
		return a.applyKind(ctx, changed, uids, true, res)
	}
	for start := 0; start < len(changed); {
		end := start + 1
		for end < len(changed) && changed[end].ref.Kind == changed[start].ref.Kind {
			end++
		}
		if err := a.applyKind(ctx, changed[start:end], uids, dryRun, res); err != nil {
			return err
		}
		start = end
	}
	return nil
}

// applied is what applying one object found out, merged into uids and the result in
// projection order once its kind is done (so results do not depend on timing).
type applied struct {
	res ApplyResult
	uid types.UID
	err error
}

// applyKind applies changed objects of one kind, whose parents (earlier kinds) are done,
// with up to Workers at once. uids is only read while it runs.
func (a *Applier) applyKind(ctx context.Context, changed []change, uids map[ObjectRef]types.UID, dryRun bool, res *ApplyResult) error {
	workers := a.Workers
	if workers <= 0 {
		workers = DefaultApplyWorkers
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := make([]applied, len(changed))
	next := make(chan int)
	var failOnce sync.Once
	var firstErr error
	var wg sync.WaitGroup
	for range min(workers, len(changed)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				o := &out[i]
				o.res.Generations = map[ObjectRef]int64{}
				o.uid, o.err = a.applyOne(ctx, changed[i], uids, dryRun, &o.res)
				if o.err != nil {
					// The first failure is the one to report; the others may only be
					// its cancellation.
					failOnce.Do(func() { firstErr = o.err })
					cancel()
				}
			}
		}()
	}
feed:
	for i := range changed {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	for i, o := range out {
		if o.err != nil {
			continue
		}
		if o.uid != "" {
			uids[changed[i].ref] = o.uid
		}
		res.Created += o.res.Created
		res.Updated += o.res.Updated
		res.Changes = append(res.Changes, o.res.Changes...)
		res.Writes += o.res.Writes
		maps.Copy(res.Generations, o.res.Generations)
	}
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// applyOne applies one changed object with its parent (an earlier kind, in uids) as owner
// reference, and returns its UID.
func (a *Applier) applyOne(ctx context.Context, c change, uids map[ObjectRef]types.UID, dryRun bool, res *ApplyResult) (types.UID, error) {
	parent, hasParent := parentOf(c.obj)
	m, err := manifest(withOwner(c.obj, parent, hasParent, uids[parent]))
	if err != nil {
		return "", err
	}
	u := &unstructured.Unstructured{Object: m}
	if len(a.Finalizers) > 0 {
		u.SetFinalizers(a.Finalizers)
	}
	opts := []client.ApplyOption{client.FieldOwner(FieldManager), client.ForceOwnership}
	if dryRun {
		opts = append(opts, client.DryRunAll)
	} else {
		res.Writes++
	}
	if err := a.Client.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), opts...); err != nil {
		if apierrors.IsInvalid(err) || apierrors.IsBadRequest(err) {
			return "", &RefusedError{Object: c.ref, Err: err}
		}
		return "", fmt.Errorf("apply %s: %w", c.ref, err)
	}
	res.Generations[c.ref] = u.GetGeneration()
	if c.cur == nil {
		res.Created++
	} else {
		res.Updated++
	}
	if !dryRun {
		res.Changes = append(res.Changes, Change{Action: c.action(), Object: c.ref})
	}
	return u.GetUID(), nil
}

// appliedByView tells whether obj is a projected object: labelled as one, and applied by the
// view (its managedFields hold the applier's entry). The label alone is not enough: an object
// written with kubectl from a copy of a projected one (kubectl get -o yaml, renamed) carries
// it too, and was deleted as if the view had dropped it. An object whose applier entry is gone
// (every field it set taken over by another manager) is left for its new owner.
func appliedByView(obj client.Object) bool {
	return obj.GetLabels()[vpcv1.SourceLabel] == vpcv1.SourceGlobalView && slices.ContainsFunc(obj.GetManagedFields(), isProjectionEntry)
}

// prune deletes, children before parents, the projected objects the view dropped.
func (a *Applier) prune(ctx context.Context, live map[ObjectRef]client.Object, wanted map[ObjectRef]bool, res *ApplyResult) error {
	// The candidates first (usually none or a few), then only they are sorted: sorting every
	// live object's name took a tenth of a second per view at 10,000 interfaces.
	var refs []ObjectRef
	for ref, obj := range live {
		if !wanted[ref] && appliedByView(obj) {
			refs = append(refs, ref)
		}
	}
	slices.SortFunc(refs, func(a, b ObjectRef) int { return cmp.Compare(a.Name, b.Name) })
	for i := len(projectedKinds) - 1; i >= 0; i-- {
		kind := projectedKinds[i].kind
		for _, ref := range refs {
			obj := live[ref]
			if ref.Kind != kind {
				continue
			}
			if res.Pruned != nil {
				res.Pruned[ref] = obj.GetUID()
			}
			if obj.GetDeletionTimestamp() != nil {
				continue // deleted by an earlier version; still waited for
			}
			res.Writes++
			err := a.Client.Delete(ctx, obj, client.Preconditions{UID: ptrTo(obj.GetUID())})
			if err != nil && !apierrors.IsNotFound(err) {
				return fmt.Errorf("prune %s: %w", ref, err)
			}
			res.Deleted++
			res.Changes = append(res.Changes, Change{Action: "delete", Object: ref})
		}
	}
	return nil
}

func (a *Applier) ensureNamespace(ctx context.Context, name string, res *ApplyResult) error {
	reader := a.Reader
	if reader == nil {
		reader = a.Client
	}
	err := reader.Get(ctx, client.ObjectKey{Name: name}, &corev1.Namespace{})
	if err == nil {
		return nil
	}
	if !apierrors.IsNotFound(err) {
		return fmt.Errorf("get namespace %s: %w", name, err)
	}
	res.Writes++
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
	err = a.Client.Create(ctx, ns)
	switch {
	case apierrors.IsForbidden(err):
		// In a cluster the manager may not create namespaces (config/rbac): say what to do.
		return fmt.Errorf("namespace %s does not exist and midovpc may not create it; create it (kubectl create namespace %s): %w", name, name, err)
	case err != nil && !apierrors.IsAlreadyExists(err):
		return fmt.Errorf("create namespace %s: %w", name, err)
	}
	return nil
}

// projectedKinds are the namespaced kinds the projector writes, in apply order: parents first,
// and what a reconcile needs before what needs it (a Subnet cannot sync before its NetworkAcl;
// applied the other way round, a fresh control plane reconciled every subnet in vain, some
// 600 times at 1,000 interfaces, before the first ACL arrived).
var projectedKinds = []struct {
	kind    string
	newList func() client.ObjectList
	newObj  func() client.Object
}{
	{"DhcpOptionSet", func() client.ObjectList { return &vpcv1.DhcpOptionSetList{} }, func() client.Object { return &vpcv1.DhcpOptionSet{} }},
	{"Vpc", func() client.ObjectList { return &vpcv1.VpcList{} }, func() client.Object { return &vpcv1.Vpc{} }},
	{"InternetGateway", func() client.ObjectList { return &vpcv1.InternetGatewayList{} }, func() client.Object { return &vpcv1.InternetGateway{} }},
	{"RouteTable", func() client.ObjectList { return &vpcv1.RouteTableList{} }, func() client.Object { return &vpcv1.RouteTable{} }},
	{"NetworkAcl", func() client.ObjectList { return &vpcv1.NetworkAclList{} }, func() client.Object { return &vpcv1.NetworkAcl{} }},
	{"Subnet", func() client.ObjectList { return &vpcv1.SubnetList{} }, func() client.Object { return &vpcv1.Subnet{} }},
	{"SecurityGroup", func() client.ObjectList { return &vpcv1.SecurityGroupList{} }, func() client.Object { return &vpcv1.SecurityGroup{} }},
	{"NatGateway", func() client.ObjectList { return &vpcv1.NatGatewayList{} }, func() client.Object { return &vpcv1.NatGateway{} }},
	{"NetworkInterface", func() client.ObjectList { return &vpcv1.NetworkInterfaceList{} }, func() client.Object { return &vpcv1.NetworkInterface{} }},
	{"ElasticIP", func() client.ObjectList { return &vpcv1.ElasticIPList{} }, func() client.Object { return &vpcv1.ElasticIP{} }},
}

// liveObjects reads the CoreNetwork and every object of the projected kinds in the
// namespace (labelled or not: a hand-made object of a projected name is compared too).
// The objects may be the cache's own: they are only read.
func (a *Applier) liveObjects(ctx context.Context, namespace string) (map[ObjectRef]client.Object, error) {
	live := map[ObjectRef]client.Object{}
	cn := &vpcv1.CoreNetwork{}
	switch err := a.Client.Get(ctx, client.ObjectKey{Name: vpcv1.CoreNetworkName}, cn); {
	case err == nil:
		live[ObjectRef{Kind: "CoreNetwork", Name: cn.Name}] = cn
	case !apierrors.IsNotFound(err):
		return nil, fmt.Errorf("get CoreNetwork %s: %w", vpcv1.CoreNetworkName, err)
	}
	for _, k := range projectedKinds {
		if objs, ok, err := a.cachedObjects(ctx, k.newObj(), namespace); err != nil {
			return nil, fmt.Errorf("list %s in %s: %w", k.kind, namespace, err)
		} else if ok {
			for _, item := range objs {
				if obj, isObj := item.(client.Object); isObj {
					live[ObjectRef{Kind: k.kind, Namespace: obj.GetNamespace(), Name: obj.GetName()}] = obj
				}
			}
			continue
		}
		list := k.newList()
		// Read only (compared, and their UIDs used): the cache's objects, not a deep copy
		// of every projected object on every view (13,600 at 10,000 interfaces, held for
		// the whole apply).
		if err := a.Client.List(ctx, list, client.InNamespace(namespace), client.UnsafeDisableDeepCopy); err != nil {
			return nil, fmt.Errorf("list %s in %s: %w", k.kind, namespace, err)
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", k.kind, err)
		}
		for _, item := range items {
			obj := item.(client.Object)
			live[ObjectRef{Kind: k.kind, Namespace: obj.GetNamespace(), Name: obj.GetName()}] = obj
		}
	}
	return live, nil
}

// cachedObjects returns the objects of obj's kind in namespace as the informer's index holds
// them, ok false when there are no Informers or the informer is not a plain shared index
// informer (a cache spread over several namespaces): then the caller lists.
func (a *Applier) cachedObjects(ctx context.Context, obj client.Object, namespace string) ([]any, bool, error) {
	if a.Informers == nil {
		return nil, false, nil
	}
	inf, err := a.Informers.GetInformer(ctx, obj)
	if err != nil {
		return nil, false, err
	}
	si, ok := inf.(toolscache.SharedIndexInformer)
	if !ok {
		return nil, false, nil
	}
	objs, err := si.GetIndexer().ByIndex(toolscache.NamespaceIndex, namespace)
	if err != nil {
		return nil, false, nil // no namespace index: list instead
	}
	return objs, true, nil
}
