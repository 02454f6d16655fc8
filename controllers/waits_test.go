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
	if got := w.hold(sn, msg, t0); got != dependencyGrace {
		t.Errorf("first sight of a wait held for %s, want %s", got, dependencyGrace)
	}
	if got := w.hold(sn, "NetworkAcl acl-1 is not in MidoNet yet", t0.Add(time.Second)); got != dependencyGrace-time.Second {
		t.Errorf("a wait for another dependency held for %s, want the rest of the grace", got)
	}
	if got := w.hold(sn, msg, t0.Add(dependencyGrace)); got != 0 {
		t.Errorf("a wait that lasted the grace held for %s more", got)
	}
	w.done(sn)
	if got := w.hold(sn, msg, t0.Add(time.Hour)); got != dependencyGrace {
		t.Errorf("a new wait held for %s, want %s", got, dependencyGrace)
	}
	sn.Status.Conditions = []metav1.Condition{{Type: vpcv1.ConditionReady, Status: metav1.ConditionFalse,
		Reason: vpcv1.ReasonDependencyNotReady, Message: msg}}
	if got := w.hold(sn, msg, t0.Add(time.Hour)); got != 0 {
		t.Errorf("a wait the status reports already held for %s", got)
	}
}
