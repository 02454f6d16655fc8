package controllers

import (
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// dependencyGrace is how long an object waits for a dependency before its status says so.
// When a fresh control plane receives a whole cloud at once (a restart: 1,361 objects at
// 1,000 interfaces), children arrive while their parents are still being reconciled; each
// wrote Ready=False DependencyNotReady, then Ready=True a moment later when the parent's
// watch woke it: some 300 status writes that nobody read, competing with the apply for the
// API server. A wait that lasts is reported after the grace, as before.
const dependencyGrace = 2 * time.Second

// pendingGrace is the grace of a wait for a dependency that exists but that no reconcile has
// reported on yet: it is queued behind the rest of a cloud arriving at once. On a fresh
// control plane at 1,000 interfaces the interfaces take about 5 s to go through, and 80 of the
// 100 elastic IPs wrote DependencyNotReady for an interface that was Ready a moment later; in
// a cold converge of 10,000 they take minutes, and 613 of 1,000 did so after 30 s. A
// dependency that reports a problem of its own (a refusal, a failure, a wait) ends this grace:
// its dependents say so once they have waited dependencyGrace.
const pendingGrace = 5 * time.Minute

// waitClocks remembers since when each object has been waiting for a dependency, as seen by
// its reconciles, until a reconcile finds it waiting for nothing.
type waitClocks struct {
	mu    sync.Mutex
	since map[writeKey]time.Time
}

// hold tells how much longer the report that obj waits (msg) is held back: 0 when it is to
// be written now, because the wait has lasted the grace (pendingGrace while the dependency is
// pending, else dependencyGrace) or the status already says so.
func (w *waitClocks) hold(obj object, msg string, pending bool, now time.Time) time.Duration {
	if w == nil {
		return 0
	}
	if c := meta.FindStatusCondition(obj.GetReconcileStatus().Conditions, vpcv1.ConditionReady); c != nil &&
		c.Reason == vpcv1.ReasonDependencyNotReady && c.Message == truncate(msg, 1024) {
		return 0
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.since == nil {
		w.since = map[writeKey]time.Time{}
	}
	k := keyOf(obj)
	start, ok := w.since[k]
	if !ok {
		start = now
		w.since[k] = now
	}
	grace := dependencyGrace
	if pending {
		grace = pendingGrace
	}
	return max(0, grace-now.Sub(start))
}

// done forgets the wait of an object that waits for nothing now (or is gone).
func (w *waitClocks) done(obj client.Object) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.since, keyOf(obj))
}

// leftOutClocks holds back the Warning event that parts of an object are left out until they
// have been left out for dependencyGrace. A cloud arriving at once leaves parts out for a
// moment as a matter of course (at 1,000 interfaces every private subnet's route through its
// NAT gateway, until the gateway is in MidoNet a second later): a hundred warnings that were
// already untrue when read, and a hundred requests to the API server. The status says at once
// what is left out; the event is for what stays so.
type leftOutClocks struct {
	mu sync.Mutex
	m  map[writeKey]*leftOut
}

// leftOut is what one object has left out, since when, and whether it was said.
type leftOut struct {
	msg   string
	since time.Time
	said  bool
}

// due tells whether the event that obj leaves out msg is to be said now, and if not, how much
// longer it is held back (0: it is not to be said, because it was: by this process, or by an
// earlier one as the status it wrote shows, prev being the message the status holds).
func (l *leftOutClocks) due(obj client.Object, prev, msg string, now time.Time) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[writeKey]*leftOut{}
	}
	k := keyOf(obj)
	e := l.m[k]
	if e == nil || e.msg != msg {
		// An entry unknown to this process whose status says it already was said before.
		e = &leftOut{msg: msg, since: now, said: e == nil && prev == msg}
		l.m[k] = e
	}
	if e.said {
		return false, 0
	}
	if waited := now.Sub(e.since); waited < dependencyGrace {
		return false, dependencyGrace - waited
	}
	e.said = true
	return true, 0
}

// done forgets an object that leaves nothing out now (or is gone).
func (l *leftOutClocks) done(obj client.Object) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.m, keyOf(obj))
}
