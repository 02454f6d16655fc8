package globalview

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// AckFileName is the file, beside the view, into which the applied version is written;
// the CLC waits for it to hold the version it published (spec §5.2).
const AckFileName = "global_network_info.version"

// AckPath is the ack file that belongs to the view file viewPath.
func AckPath(viewPath string) string {
	return filepath.Join(filepath.Dir(viewPath), AckFileName)
}

// WriteAck writes version to path atomically: a temporary file in the same folder,
// synced, then renamed over path, so the CLC never reads half a version. The content
// is the bare version, as the original writes it.
func WriteAck(path, version string) error {
	if err := writeAtomic(path, version); err != nil {
		return fmt.Errorf("write ack file %s: %w", path, err)
	}
	return nil
}

// writeAtomic writes content to path through a temporary file in the same folder, synced,
// then renamed over path.
func writeAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// AcknowledgedFileName is midovpc's own record, beside the ack file, of the view it last
// acknowledged: its version and the SHA-256 of the file, written after the ack file. A manager
// that starts (on a fresh control plane, say) and finds the view file with that hash knows
// that MidoNet held exactly that view when it was acknowledged, and applies it without the dry
// run (see Applier.ApplyWith). The CLC does not read it.
const AcknowledgedFileName = "midovpc-acknowledged"

// AcknowledgedPath is the record of the acknowledged view that belongs to the view file viewPath.
func AcknowledgedPath(viewPath string) string {
	return filepath.Join(filepath.Dir(viewPath), AcknowledgedFileName)
}

// WriteAcknowledged records, atomically, that the view file of this version and hash was
// acknowledged.
func WriteAcknowledged(path, version, hash string) error {
	if err := writeAtomic(path, version+" "+hash+"\n"); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// ReadAcknowledged returns the hash of the view file last acknowledged, "" when there is no
// record or it is not one (a record that does not read is as good as none: the view is then
// applied with its dry run).
func ReadAcknowledged(path string) (string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	fields := strings.Fields(string(data))
	if len(fields) != 2 || len(fields[1]) != 64 || strings.Trim(fields[1], "0123456789abcdef") != "" {
		return "", nil
	}
	return fields[1], nil
}

// ReadAck returns the version in the ack file, "" when there is none.
func ReadAck(path string) (string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read ack file %s: %w", path, err)
	}
	return strings.TrimSpace(string(data)), nil
}

// reconciledObject is any midovpc kind: it reports Ready for a generation.
type reconciledObject interface {
	client.Object
	GetReconcileStatus() *vpcv1.ReconcileStatus
}

// newObjectOfKind returns an empty object of a projected kind.
func newObjectOfKind(kind string) (reconciledObject, error) {
	switch kind {
	case "CoreNetwork":
		return &vpcv1.CoreNetwork{}, nil
	case "Vpc":
		return &vpcv1.Vpc{}, nil
	case "Subnet":
		return &vpcv1.Subnet{}, nil
	case "SecurityGroup":
		return &vpcv1.SecurityGroup{}, nil
	case "NetworkInterface":
		return &vpcv1.NetworkInterface{}, nil
	case "ElasticIP":
		return &vpcv1.ElasticIP{}, nil
	case "RouteTable":
		return &vpcv1.RouteTable{}, nil
	case "InternetGateway":
		return &vpcv1.InternetGateway{}, nil
	case "NatGateway":
		return &vpcv1.NatGateway{}, nil
	case "NetworkAcl":
		return &vpcv1.NetworkAcl{}, nil
	case "DhcpOptionSet":
		return &vpcv1.DhcpOptionSet{}, nil
	}
	return nil, fmt.Errorf("unknown kind %q", kind)
}

// readOnly is for the acknowledgement's reads, which only look: from the cache they take
// the cached object itself, not a deep copy. A version is acknowledged after a look at every
// object it projects; with deep copies that look copied the whole cache (13,600 objects with
// their status lists of MidoNet ids at 10,000 interfaces) in one burst, at the end of a
// converge and of every edit, when the heap is at its fullest. A reader that is not a cache
// ignores it.
var readOnly = client.UnsafeDisableDeepCopy

// firstNotReady returns the first projected object (in a stable order) that does not yet
// report Ready=True for its current generation, that generation being at least the one
// the apply produced (a cached read may still show an older one). ok is true when
// every object is Ready.
func firstNotReady(ctx context.Context, c client.Reader, generations map[ObjectRef]int64, order []ObjectRef) (ObjectRef, bool, error) {
	i, err := indexNotReady(ctx, c, generations, order)
	if err != nil || i < len(order) {
		return order[i], false, err
	}
	return ObjectRef{}, true, nil
}

// indexNotReady is the index in order of the first object that is not Ready (see
// firstNotReady), len(order) when every one is.
func indexNotReady(ctx context.Context, c client.Reader, generations map[ObjectRef]int64, order []ObjectRef) (int, error) {
	for i, ref := range order {
		obj, err := newObjectOfKind(ref.Kind)
		if err != nil {
			return i, err
		}
		err = c.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, obj, readOnly)
		if apierrors.IsNotFound(err) {
			return i, nil
		}
		if err != nil {
			return i, fmt.Errorf("get %s: %w", ref, err)
		}
		if obj.GetGeneration() < generations[ref] || !vpcv1.IsReady(obj.GetGeneration(), obj.GetReconcileStatus()) {
			return i, nil
		}
		pending, err := dependentPending(ctx, c, obj)
		if err != nil || pending {
			return i, err
		}
	}
	return len(order), nil
}

// dependentPending reports whether an object that is Ready still leaves out part of its spec
// for a dependency that has become usable since: its reconcile is on its way, and the view
// is not applied until it lands. (An object stays Ready while a dependency it can do without
// is missing; that dependency's own readiness wakes it.)
func dependentPending(ctx context.Context, c client.Reader, obj reconciledObject) (bool, error) {
	switch o := obj.(type) {
	case *vpcv1.Subnet:
		return routePending(ctx, c, o)
	case *vpcv1.SecurityGroup:
		for _, g := range o.Status.PendingGroups {
			usable, err := readyObject(ctx, c, client.ObjectKey{Namespace: o.Namespace, Name: g}, &vpcv1.SecurityGroup{})
			if err != nil && !apierrors.IsNotFound(err) {
				return false, fmt.Errorf("security group %s referenced by %s: %w", g, o.Name, err)
			}
			if usable {
				return true, nil
			}
		}
	}
	return false, nil
}

// routePending reports whether a subnet still leaves out a route whose target has become
// usable since.
func routePending(ctx context.Context, c client.Reader, sn *vpcv1.Subnet) (bool, error) {
	for _, r := range sn.Status.SkippedRoutes {
		key := client.ObjectKey{Namespace: sn.Namespace, Name: r.Target}
		var usable bool
		var err error
		switch {
		case strings.HasPrefix(r.Target, "nat-"):
			usable, err = readyObject(ctx, c, key, &vpcv1.NatGateway{})
		case strings.HasPrefix(r.Target, "eni-"):
			usable, err = readyObject(ctx, c, key, &vpcv1.NetworkInterface{})
		case strings.HasPrefix(r.Target, "igw-"):
			igw := &vpcv1.InternetGateway{}
			if err = c.Get(ctx, key, igw, readOnly); err == nil {
				usable = igw.Spec.VPC == sn.Spec.VPC && igw.DeletionTimestamp.IsZero()
			}
		}
		if err != nil && !apierrors.IsNotFound(err) {
			return false, fmt.Errorf("route target %s of subnet %s: %w", r.Target, sn.Name, err)
		}
		if usable {
			return true, nil
		}
	}
	return false, nil
}

func readyObject(ctx context.Context, c client.Reader, key client.ObjectKey, obj reconciledObject) (bool, error) {
	if err := c.Get(ctx, key, obj, readOnly); err != nil {
		return false, err
	}
	return obj.GetDeletionTimestamp().IsZero() && vpcv1.IsReady(obj.GetGeneration(), obj.GetReconcileStatus()), nil
}

// firstNotGone is the first of the objects a view dropped that still exists (the same UID,
// its finalizer still deleting its MidoNet objects); ok when every one is gone. Objects found
// gone are removed from pruned, so each is looked at until it goes and not after.
func firstNotGone(ctx context.Context, c client.Reader, pruned map[ObjectRef]types.UID) (ObjectRef, bool, error) {
	for _, ref := range slices.SortedFunc(maps.Keys(pruned), func(a, b ObjectRef) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	}) {
		obj, err := newObjectOfKind(ref.Kind)
		if err != nil {
			return ref, false, err
		}
		err = c.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, obj, readOnly)
		switch {
		case apierrors.IsNotFound(err):
		case err != nil:
			return ref, false, fmt.Errorf("get %s: %w", ref, err)
		case obj.GetUID() == pruned[ref]:
			return ref, false, nil
		}
		delete(pruned, ref) // gone, or replaced by a new object of the same name
	}
	return ObjectRef{}, true, nil
}
