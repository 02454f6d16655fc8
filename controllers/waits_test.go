package controllers

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// A wait for a dependency is reported once it has lasted dependencyGrace, or at once when the
// status already reports it; a wait that ended starts afresh next time.
func TestDependencyWaitIsReportedAfterTheGrace(t *testing.T) {
	w := &waitClocks{}
	sn := &vpcv1.Subnet{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "subnet-1"}}
	t0 := time.Now()
	const msg = "Vpc vpc-1 is not in MidoNet yet"
	if got := w.hold(sn, msg, false, t0); got != dependencyGrace {
		t.Errorf("first sight of a wait held for %s, want %s", got, dependencyGrace)
	}
	if got := w.hold(sn, "NetworkAcl acl-1 is not in MidoNet yet", false, t0.Add(time.Second)); got != dependencyGrace-time.Second {
		t.Errorf("a wait for another dependency held for %s, want the rest of the grace", got)
	}
	if got := w.hold(sn, msg, false, t0.Add(dependencyGrace)); got != 0 {
		t.Errorf("a wait that lasted the grace held for %s more", got)
	}
	w.done(sn)
	if got := w.hold(sn, msg, false, t0.Add(time.Hour)); got != dependencyGrace {
		t.Errorf("a new wait held for %s, want %s", got, dependencyGrace)
	}
	sn.Status.Conditions = []metav1.Condition{{Type: vpcv1.ConditionReady, Status: metav1.ConditionFalse,
		Reason: vpcv1.ReasonDependencyNotReady, Message: msg}}
	if got := w.hold(sn, msg, false, t0.Add(time.Hour)); got != 0 {
		t.Errorf("a wait the status reports already held for %s", got)
	}
}

// A dependency that no reconcile has reported on yet (queued behind the rest of a cloud) is
// waited for pendingGrace before the wait is reported; once it reports anything of its own
// (it stops being pending), the usual grace counts from the start of the wait.
func TestPendingDependencyIsWaitedForLonger(t *testing.T) {
	w := &waitClocks{}
	eip := &vpcv1.ElasticIP{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "eip-1"}}
	t0 := time.Now()
	const msg = "NetworkInterface eni-1 is not in MidoNet yet"
	if got := w.hold(eip, msg, true, t0); got != pendingGrace {
		t.Errorf("a wait for a pending dependency held for %s, want %s", got, pendingGrace)
	}
	if got := w.hold(eip, msg, true, t0.Add(dependencyGrace)); got != pendingGrace-dependencyGrace {
		t.Errorf("a wait for a pending dependency past the usual grace held for %s, want %s", got, pendingGrace-dependencyGrace)
	}
	if got := w.hold(eip, msg, false, t0.Add(dependencyGrace)); got != 0 {
		t.Errorf("the dependency reported something: the wait, as long as the usual grace, is held for %s more", got)
	}
	if got := w.hold(eip, msg, true, t0.Add(pendingGrace)); got != 0 {
		t.Errorf("a wait for a dependency pending for %s held for %s more", pendingGrace, got)
	}
}

// pending is true of an object no reconcile has reported on, whatever its status holds else.
func TestPendingIsNoReadyCondition(t *testing.T) {
	eni := &vpcv1.NetworkInterface{}
	if !pending(eni) {
		t.Error("an object with no status is not pending")
	}
	eni.Status.Conditions = []metav1.Condition{{Type: vpcv1.ConditionReferencesResolved, Status: metav1.ConditionTrue}}
	if !pending(eni) {
		t.Error("an object with no Ready condition is not pending")
	}
	for _, reason := range []string{vpcv1.ReasonDependencyNotReady, vpcv1.ReasonConflict, vpcv1.ReasonMidoNetError} {
		eni.Status.Conditions = []metav1.Condition{{Type: vpcv1.ConditionReady, Status: metav1.ConditionFalse, Reason: reason}}
		if pending(eni) {
			t.Errorf("an object whose status says %s is pending", reason)
		}
	}
}

// Parts left out are said in an event once they have stayed left out for dependencyGrace, and
// once only; parts left out for less are never said; a status that already says them (an
// earlier process) is not said again.
func TestLeftOutIsSaidAfterTheGrace(t *testing.T) {
	l := &leftOutClocks{}
	sg := &vpcv1.SecurityGroup{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "sg-1"}}
	t0 := time.Now()
	const msg = "left out until what they reference exists: sg-2"
	if say, later := l.due(sg, "", msg, t0); say || later != dependencyGrace {
		t.Errorf("first sight: said %v, look again in %s; want not said, %s", say, later, dependencyGrace)
	}
	// The status written at first sight holds msg now.
	if say, later := l.due(sg, msg, msg, t0.Add(time.Second)); say || later != dependencyGrace-time.Second {
		t.Errorf("within the grace: said %v, look again in %s; want not said, the rest of the grace", say, later)
	}
	if say, _ := l.due(sg, msg, msg, t0.Add(dependencyGrace)); !say {
		t.Error("left out for the grace, not said")
	}
	if say, later := l.due(sg, msg, msg, t0.Add(time.Hour)); say || later != 0 {
		t.Errorf("said again (%v) or looked at again (%s)", say, later)
	}
	// Another part left out is news, after its own grace.
	const other = "left out until what they reference exists: sg-3"
	if say, later := l.due(sg, msg, other, t0.Add(time.Hour)); say || later != dependencyGrace {
		t.Errorf("new parts: said %v, look again in %s; want not said, %s", say, later, dependencyGrace)
	}

	// Resolved within the grace: never said.
	l.done(sg)
	if say, _ := l.due(sg, "", msg, t0); say {
		t.Error("said at first sight")
	}
	l.done(sg)
	if say, later := l.due(sg, "", msg, t0.Add(time.Hour)); say || later != dependencyGrace {
		t.Errorf("after it was resolved, the same parts left out again: said %v, look again in %s", say, later)
	}

	// A process that finds the status saying it already: not said again.
	fresh := &leftOutClocks{}
	if say, later := fresh.due(sg, msg, msg, t0); say || later != 0 {
		t.Errorf("a restarted manager said %v, looks again in %s", say, later)
	}
}
