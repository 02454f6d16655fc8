package globalview

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// Change is one object that applying a projection would create, update or delete.
type Change struct {
	Action string    `json:"action"` // create, update, delete
	Object ObjectRef `json:"object"`
}

// Plan says what Apply(p) would change, in the order Apply would do it, without writing
// anything: the same comparison (spec, labels, annotations, owner references), and the same
// pruning of labelled objects the projection no longer holds. With prune false (manifests
// applied by hand) nothing is deleted.
func (a *Applier) Plan(ctx context.Context, p *Projection, prune bool) ([]Change, error) {
	live, err := a.liveObjects(ctx, p.Namespace)
	if err != nil {
		return nil, err
	}
	var out []Change
	wanted := map[ObjectRef]bool{}
	for _, obj := range p.Objects() {
		ref := refOf(obj)
		wanted[ref] = true
		cur := live[ref]
		if cur == nil {
			out = append(out, Change{"create", ref})
			continue
		}
		desired := obj.DeepCopyObject().(client.Object)
		if parent, ok := parentOf(obj); ok && live[parent] != nil {
			desired.SetOwnerReferences([]metav1.OwnerReference{{
				APIVersion: vpcv1.GroupVersion.String(), Kind: parent.Kind, Name: parent.Name,
				UID: live[parent].GetUID(), BlockOwnerDeletion: ptrTo(true), Controller: ptrTo(false),
			}})
		}
		m, err := manifest(desired)
		if err != nil {
			return nil, err
		}
		same, err := upToDate(m, cur)
		if err != nil {
			return nil, fmt.Errorf("compare %s: %w", ref, err)
		}
		same = same && appliedByView(cur) // taken over once, as Apply does (sameAsLive)
		if !same {
			out = append(out, Change{"update", ref})
		}
	}
	if !prune {
		return out, nil
	}
	refs := slices.SortedFunc(maps.Keys(live), func(a, b ObjectRef) int { return cmp.Compare(a.Name, b.Name) })
	for i := len(projectedKinds) - 1; i >= 0; i-- {
		for _, ref := range refs {
			obj := live[ref]
			if ref.Kind == projectedKinds[i].kind && !wanted[ref] && obj.GetDeletionTimestamp() == nil && appliedByView(obj) {
				out = append(out, Change{"delete", ref})
			}
		}
	}
	return out, nil
}
