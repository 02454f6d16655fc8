package globalview

import (
	"context"
	"testing"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// The ack check resumes where it stopped, yet acknowledges only when every object is Ready at
// once: one that was Ready earlier and is not any more still holds the version back.
func TestAckCheckResumesButNeedsAllReadyAtOnce(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := vpcv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	igw := func(name string) *vpcv1.InternetGateway {
		return &vpcv1.InternetGateway{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name, Generation: 1}}
	}
	a, b, c := igw("igw-0000000a"), igw("igw-0000000b"), igw("igw-0000000c")
	cl := fake.NewClientBuilder().WithScheme(scheme).WithObjects(a, b, c).Build()
	ctx := context.Background()
	setReadiness := func(o *vpcv1.InternetGateway, ready bool) {
		t.Helper()
		if err := cl.Get(ctx, client.ObjectKeyFromObject(o), o); err != nil {
			t.Fatal(err)
		}
		st := metav1.ConditionFalse
		if ready {
			st = metav1.ConditionTrue
		}
		o.Status.ObservedGeneration = o.Generation
		meta.SetStatusCondition(&o.Status.Conditions, metav1.Condition{Type: vpcv1.ConditionReady, Status: st,
			Reason: vpcv1.ReasonReconciled, ObservedGeneration: o.Generation})
		if err := cl.Update(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	refs := []ObjectRef{}
	gens := map[ObjectRef]int64{}
	for _, o := range []*vpcv1.InternetGateway{a, b, c} {
		ref := ObjectRef{Kind: "InternetGateway", Namespace: "ns", Name: o.Name}
		refs = append(refs, ref)
		gens[ref] = 1
	}
	pa := &pendingAck{version: "0000abcd", generations: gens, order: refs}
	check := func(wantReady bool, wantRef ObjectRef) {
		t.Helper()
		ref, ready, err := pa.firstNotReady(ctx, cl)
		if err != nil || ready != wantReady || ref != wantRef {
			t.Fatalf("firstNotReady = %v, %v, %v; want %v, %v", ref, ready, err, wantRef, wantReady)
		}
	}

	setReadiness(a, true)
	setReadiness(c, true)
	check(false, refs[1]) // b is not Ready; the next check starts there
	setReadiness(b, true)
	setReadiness(a, false)
	check(false, refs[0]) // b and c are, but a is not any more
	setReadiness(a, true)
	check(true, ObjectRef{})
}
