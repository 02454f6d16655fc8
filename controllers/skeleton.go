package controllers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/record"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	logf "sigs.k8s.io/controller-runtime/pkg/log"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/topology"
)

// object is a kind of the API: a Kubernetes object with the shared reconcile status.
type object interface {
	client.Object
	GetReconcileStatus() *vpcv1.ReconcileStatus
}

// plan is what a kind wants of MidoNet for one object.
type plan struct {
	frag topology.Fragment
	// notes are parts of the spec left out of MidoNet on purpose (a route whose target is
	// not ready); they are reported, never fatal.
	notes []string
	// missingHost names the node whose MidoNet host is unknown (the interface's port cannot
	// be bound): a dependency error of the sync is then reported as HostNotFound.
	missingHost string
	// report fills the kind's own status fields once the sync succeeded.
	report func(res *SyncResult)
}

// kind is everything one kind adds to the shared reconcile skeleton.
type kind[T object] struct {
	name   string
	newObj func() T
	// plan resolves the object's references and translates it. A *DependencyNotReady error
	// means a referenced object is missing or not Ready.
	plan func(ctx context.Context, obj T) (*plan, error)
	// children lists the objects that must be gone before this one (decision 6).
	children func(ctx context.Context, obj T) ([]client.Object, error)
	// dependents lists every object this one owns (children lists them in waves), for
	// kubectl delete --cascade=orphan; nil means children.
	dependents func(ctx context.Context, obj T) ([]client.Object, error)
	// owner returns the object this one is owned by (for its owner reference), or nil.
	owner func(ctx context.Context, obj T) (client.Object, error)
	// blockers are objects whose presence keeps this one from being deleted (they are not
	// deleted on its behalf).
	blockers func(ctx context.Context, obj T) ([]client.Object, error)
	// optionalRefs: parts of the spec may be left out while what they reference is missing
	// (plan.notes); the kind carries the ReferencesResolved condition.
	optionalRefs bool
	// deletePlan is the fragment to remove when the object goes; nil means the recorded
	// ids alone.
	deletePlan func(ctx context.Context, obj T) *topology.Fragment
}

// DependencyNotReady says, in a sentence, which referenced object is missing or not synced
// yet ("Subnet subnet-11aa22bb does not exist"). Pending: the object exists and no reconcile
// has reported on it yet (it is queued), so the wait is held back longer (waits.go).
type DependencyNotReady struct {
	What    string
	Pending bool
}

func (e *DependencyNotReady) Error() string { return e.What }

func notReady(format string, args ...any) error {
	return &DependencyNotReady{What: fmt.Sprintf(format, args...)}
}

// InvalidSpec says the spec cannot be translated as it stands; retrying will not help
// until it changes.
type InvalidSpec struct{ Err error }

func (e *InvalidSpec) Error() string { return e.Err.Error() }
func (e *InvalidSpec) Unwrap() error { return e.Err }

// reconciler runs the shared skeleton for one kind.
type reconciler[T object] struct {
	Deps
	kind kind[T]
}

// Deps are the parts every reconciler shares.
type Deps struct {
	Client   client.Client
	Recorder record.EventRecorder
	Engine   Engine
	// MaxConcurrentReconciles is the number of workers of each kind's controller.
	MaxConcurrentReconciles int
	// DependencyRetry is how soon a reconcile waiting on MidoNet (not on a watched
	// Kubernetes object) tries again.
	DependencyRetry time.Duration
	// noGC is set when the control plane runs no kube-controller-manager (--dev, envtest):
	// the reconcilers then also remove the orphan finalizer that kubectl delete
	// --cascade=orphan puts on an object, once they have orphaned its dependents. A pointer,
	// shared by every reconciler's copy of Deps.
	noGC *atomic.Bool
	// Acting remembers which resource this process let act on each claim (claims.go).
	Acting *actingClaims
	// writes remembers our writes to each object until the cache shows them (ownwrites.go).
	writes *ownWrites
	// waits remembers since when objects wait for a dependency (waits.go).
	waits *waitClocks
	// leftOut remembers since when objects leave parts out, for the event (waits.go).
	leftOut *leftOutClocks
}

// Reconcile is the sentence of ARCHITECTURE.md: fetch, handle deletion, resolve references,
// translate, sync, report status.
func (r *reconciler[T]) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	res, err := r.reconcile(ctx, req)
	if apierrors.IsConflict(err) {
		// Our cached copy was older than a write we made ourselves: read it again.
		return ctrl.Result{Requeue: true}, nil
	}
	return res, err
}

func (r *reconciler[T]) reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	log := logf.FromContext(ctx)
	obj := r.kind.newObj()
	if err := r.Client.Get(ctx, req.NamespacedName, obj); err != nil {
		if apierrors.IsNotFound(err) {
			obj.SetNamespace(req.Namespace)
			obj.SetName(req.Name)
			r.waits.done(obj)
			r.leftOut.done(obj)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if r.writes.stale(obj) {
		// The cache does not show our last write yet: whatever woke us is read once it does,
		// rather than a status computed again from the copy it replaced (409 Conflict).
		return ctrl.Result{RequeueAfter: staleRetry}, nil
	}
	if !obj.GetDeletionTimestamp().IsZero() {
		return r.reconcileDelete(ctx, obj)
	}
	// Another resource (in any namespace) that owns this one's cloud id or an address it
	// wants comes first: this one writes nothing, and waits (its contenders' watches wake it).
	if ref, err := refused(ctx, r.Client, obj, r.Acting); err != nil {
		return ctrl.Result{}, err
	} else if ref != nil {
		return ctrl.Result{}, r.refuse(ctx, obj, ref)
	}
	// The finalizer and the owner reference go in one update: every write to the API server
	// counts when a thousand resources arrive at once (a restart on a fresh control plane).
	// Projected resources carry both from the view's applier already, so this writes nothing
	// for them; resources written with kubectl get them here.
	added := controllerutil.AddFinalizer(obj, vpcv1.Finalizer)
	owned, err := r.ensureOwnerReference(ctx, obj)
	if err != nil {
		return ctrl.Result{}, err
	}
	if added || owned {
		if err := r.writes.update(ctx, r.Client, obj, false); err != nil {
			return ctrl.Result{}, err
		}
	}

	// Plans consult MidoNet through the engine's index (hosts, router names, adoption).
	if err := r.Engine.Ready(ctx); err != nil {
		return ctrl.Result{}, fmt.Errorf("read MidoNet: %w", err)
	}
	orig := obj.DeepCopyObject().(T)
	p, err := r.kind.plan(ctx, obj)
	var dep *DependencyNotReady
	var invalid *InvalidSpec
	if !errors.As(err, &dep) {
		r.waits.done(obj)
	}
	switch {
	case errors.As(err, &dep):
		log.V(1).Info("waiting for a dependency", "dependency", dep.What)
		if wait := r.waits.hold(obj, dep.Error(), dep.Pending, time.Now()); wait > 0 {
			// Its watches wake it when the dependency is ready; if that takes longer
			// than the grace, the wait is reported then.
			return ctrl.Result{RequeueAfter: wait}, nil
		}
		return ctrl.Result{}, r.setReady(ctx, obj, orig, metav1.ConditionFalse, vpcv1.ReasonDependencyNotReady, dep.Error())
	case errors.As(err, &invalid):
		r.Recorder.Event(obj, "Warning", vpcv1.ReasonInvalidSpec, invalid.Error())
		return ctrl.Result{}, r.setReady(ctx, obj, orig, metav1.ConditionFalse, vpcv1.ReasonInvalidSpec, invalid.Error())
	case err != nil:
		return ctrl.Result{}, err
	}

	status := obj.GetReconcileStatus()
	syncCtx, claimed := r.claimBeforeWriting(ctx, obj, orig)
	res, err := r.Engine.Sync(syncCtx, &p.frag, status.MidoNetIDs)
	claimed()
	if err != nil {
		if apierrors.IsConflict(err) {
			// Recording the claims before the first write met a newer copy: nothing was
			// written to MidoNet; Reconcile reads the object again.
			return ctrl.Result{}, err
		}
		if r.Engine.IsDependencyError(err) {
			reason, msg := vpcv1.ReasonDependencyNotReady, err.Error()
			if p.missingHost != "" {
				reason = vpcv1.ReasonHostNotFound
				msg = fmt.Sprintf("node %s has no MidoNet host (none has that address or host name); "+
					"the interface is not plugged in until a MidoNet agent on that node registers", p.missingHost)
				// Said once when it starts, not at every retry.
				if c := meta.FindStatusCondition(orig.GetReconcileStatus().Conditions, vpcv1.ConditionReady); c == nil || c.Reason != reason {
					r.Recorder.Event(obj, "Warning", reason, msg)
				}
			}
			if serr := r.setReady(ctx, obj, orig, metav1.ConditionFalse, reason, msg); serr != nil {
				return ctrl.Result{}, serr
			}
			return ctrl.Result{RequeueAfter: r.DependencyRetry}, nil
		}
		r.Recorder.Event(obj, "Warning", vpcv1.ReasonMidoNetError, err.Error())
		if serr := r.setReady(ctx, obj, orig, metav1.ConditionFalse, vpcv1.ReasonMidoNetError, err.Error()); serr != nil {
			log.Error(serr, "record the failure in status")
		}
		// controller-runtime requeues with per-object exponential back-off.
		return ctrl.Result{}, err
	}
	if res.Writes > 0 {
		log.Info("synced to MidoNet", "writes", res.Writes, "objects", len(res.Owned))
	}
	status.MidoNetIDs = slices.Sorted(slices.Values(res.Owned))
	status.MidoNetObjects = int32(len(res.Owned))
	recordClaims(obj)
	if p.report != nil {
		p.report(res)
	}
	msg := "MidoNet objects match the spec"
	if len(p.notes) > 0 {
		msg = "in force except: " + strings.Join(p.notes, "; ")
	}
	var later time.Duration
	if r.kind.optionalRefs {
		later = r.setReferences(obj, p.notes)
	}
	if err := r.setReady(ctx, obj, orig, metav1.ConditionTrue, vpcv1.ReasonReconciled, msg); err != nil {
		return ctrl.Result{}, err
	}
	// Parts left out for a moment are not worth a warning; if they still are after the
	// grace, this reconcile says so then.
	return ctrl.Result{RequeueAfter: later}, nil
}

// reconcileDelete deletes the children first (so that this works without a garbage
// collector), waits for them to be gone, removes the object's MidoNet objects, then lets
// the object go.
func (r *reconciler[T]) reconcileDelete(ctx context.Context, obj T) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(obj, vpcv1.Finalizer) {
		return ctrl.Result{}, nil
	}
	if r.kind.blockers != nil {
		users, err := r.kind.blockers(ctx, obj)
		if err != nil {
			return ctrl.Result{}, err
		}
		if len(users) > 0 {
			// Named: one forgotten user (an interface with a mistyped subnet, say) holds up the
			// deletion of its group, and of the VPC behind it.
			msg := "waiting for what uses it to be deleted: " + r.describe(users)
			if err := r.setReady(ctx, obj, obj.DeepCopyObject().(T), metav1.ConditionFalse, vpcv1.ReasonDeleting, msg); err != nil {
				return ctrl.Result{}, err
			}
			return ctrl.Result{RequeueAfter: 5 * time.Second}, nil
		}
	}
	if controllerutil.ContainsFinalizer(obj, metav1.FinalizerOrphanDependents) && r.kind.children != nil {
		return r.orphanDependents(ctx, obj)
	}
	if r.kind.children != nil {
		children, err := r.kind.children(ctx, obj)
		if err != nil {
			return ctrl.Result{}, err
		}
		if len(children) > 0 {
			var deleting []client.Object
			for _, c := range children {
				if c.GetDeletionTimestamp().IsZero() {
					if err := r.Client.Delete(ctx, c); client.IgnoreNotFound(err) != nil {
						return ctrl.Result{}, fmt.Errorf("delete %T %s: %w", c, c.GetName(), err)
					}
					deleting = append(deleting, c)
				}
			}
			if len(deleting) > 0 {
				r.Recorder.Event(obj, "Normal", vpcv1.ReasonDeletingChildren, "deleting "+r.describe(deleting))
			}
			msg := "waiting for its dependents to be deleted: " + r.describe(children)
			if err := r.setReady(ctx, obj, obj.DeepCopyObject().(T), metav1.ConditionFalse, vpcv1.ReasonDeleting, msg); err != nil {
				return ctrl.Result{}, err
			}
			// The children's watches wake us when they are gone; this is a safety net.
			return ctrl.Result{RequeueAfter: 5 * time.Second}, nil
		}
	}
	return ctrl.Result{}, r.deleteOwn(ctx, obj)
}

// deleteOwn removes the object's MidoNet objects, then lets it go.
func (r *reconciler[T]) deleteOwn(ctx context.Context, obj T) error {
	// A resource refused for its cloud id never owned the MidoNet objects named after it:
	// they are the owner's, and stay.
	if ref, err := refusedIdentity(ctx, r.Client, obj); err != nil {
		return err
	} else if ref != nil {
		logf.FromContext(ctx).Info("deleted without touching MidoNet", "reason", ref.Error())
		return r.letGo(ctx, obj)
	}
	frag := &topology.Fragment{Owner: ownerOf(r.kind.name, obj)}
	if r.kind.deletePlan != nil {
		if f := r.kind.deletePlan(ctx, obj); f != nil {
			frag = f
		}
	}
	if err := r.Engine.Delete(ctx, frag, obj.GetReconcileStatus().MidoNetIDs); err != nil {
		r.Recorder.Event(obj, "Warning", vpcv1.ReasonMidoNetError, "delete: "+err.Error())
		return err
	}
	return r.letGo(ctx, obj)
}

// letGo removes the finalizer, and without a garbage collector the orphan finalizer of a
// kind that has no dependents to orphan, so the object goes.
func (r *reconciler[T]) letGo(ctx context.Context, obj T) error {
	controllerutil.RemoveFinalizer(obj, vpcv1.Finalizer)
	if r.noGC != nil && r.noGC.Load() {
		controllerutil.RemoveFinalizer(obj, metav1.FinalizerOrphanDependents)
	}
	if err := r.writes.update(ctx, r.Client, obj, false); err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	return nil
}

// orphanDependents is kubectl delete --cascade=orphan of a Vpc or Subnet: its dependents stay,
// with their owner references to it removed (as the garbage collector would; done here so
// that it holds without one, and harmless beside one). In MidoNet, nothing of another owner
// is deleted: while orphans remain, the parent's router or bridge carries their ports,
// routes and DHCP entries (MidoNet deletes those with their container), so its MidoNet
// objects stay in place, unowned, and the orphans stay in force. Re-creating the parent
// adopts them (same names); once the orphans are gone too, kubectl-midovpc check lists what
// is left. Without orphans the parent's MidoNet objects are deleted as usual.
func (r *reconciler[T]) orphanDependents(ctx context.Context, obj T) (ctrl.Result, error) {
	list := r.kind.dependents
	if list == nil {
		list = r.kind.children
	}
	deps, err := list(ctx, obj)
	if err != nil {
		return ctrl.Result{}, err
	}
	var orphaned, deleting []client.Object
	for _, d := range deps {
		if !d.GetDeletionTimestamp().IsZero() {
			deleting = append(deleting, d)
		}
		refs := d.GetOwnerReferences()
		kept := slices.DeleteFunc(slices.Clone(refs), func(ref metav1.OwnerReference) bool { return ref.UID == obj.GetUID() })
		if len(kept) == len(refs) {
			continue
		}
		d.SetOwnerReferences(kept)
		if err := r.Client.Update(ctx, d); client.IgnoreNotFound(err) != nil {
			return ctrl.Result{}, fmt.Errorf("remove the owner reference of %T %s: %w", d, d.GetName(), err)
		}
		orphaned = append(orphaned, d)
	}
	if len(orphaned) > 0 {
		r.Recorder.Event(obj, "Normal", vpcv1.ReasonOrphaningChildren,
			"orphaning "+r.describe(orphaned)+": they stay, without their owner reference to "+obj.GetName())
	}
	if len(deleting) > 0 {
		// Dependents deleted on their own are let finish first: after them the parent's
		// MidoNet objects may be free to go.
		msg := "waiting for its dependents to be deleted: " + r.describe(deleting)
		if err := r.setReady(ctx, obj, obj.DeepCopyObject().(T), metav1.ConditionFalse, vpcv1.ReasonDeleting, msg); err != nil {
			return ctrl.Result{}, err
		}
		return ctrl.Result{RequeueAfter: 5 * time.Second}, nil
	}
	if len(deps) == 0 {
		// Nothing stands on the parent's MidoNet objects: delete them as without orphaning.
		return ctrl.Result{}, r.deleteOwn(ctx, obj)
	}
	names := slices.Sorted(slices.Values(obj.GetReconcileStatus().MidoNetIDs))
	r.Recorder.Event(obj, "Normal", vpcv1.ReasonOrphaningChildren, fmt.Sprintf(
		"kept its %d MidoNet objects in place: the orphans %s stand on them (re-creating %s adopts them)",
		len(names), r.describe(deps), obj.GetName()))
	logf.FromContext(ctx).Info("deleted with --cascade=orphan: MidoNet objects kept for the orphans",
		"orphans", r.describe(deps), "midonetObjects", len(names))
	return ctrl.Result{}, r.letGo(ctx, obj)
}

// describe names objects by kind, in the order met: "Subnet subnet-a, subnet-b; NatGateway nat-…".
func (r *reconciler[T]) describe(objs []client.Object) string {
	var kinds []string
	names := map[string][]string{}
	for _, o := range objs {
		k := fmt.Sprintf("%T", o)
		if gvk, err := apiutil.GVKForObject(o, r.Client.Scheme()); err == nil {
			k = gvk.Kind
		}
		if names[k] == nil {
			kinds = append(kinds, k)
		}
		names[k] = append(names[k], o.GetName())
	}
	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		parts = append(parts, k+" "+strings.Join(names[k], ", "))
	}
	return truncate(strings.Join(parts, "; "), 900)
}

// setReferences records whether every reference of an object in force is resolved, with a
// Warning event once parts have been left out for dependencyGrace (leftOutClocks). It
// returns how soon to look again for that event (0: nothing to say later).
func (r *reconciler[T]) setReferences(obj T, notes []string) time.Duration {
	c := metav1.Condition{Type: vpcv1.ConditionReferencesResolved, Status: metav1.ConditionTrue,
		Reason: vpcv1.ReasonResolved, Message: "every reference is in force", ObservedGeneration: obj.GetGeneration()}
	st := obj.GetReconcileStatus()
	var later time.Duration
	if len(notes) == 0 {
		r.leftOut.done(obj)
	} else {
		c.Status, c.Reason = metav1.ConditionFalse, vpcv1.ReasonLeftOut
		c.Message = truncate("left out until what they reference exists: "+strings.Join(notes, "; "), 1024)
		var prev string
		if p := meta.FindStatusCondition(st.Conditions, c.Type); p != nil && p.Status == metav1.ConditionFalse {
			prev = p.Message
		}
		var say bool
		if say, later = r.leftOut.due(obj, prev, c.Message, time.Now()); say {
			r.Recorder.Event(obj, "Warning", vpcv1.ReasonLeftOut, c.Message)
		}
	}
	meta.SetStatusCondition(&st.Conditions, c)
	return later
}

// refuse reports that another resource comes first for one of the object's claims: Ready=False
// (Conflict or AddressInUse) naming it, and a Warning event when that is news.
func (r *reconciler[T]) refuse(ctx context.Context, obj T, ref *refusal) error {
	orig := obj.DeepCopyObject().(T)
	dropClaims(obj, ref)
	msg := ref.Error()
	if conditionChanged(obj, ref.reason(), msg) {
		r.Recorder.Event(obj, "Warning", ref.reason(), msg)
	}
	logf.FromContext(ctx).V(1).Info("refused", "reason", ref.reason(), "message", msg)
	return r.setReady(ctx, obj, orig, metav1.ConditionFalse, ref.reason(), msg)
}

// ensureOwnerReference makes the object owned by its parent (decision 6), for objects
// applied by hand as well as projected ones. It reports whether it changed the object, which
// the caller then updates.
func (r *reconciler[T]) ensureOwnerReference(ctx context.Context, obj T) (bool, error) {
	if r.kind.owner == nil {
		return false, nil
	}
	parent, err := r.kind.owner(ctx, obj)
	if err != nil || parent == nil {
		return false, client.IgnoreNotFound(err)
	}
	if !parent.GetDeletionTimestamp().IsZero() {
		// Never point at a parent on its way out: one deleted with --cascade=orphan has just
		// removed this reference, and a reference to a parent that is gone makes a garbage
		// collector delete the object.
		return false, nil
	}
	for _, ref := range obj.GetOwnerReferences() {
		if ref.UID == parent.GetUID() {
			return false, nil
		}
	}
	if err := controllerutil.SetOwnerReference(parent, obj, r.Client.Scheme()); err != nil {
		return false, err
	}
	return true, nil
}

// setReady records the Ready condition and observedGeneration, writing status only when
// something changed.
func (r *reconciler[T]) setReady(ctx context.Context, obj, orig T, status metav1.ConditionStatus, reason, msg string) error {
	st := obj.GetReconcileStatus()
	st.ObservedGeneration = obj.GetGeneration()
	meta.SetStatusCondition(&st.Conditions, metav1.Condition{
		Type: vpcv1.ConditionReady, Status: status, Reason: reason, Message: truncate(msg, 1024),
		ObservedGeneration: obj.GetGeneration(),
	})
	if equality.Semantic.DeepEqual(orig, obj) {
		return nil
	}
	return client.IgnoreNotFound(r.writes.update(ctx, r.Client, obj, true))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}

// ownerOf names the Kubernetes object that owns a fragment.
func ownerOf(kindName string, obj client.Object) topology.Owner {
	return topology.Owner{Kind: kindName, Namespace: obj.GetNamespace(), Name: obj.GetName()}
}
