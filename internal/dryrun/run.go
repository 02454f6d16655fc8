package dryrun

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/record"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/controllers"
	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
	msync "github.com/midovpc/midovpc/internal/midonet/sync"
	"github.com/midovpc/midovpc/internal/translate"
)

// Input is the state to predict from and the change to predict.
type Input struct {
	// Tenant is the MidoNet tenant midovpc writes in.
	Tenant string
	// MidoNet is what MidoNet holds now.
	MidoNet index.Contents
	// Live are midovpc's objects in the cluster now (every namespace, with their status).
	Live []client.Object
	// Apply are objects to create, or whose spec, labels and annotations replace the live
	// object's (status, finalizers and identity are kept).
	Apply []client.Object
	// Delete are live objects to delete.
	Delete []client.Object
}

// ObjectWrites are the writes one Kubernetes object's reconciles would make.
type ObjectWrites struct {
	Kind      string  `json:"kind"`
	Namespace string  `json:"namespace,omitempty"`
	Name      string  `json:"name"`
	Writes    []Write `json:"writes"`
	// Error says why the object would not be Ready once the controllers settle (a
	// dependency missing, a node without a MidoNet host, a refused claim; its writes stop
	// there), or what its last reconcile failed with.
	Error string `json:"error,omitempty"`
}

// Ref is "Kind namespace/name", as plan prints Kubernetes objects.
func (o ObjectWrites) Ref() string {
	if o.Namespace == "" {
		return o.Kind + " " + o.Name
	}
	return o.Kind + " " + o.Namespace + "/" + o.Name
}

// Result is the prediction.
type Result struct {
	// Objects are the objects whose reconciles would write, or fail, in reconcile order.
	Objects []ObjectWrites `json:"objects"`
	// Create, Update and Delete total the writes.
	Create int `json:"create"`
	Update int `json:"update"`
	Delete int `json:"delete"`
	// Passes is how many rounds of reconciles it took until nothing changed.
	Passes int `json:"passes"`
}

// maxPasses bounds the rounds of reconciles: a change settles in a few (deletions wait for
// their children one round each: Vpc, Subnet, NetworkInterface).
const maxPasses = 12

// Run predicts what the controllers would write to MidoNet once in has been applied: it runs
// every kind's reconciler, in the order a topology is built, over a fake client holding the
// desired state and the real sync engine on an index of in.MidoNet that cannot reach any
// MidoNet, round after round until a round changes nothing. Numbers the controllers hand out
// (router indexes, metadata ids) are reused from status and MidoNet as the controllers do;
// the writes of a number handed out by the prediction name it "new" instead.
func Run(ctx context.Context, in Input) (*Result, error) {
	scheme, err := vpcv1.SchemeBuilder.Build()
	if err != nil {
		return nil, err
	}
	desired, err := desiredState(scheme, in)
	if err != nil {
		return nil, err
	}
	b := fake.NewClientBuilder().WithScheme(scheme).WithObjects(desired...).
		WithStatusSubresource(&vpcv1.CoreNetwork{}, &vpcv1.Vpc{}, &vpcv1.Subnet{}, &vpcv1.SecurityGroup{},
			&vpcv1.NetworkInterface{}, &vpcv1.ElasticIP{}, &vpcv1.RouteTable{}, &vpcv1.InternetGateway{},
			&vpcv1.NatGateway{}, &vpcv1.NetworkAcl{}, &vpcv1.DhcpOptionSet{})
	for _, ix := range controllers.IndexedFields() {
		b = b.WithIndex(ix.Object, ix.Field, ix.Extract)
	}
	kc := b.Build()
	for _, obj := range in.Delete {
		cur := obj.DeepCopyObject().(client.Object)
		if err := kc.Delete(ctx, cur); client.IgnoreNotFound(err) != nil {
			return nil, fmt.Errorf("delete %T %s: %w", obj, obj.GetName(), err)
		}
	}

	tr := &transport{}
	mn, err := midonet.New(midonet.Config{URL: apiBase, Tenant: in.Tenant, HTTPClient: &http.Client{Transport: tr},
		MaxInFlight: -1, Retry: midonet.RetryConfig{Attempts: 1}, UserAgent: "kubectl-midovpc plan"})
	if err != nil {
		return nil, err
	}
	idx := index.New(mn, in.Tenant)
	idx.LoadContents(in.MidoNet)
	tr.describe = newDescriber(idx, in.MidoNet).describe
	engine := controllers.NewMidoNetEngine(&msync.Engine{Client: mn, Index: idx, Tenant: in.Tenant, Workers: 1})
	deps := &controllers.Deps{Client: kc, Recorder: &record.FakeRecorder{}, Engine: engine,
		MaxConcurrentReconciles: 1, DependencyRetry: time.Second}
	reconcilers := controllers.Reconcilers(deps)

	res := &Result{}
	byRef := map[string]*ObjectWrites{}
	var order []string
	lastErr := map[string]string{}
	errRef := map[string]ObjectWrites{}
	// Each round reconciles the objects being deleted first, the last kind first (as the
	// projector prunes them, and the deletion of each wakes its reconcile), then every other
	// object in the order a topology is built.
	type step struct {
		r        controllers.KindReconciler
		deleting bool
	}
	var steps []step
	for i := len(reconcilers) - 1; i >= 0; i-- {
		steps = append(steps, step{reconcilers[i], true})
	}
	for _, r := range reconcilers {
		steps = append(steps, step{r, false})
	}
	for res.Passes < maxPasses {
		res.Passes++
		changed := false
		for _, st := range steps {
			r := st.r
			items, err := listKind(ctx, kc, r.NewList())
			if err != nil {
				return nil, err
			}
			for _, obj := range items {
				if obj.GetDeletionTimestamp().IsZero() == st.deleting {
					continue
				}
				ow := ObjectWrites{Kind: r.Kind, Namespace: obj.GetNamespace(), Name: obj.GetName()}
				key := ow.Ref()
				before := obj.GetResourceVersion()
				_, rerr := r.Reconcile(ctx, ctrl.Request{NamespacedName: types.NamespacedName{Namespace: obj.GetNamespace(), Name: obj.GetName()}})
				writes := tr.take()
				if rerr != nil {
					lastErr[key] = rerr.Error()
					errRef[key] = ow
				} else {
					delete(lastErr, key)
				}
				after := obj.DeepCopyObject().(client.Object)
				gone := kc.Get(ctx, client.ObjectKeyFromObject(obj), after) != nil
				if len(writes) > 0 || gone || after.GetResourceVersion() != before {
					changed = true
				}
				if len(writes) == 0 {
					continue
				}
				if byRef[key] == nil {
					byRef[key] = &ow
					order = append(order, key)
				}
				byRef[key].Writes = append(byRef[key].Writes, writes...)
			}
		}
		if !changed {
			break
		}
	}
	if len(tr.reads) > 0 {
		return nil, fmt.Errorf("the sync engine needed to read MidoNet (%s): the snapshot does not hold everything it compares", tr.reads[0])
	}
	// An object the controllers would leave not Ready (a dependency missing, a node without a
	// MidoNet host, a refused claim) is reported: its writes stop where they would stop.
	for _, r := range reconcilers {
		items, err := listKind(ctx, kc, r.NewList())
		if err != nil {
			return nil, err
		}
		for _, obj := range items {
			ow := ObjectWrites{Kind: r.Kind, Namespace: obj.GetNamespace(), Name: obj.GetName()}
			if msg := notReady(obj); msg != "" && lastErr[ow.Ref()] == "" {
				lastErr[ow.Ref()], errRef[ow.Ref()] = msg, ow
			}
		}
	}
	for key, msg := range lastErr {
		if byRef[key] == nil {
			ow := errRef[key]
			byRef[key] = &ow
			order = append(order, key)
		}
		byRef[key].Error = msg
	}
	renames, err := newNumbers(ctx, kc, in.Live)
	if err != nil {
		return nil, err
	}
	for _, key := range order {
		ow := byRef[key]
		for i := range ow.Writes {
			ow.Writes[i].What = renames(ow.Writes[i].What)
			switch ow.Writes[i].Action {
			case "create":
				res.Create++
			case "update":
				res.Update++
			case "delete":
				res.Delete++
			}
		}
		res.Objects = append(res.Objects, *ow)
	}
	return res, nil
}

// notReady says why an object would not be Ready once the controllers settle, or "".
func notReady(obj client.Object) string {
	st, ok := obj.(interface{ GetReconcileStatus() *vpcv1.ReconcileStatus })
	if !ok {
		return ""
	}
	c := meta.FindStatusCondition(st.GetReconcileStatus().Conditions, vpcv1.ConditionReady)
	switch {
	case !obj.GetDeletionTimestamp().IsZero():
		msg := "would still be being deleted"
		if c != nil {
			msg += ": " + c.Message
		}
		return msg
	case c != nil && c.Status == metav1.ConditionFalse:
		return "would not be Ready (" + c.Reason + "): " + c.Message
	}
	return ""
}

// desiredState is the cluster once in.Apply is applied: live objects keep their identity,
// status and finalizers and take the applied spec, labels and annotations; new objects are
// created now, as the newest of all.
func desiredState(scheme *runtime.Scheme, in Input) ([]client.Object, error) {
	out := map[string]client.Object{}
	keyOf := func(o client.Object) (string, error) {
		gvks, _, err := scheme.ObjectKinds(o)
		if err != nil || len(gvks) == 0 {
			return "", fmt.Errorf("kind of %T: %w", o, err)
		}
		return gvks[0].Kind + "/" + o.GetNamespace() + "/" + o.GetName(), nil
	}
	var keys []string
	for _, o := range in.Live {
		k, err := keyOf(o)
		if err != nil {
			return nil, err
		}
		cur := o.DeepCopyObject().(client.Object)
		cur.SetManagedFields(nil)
		out[k] = cur
		keys = append(keys, k)
	}
	now := metav1.NewTime(time.Now().Truncate(time.Second))
	for _, o := range in.Apply {
		k, err := keyOf(o)
		if err != nil {
			return nil, err
		}
		live, ok := out[k]
		if !ok {
			n := o.DeepCopyObject().(client.Object)
			n.SetResourceVersion("")
			n.SetUID(types.UID(uuid.NewString()))
			n.SetCreationTimestamp(now)
			n.SetGeneration(1)
			out[k] = n
			keys = append(keys, k)
			continue
		}
		merged, err := withSpecOf(live, o)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out[k] = merged
	}
	objs := make([]client.Object, 0, len(keys))
	for _, k := range keys {
		objs = append(objs, out[k])
	}
	return objs, nil
}

// withSpecOf is live with the spec, labels and annotations of applied.
func withSpecOf(live, applied client.Object) (client.Object, error) {
	l, err := runtime.DefaultUnstructuredConverter.ToUnstructured(live)
	if err != nil {
		return nil, err
	}
	a, err := runtime.DefaultUnstructuredConverter.ToUnstructured(applied)
	if err != nil {
		return nil, err
	}
	if spec, ok := a["spec"]; ok {
		l["spec"] = spec
	} else {
		delete(l, "spec")
	}
	out := live.DeepCopyObject().(client.Object)
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(l, out); err != nil {
		return nil, err
	}
	labels := maps.Clone(live.GetLabels())
	if labels == nil {
		labels = map[string]string{}
	}
	maps.Copy(labels, applied.GetLabels())
	out.SetLabels(labels)
	annotations := maps.Clone(live.GetAnnotations())
	if len(applied.GetAnnotations()) > 0 && annotations == nil {
		annotations = map[string]string{}
	}
	maps.Copy(annotations, applied.GetAnnotations())
	out.SetAnnotations(annotations)
	return out, nil
}

// newNumbers finds the router indexes and metadata ids the prediction handed out (objects
// that had none in the cluster) and returns a rewrite of descriptions that calls them new:
// the controllers pick the lowest free number when they run, which concurrent allocations
// can make another than the prediction's.
func newNumbers(ctx context.Context, kc client.Client, live []client.Object) (func(string) string, error) {
	had := map[string]bool{}
	for _, o := range live {
		switch o := o.(type) {
		case *vpcv1.Vpc:
			had["Vpc/"+o.Namespace+"/"+o.Name] = o.Status.RouterIndex != 0
		case *vpcv1.NatGateway:
			had["NatGateway/"+o.Namespace+"/"+o.Name] = o.Status.RouterIndex != 0
		case *vpcv1.NetworkInterface:
			had["NetworkInterface/"+o.Namespace+"/"+o.Name] = o.Status.MetadataIP != ""
		}
	}
	type rename struct {
		re   *regexp.Regexp
		with string
	}
	var renames []rename
	add := func(old, with string) {
		renames = append(renames, rename{regexp.MustCompile(`\b` + regexp.QuoteMeta(old) + `\b`), with})
	}
	routerIndex := func(rtid int) {
		if a, err := translate.MetadataUplinkAddress(rtid); err == nil {
			add(a.String(), "<metadata uplink of the new index>")
		}
		if a, err := translate.UplinkAddress(rtid); err == nil {
			add(a.String(), "<uplink address of the new index>")
		}
	}
	vpcs := &vpcv1.VpcList{}
	if err := kc.List(ctx, vpcs); err != nil {
		return nil, err
	}
	for _, v := range vpcs.Items {
		if n := int(v.Status.RouterIndex); n != 0 && !had["Vpc/"+v.Namespace+"/"+v.Name] {
			add(translate.VPCRouterName(v.Name, n), translate.VPCRouterName(v.Name, 0)[:len("vr_"+v.Name+"_")]+"<new index>")
			routerIndex(n)
		}
	}
	nats := &vpcv1.NatGatewayList{}
	if err := kc.List(ctx, nats); err != nil {
		return nil, err
	}
	for _, g := range nats.Items {
		if n := int(g.Status.RouterIndex); n != 0 && !had["NatGateway/"+g.Namespace+"/"+g.Name] {
			name := translate.NATRouterName(g.Name, g.Spec.Subnet, n)
			add(name, name[:len(name)-len(strconv.Itoa(n))]+"<new index>")
			routerIndex(n)
		}
	}
	enis := &vpcv1.NetworkInterfaceList{}
	if err := kc.List(ctx, enis); err != nil {
		return nil, err
	}
	for _, e := range enis.Items {
		if e.Status.MetadataIP != "" && !had["NetworkInterface/"+e.Namespace+"/"+e.Name] {
			add(e.Status.MetadataIP, "<new metadata address>")
		}
	}
	slices.SortFunc(renames, func(a, b rename) int { return cmp.Compare(len(b.re.String()), len(a.re.String())) })
	return func(s string) string {
		for _, r := range renames {
			s = r.re.ReplaceAllLiteralString(s, r.with)
		}
		return s
	}, nil
}

// metaItems are the objects of a typed list, by namespace and name.
// listKind lists every object of l's kind (l is filled) as client.Objects.
func listKind(ctx context.Context, c client.Reader, l client.ObjectList) ([]client.Object, error) {
	if err := c.List(ctx, l); err != nil {
		return nil, err
	}
	return metaItems(l)
}

func metaItems(l client.ObjectList) ([]client.Object, error) {
	list, err := meta.ExtractList(l)
	if err != nil {
		return nil, err
	}
	objs := make([]client.Object, 0, len(list))
	for _, o := range list {
		co, ok := o.(client.Object)
		if !ok {
			return nil, fmt.Errorf("%T is not a client.Object", o)
		}
		objs = append(objs, co)
	}
	slices.SortFunc(objs, func(a, b client.Object) int {
		return cmp.Or(cmp.Compare(a.GetNamespace(), b.GetNamespace()), cmp.Compare(a.GetName(), b.GetName()))
	})
	return objs, nil
}
