package globalview

import (
	"context"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// TrimManagedFields is a cache transform that keeps, of an object's managedFields, only the
// entry the applier compares with (this field manager's server-side apply of the main
// resource, see ownedFields): the manager reads no other. At 10,000 interfaces the other
// entries (the controllers' finalizer and status writes, anything a user applied) held about
// 30 MB of the informer cache.
//
// An object read from such a cache must never be written back with its trimmed list: a
// non-empty managedFields in an update replaces the server's. KeepServerManagedFields makes
// the client's updates send none, so the server keeps its own.
func TrimManagedFields() toolscache.TransformFunc {
	return func(in any) (any, error) {
		obj, err := meta.Accessor(in)
		if err != nil {
			return in, nil // a tombstone or anything else without metadata: as it is
		}
		mfs := obj.GetManagedFields()
		kept := 0
		for _, mf := range mfs {
			if isProjectionEntry(mf) {
				kept++
			}
		}
		if kept == len(mfs) {
			return in, nil
		}
		var out []metav1.ManagedFieldsEntry
		if kept > 0 {
			out = make([]metav1.ManagedFieldsEntry, 0, kept)
			for _, mf := range mfs {
				if isProjectionEntry(mf) {
					out = append(out, mf)
				}
			}
		}
		obj.SetManagedFields(out)
		return in, nil
	}
}

// isProjectionEntry reports whether a managedFields entry is the one ownedFields reads.
func isProjectionEntry(mf metav1.ManagedFieldsEntry) bool {
	return mf.Manager == FieldManager && mf.Operation == metav1.ManagedFieldsOperationApply && mf.Subresource == ""
}

// KeepServerManagedFields wraps a client whose reads come from a TrimManagedFields cache:
// its updates send no managedFields, so that the API server keeps the full list it holds
// (an update without managedFields leaves them to the server) instead of taking the
// trimmed one. Status and other subresource updates never take managedFields from the
// request, and patches carry only what they change.
func KeepServerManagedFields(c client.Client) client.Client { return keepManagedFields{c} }

type keepManagedFields struct{ client.Client }

func (c keepManagedFields) Update(ctx context.Context, obj client.Object, opts ...client.UpdateOption) error {
	if obj.GetManagedFields() != nil {
		obj.SetManagedFields(nil)
	}
	return c.Client.Update(ctx, obj, opts...)
}
