package globalview

import (
	"context"
	"testing"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
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

	// The checks only look: they take the cached objects as they are. Copying each one made
	// the final check copy the whole cache at once (13,600 objects at 10,000 interfaces).
	counting := &deepCopyCounter{Reader: cl}
	pa.from = 0
	if _, ready, err := pa.firstNotReady(ctx, counting); err != nil || !ready {
		t.Fatalf("firstNotReady: %v, %v", ready, err)
	}
	pruned := map[ObjectRef]types.UID{refs[0]: "another-uid"}
	if _, gone, err := firstNotGone(ctx, counting, pruned); err != nil || !gone {
		t.Fatalf("firstNotGone: %v, %v", gone, err)
	}
	if counting.gets == 0 || counting.copies != 0 {
		t.Errorf("%d of %d reads asked for a deep copy, want none", counting.copies, counting.gets)
	}
}

// deepCopyCounter counts the reads that ask for a deep copy of the cached object.
type deepCopyCounter struct {
	client.Reader
	gets, copies int
}

func (r *deepCopyCounter) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	var o client.GetOptions
	o.ApplyOptions(opts)
	r.gets++
	if o.UnsafeDisableDeepCopy == nil || !*o.UnsafeDisableDeepCopy {
		r.copies++
	}
	return r.Reader.Get(ctx, key, obj, opts...)
}
