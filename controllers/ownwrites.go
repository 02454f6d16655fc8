package controllers

import (
	"context"
	"reflect"
	"slices"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
)

// ownWrites remembers the writes the reconcilers made to their own objects (the finalizer,
// status), by resourceVersion, until the cache has shown them.
//
// A reconcile reads its object from the cache, which shows our own write some time after
// it was made. Two things followed from that, a thousand times each when a restart on a
// fresh control plane brings every resource at once:
//
//   - The watch event of our own write woke the object again, for a reconcile that found
//     what it had just written. The write was computed from everything the reconcile read;
//     a change of anything else wakes the object through its own watch. So the update
//     events our writes made are dropped (ownEvent).
//   - A reconcile woken in between (its parent became Ready) read the copy our write had
//     replaced, computed the same status again, and its write failed with 409 Conflict, for
//     a requeue and another full reconcile. A reconcile whose cached copy is one our writes
//     replaced now waits for the cache instead (stale), writing nothing.
//
// Only resourceVersions the API server returned are compared, for equality: they are
// never ordered.
type ownWrites struct {
	mu sync.Mutex
	m  map[writeKey]*writeLog
}

type writeKey struct {
	t   reflect.Type
	key types.NamespacedName
}

// writeLog is what the cache has not shown yet of our writes to one object.
type writeLog struct {
	// replaced are the resourceVersions our writes replaced: a cached copy at one of them
	// is older than our last write.
	replaced []string
	// made are the resourceVersions our writes made, whose update events are our own.
	made []string
	// pending are the resourceVersions that writes in flight replace. The update event of a
	// write can come before its answer (a loaded API server sends the watch event first): an
	// event from a version a write in flight replaces is that write's, since a write from the
	// same version by anyone else would make ours fail for a conflict, and a failed write is
	// followed by a retry of its reconcile, which reads whatever that event brought. Without
	// this a quarter of our own status writes woke their object again (about 5,000 reconciles for
	// nothing in a cold converge of 10,000 interfaces).
	pending []string
	// early are the versions whose events came while the write that made them was in flight.
	early []string
}

// staleRetry is how soon a reconcile that found its cached copy older than our last write
// looks again: the cache is usually a few milliseconds behind. Not the exponential back-off
// of a failure: the cache lags for seconds under load, and the back-off grew past that.
const staleRetry = 50 * time.Millisecond

// maxWriteLog bounds a log: events of versions the informer never saw (a relist jumps to
// the newest) would otherwise stay.
const maxWriteLog = 8

func keyOf(obj client.Object) writeKey {
	return writeKey{t: reflect.TypeOf(obj), key: client.ObjectKeyFromObject(obj)}
}

// update writes obj (client.Update, or the status subresource when status) and remembers
// the write.
func (w *ownWrites) update(ctx context.Context, c client.Client, obj client.Object, status bool) error {
	before := obj.GetResourceVersion()
	k := keyOf(obj)
	w.begin(k, before)
	var err error
	if status {
		err = c.Status().Update(ctx, obj)
	} else {
		err = c.Update(ctx, obj)
	}
	w.end(k, before, obj.GetResourceVersion(), err == nil)
	return err
}

// begin records a write in flight from version before.
func (w *ownWrites) begin(k writeKey, before string) {
	if w == nil || before == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.m == nil {
		w.m = map[writeKey]*writeLog{}
	}
	l := w.m[k]
	if l == nil {
		l = &writeLog{}
		w.m[k] = l
	}
	l.pending = append(l.pending, before)
}

// end records the outcome of the write begun from before: after is the version it made when
// it succeeded.
func (w *ownWrites) end(k writeKey, before, after string, ok bool) {
	if w == nil || before == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	l := w.m[k]
	if l == nil {
		return // forgotten meanwhile: the object is gone
	}
	if i := slices.Index(l.pending, before); i >= 0 {
		l.pending = slices.Delete(l.pending, i, i+1)
	}
	switch {
	case !ok || after == before:
		// Events taken for this write's are covered by the retry of the failed reconcile.
		if len(l.pending) == 0 {
			l.early = nil
		}
	case slices.Contains(l.early, after):
		// Its event came first: the cache shows it already.
		l.early = slices.DeleteFunc(l.early, func(v string) bool { return v == after })
	default:
		l.replaced = appendBounded(l.replaced, before)
		l.made = appendBounded(l.made, after)
	}
	w.dropIfDone(k, l)
}

func appendBounded(s []string, v string) []string {
	s = append(s, v)
	if len(s) > maxWriteLog {
		s = slices.Delete(s, 0, len(s)-maxWriteLog)
	}
	return s
}

// stale tells whether the cached copy obj is one our writes replaced. When it is not, the
// cache has caught up with them (a copy never goes back), and they are forgotten.
func (w *ownWrites) stale(obj client.Object) bool {
	if w == nil {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	k, l := w.log(obj)
	if l == nil {
		return false
	}
	if slices.Contains(l.replaced, obj.GetResourceVersion()) {
		return true
	}
	l.replaced = nil
	w.dropIfDone(k, l)
	return false
}

// ownEvent tells whether an update event (from old to obj) shows a version our own write
// made; the versions made before it are forgotten (events come in order). The event of our
// last write means the cache shows it (the informer updates its store first): nothing is left
// to remember. An event from a version that a write in flight replaces is that write's
// (pending). old may be nil.
func (w *ownWrites) ownEvent(old, obj client.Object) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	k, l := w.log(obj)
	if l == nil {
		return false
	}
	if i := slices.Index(l.made, obj.GetResourceVersion()); i >= 0 {
		l.made = slices.Delete(l.made, 0, i+1)
		w.dropIfDone(k, l)
		return true
	}
	if old != nil && slices.Contains(l.pending, old.GetResourceVersion()) {
		l.early = appendBounded(l.early, obj.GetResourceVersion())
		return true
	}
	return false
}

// log is what is remembered of obj's writes (nil: nothing), with its key; w.mu held.
func (w *ownWrites) log(obj client.Object) (writeKey, *writeLog) {
	k := keyOf(obj)
	return k, w.m[k]
}

// dropIfDone forgets a log once no event of ours is left to come (w.mu held). Versions our
// writes replaced only matter until then.
func (w *ownWrites) dropIfDone(k writeKey, l *writeLog) {
	if len(l.made) == 0 && len(l.pending) == 0 && len(l.early) == 0 {
		delete(w.m, k)
	}
}

// forget drops what is remembered of an object that is gone.
func (w *ownWrites) forget(obj client.Object) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.m, keyOf(obj))
}

// notOwn is the predicate of a kind's watch of its own objects: it drops the update events
// of our own writes.
func (w *ownWrites) notOwn() predicate.Predicate {
	return predicate.Funcs{
		UpdateFunc: func(e event.UpdateEvent) bool { return !w.ownEvent(e.ObjectOld, e.ObjectNew) },
		DeleteFunc: func(e event.DeleteEvent) bool { w.forget(e.Object); return true },
	}
}
