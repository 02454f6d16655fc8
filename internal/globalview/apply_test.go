package globalview

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// resourceVersions reads the resourceVersion of the CoreNetwork and of every object of
// the projected kinds in namespace.
func resourceVersions(t *testing.T, c client.Client, namespace string) map[ObjectRef]string {
	t.Helper()
	a := Applier{Client: c}
	live, err := a.liveObjects(context.Background(), namespace)
	if err != nil {
		t.Fatal(err)
	}
	rvs := map[ObjectRef]string{}
	for ref, obj := range live {
		rvs[ref] = obj.GetResourceVersion()
	}
	return rvs
}

// changedRefs compares two resourceVersion maps: created, deleted, updated.
func changedRefs(before, after map[ObjectRef]string) (created, deleted, updated []string) {
	for ref, rv := range after {
		old, ok := before[ref]
		switch {
		case !ok:
			created = append(created, ref.Name)
		case old != rv:
			updated = append(updated, ref.Name)
		}
	}
	for ref := range before {
		if _, ok := after[ref]; !ok {
			deleted = append(deleted, ref.Name)
		}
	}
	slices.Sort(created)
	slices.Sort(deleted)
	slices.Sort(updated)
	return created, deleted, updated
}

// deleteCoreNetwork removes the shared CoreNetwork so that a test starts from scratch.
func deleteCoreNetwork(t *testing.T, c client.Client) {
	t.Helper()
	cn := &vpcv1.CoreNetwork{ObjectMeta: metav1.ObjectMeta{Name: vpcv1.CoreNetworkName}}
	if err := c.Delete(context.Background(), cn); err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
	eventually(t, "CoreNetwork deleted", func() error {
		err := c.Get(context.Background(), client.ObjectKeyFromObject(cn), cn)
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("still there (%v)", err)
	})
}

func TestApplyExample(t *testing.T) {
	env := controlPlane(t)
	c, writes := countingClient(t, env)
	deleteCoreNetwork(t, env.Client)
	ns := testNamespace(t)
	ctx := context.Background()
	a := &Applier{Client: c}

	p := projectFixture(t, "example")
	p = reproject(t, p, ns)
	res, err := a.Apply(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 21 || res.Writes != 22 || res.Deleted != 0 {
		t.Fatalf("first apply: %+v, want 21 created and 22 writes (with the namespace)", res)
	}

	// Owner references: decision 6, with the parents' UIDs.
	vpc := &vpcv1.Vpc{}
	mustGet(t, c, ns, "vpc-0a1b2c3d", vpc)
	subnet := &vpcv1.Subnet{}
	mustGet(t, c, ns, "subnet-11aa22bb", subnet)
	owned := []struct {
		obj    client.Object
		name   string
		parent client.Object
	}{
		{&vpcv1.Subnet{}, "subnet-11aa22bb", vpc},
		{&vpcv1.SecurityGroup{}, "sg-5e5e5e5e", vpc},
		{&vpcv1.RouteTable{}, "rtb-1a1a1a1a", vpc},
		{&vpcv1.NetworkAcl{}, "acl-3c3c3c3c", vpc},
		{&vpcv1.NetworkInterface{}, "eni-a1a1a1a1", subnet},
		{&vpcv1.NatGateway{}, "nat-0c1d2e3f4a5b6c7d8", subnet},
		{&vpcv1.ElasticIP{}, "eip-10-116-150-11", nil},
		{&vpcv1.InternetGateway{}, "igw-7a8b9c0d", nil},
	}
	for _, o := range owned {
		mustGet(t, c, ns, o.name, o.obj)
		refs := o.obj.GetOwnerReferences()
		if o.parent == nil {
			if len(refs) != 0 {
				t.Errorf("%s has owner references %v", o.name, refs)
			}
			continue
		}
		want := []metav1.OwnerReference{{
			APIVersion: "vpc.midovpc.io/v1alpha1", Kind: kindOf(o.parent), Name: o.parent.GetName(),
			UID: o.parent.GetUID(), Controller: ptrTo(false), BlockOwnerDeletion: ptrTo(true),
		}}
		if !reflect.DeepEqual(refs, want) {
			t.Errorf("%s owner references = %+v, want %+v", o.name, refs, want)
		}
		if o.obj.GetLabels()[vpcv1.SourceLabel] != vpcv1.SourceGlobalView ||
			o.obj.GetLabels()[vpcv1.OwnerAccountLabel] != "123456789012" {
			t.Errorf("%s labels = %v", o.name, o.obj.GetLabels())
		}
	}

	// The same content again, and the same content under a new version, write nothing.
	before := writes.Load()
	for _, version := range []string{"3f9c1e7a", "0badf00d"} {
		p.Version = version
		res, err := a.Apply(ctx, reproject(t, p, ns))
		if err != nil {
			t.Fatal(err)
		}
		if res.Writes != 0 || res.Unchanged != 21 || writes.Load() != before {
			t.Errorf("apply of unchanged content (version %s): %+v, %d client writes", version, res, writes.Load()-before)
		}
	}
}

// reproject returns p with every object moved to namespace and annotated with
// p.Version, as Project would have made it.
func reproject(t *testing.T, p *Projection, namespace string) *Projection {
	t.Helper()
	out := &Projection{Version: p.Version, Namespace: namespace}
	for _, obj := range p.Objects() {
		o := obj.DeepCopyObject().(client.Object)
		if o.GetNamespace() != "" {
			o.SetNamespace(namespace)
		}
		if p.Version != "" {
			o.SetAnnotations(map[string]string{vpcv1.ViewVersionAnnotation: p.Version})
		}
		out.add(o)
	}
	return out
}

func mustGet(t *testing.T, c client.Client, ns, name string, obj client.Object) {
	t.Helper()
	if err := c.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, obj); err != nil {
		t.Fatalf("get %s: %v", name, err)
	}
}

func kindOf(obj client.Object) string {
	switch obj.(type) {
	case *vpcv1.Vpc:
		return "Vpc"
	case *vpcv1.Subnet:
		return "Subnet"
	}
	return ""
}

func TestApplyChangesOnlyWhatChanged(t *testing.T) {
	env := controlPlane(t)
	c, _ := countingClient(t, env)
	deleteCoreNetwork(t, env.Client)
	ns := testNamespace(t)
	ctx := context.Background()
	a := &Applier{Client: c}

	v := parseValid(t, readFixture(t, "example"))
	p, err := Project(v, ns)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Apply(ctx, p); err != nil {
		t.Fatal(err)
	}
	// Objects applied by hand live beside the projected ones and are never pruned, even one
	// that carries the projection's label (a copy of a projected object); an object the view
	// applied (an earlier version's) that the view no longer holds is.
	handmade := &vpcv1.Vpc{ObjectMeta: metav1.ObjectMeta{Name: "vpc-99999999", Namespace: ns},
		Spec: vpcv1.VpcSpec{CIDR: "10.9.0.0/16"}}
	labelledByHand := &vpcv1.Vpc{ObjectMeta: metav1.ObjectMeta{Name: "vpc-77777777", Namespace: ns,
		Labels: map[string]string{vpcv1.SourceLabel: vpcv1.SourceGlobalView}},
		Spec: vpcv1.VpcSpec{CIDR: "10.7.0.0/16"}}
	for _, o := range []client.Object{handmade, labelledByHand} {
		if err := env.Client.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	stale := &vpcv1.Vpc{TypeMeta: metav1.TypeMeta{APIVersion: vpcv1.GroupVersion.String(), Kind: "Vpc"},
		ObjectMeta: metav1.ObjectMeta{Name: "vpc-88888888", Namespace: ns,
			Labels: map[string]string{vpcv1.SourceLabel: vpcv1.SourceGlobalView}},
		Spec: vpcv1.VpcSpec{CIDR: "10.8.0.0/16"}}
	m, err := manifest(stale)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Client.Apply(ctx, client.ApplyConfigurationFromUnstructured(&unstructured.Unstructured{Object: m}),
		client.FieldOwner(FieldManager)); err != nil {
		t.Fatal(err)
	}
	before := resourceVersions(t, c, ns)

	v2 := parseValid(t, readFixture(t, "example"))
	editView(v2)
	if err := Validate(v2); err != nil {
		t.Fatalf("edited view is invalid: %v", err)
	}
	p2, err := Project(v2, ns)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Apply(ctx, p2)
	if err != nil {
		t.Fatal(err)
	}
	created, deleted, updated := changedRefs(before, resourceVersions(t, c, ns))
	wantCreated := []string{"sg-7a7a7a7a"}
	wantDeleted := []string{"dopt-4d4d4d4d", "eip-10-116-150-12", "eni-b2b2b2b2", "vpc-88888888"}
	wantUpdated := []string{"default", "eni-d4d4d4d4", "sg-5e5e5e5e", "vpc-0a1b2c3d"}
	if !slices.Equal(created, wantCreated) || !slices.Equal(deleted, wantDeleted) || !slices.Equal(updated, wantUpdated) {
		t.Errorf("created %v deleted %v updated %v,\nwant created %v deleted %v updated %v",
			created, deleted, updated, wantCreated, wantDeleted, wantUpdated)
	}
	if res.Created != 1 || res.Updated != 4 || res.Deleted != 4 || res.Writes != 9 {
		t.Errorf("result = %+v", res)
	}

	// The field the view dropped is gone, the new rule is in, the new group is owned.
	vpc := &vpcv1.Vpc{}
	mustGet(t, c, ns, "vpc-0a1b2c3d", vpc)
	if vpc.Spec.DHCPOptionSet != "" {
		t.Errorf("vpc keeps dhcpOptionSet %q", vpc.Spec.DHCPOptionSet)
	}
	sg := &vpcv1.SecurityGroup{}
	mustGet(t, c, ns, "sg-5e5e5e5e", sg)
	if r := sg.Spec.Ingress[1].Ports; r == nil || r.From != 8080 {
		t.Errorf("changed rule = %+v", sg.Spec.Ingress[1])
	}
	sg7 := &vpcv1.SecurityGroup{}
	mustGet(t, c, ns, "sg-7a7a7a7a", sg7)
	if refs := sg7.GetOwnerReferences(); len(refs) != 1 || refs[0].Name != "vpc-4e5f6a7b" {
		t.Errorf("new group owner references = %v", refs)
	}
	mustGet(t, c, ns, "vpc-99999999", &vpcv1.Vpc{})
}

// editView makes the changes TestApplyChangesOnlyWhatChanged expects: instance
// i-12345678 terminated, group sg-7a7a7a7a added to eni-d4d4d4d4, the port-80 rule of
// sg-5e5e5e5e moved to 8080, the DHCP option set of vpc-0a1b2c3d removed.
func editView(v *View) {
	v.Instances = slices.DeleteFunc(v.Instances, func(in Instance) bool { return in.ID == "i-12345678" })
	node := &v.Config.Clusters[0].Nodes[0]
	node.InstanceIDs = slices.DeleteFunc(node.InstanceIDs, func(id string) bool { return id == "i-12345678" })
	v.indexPlacement()
	v.SecurityGroups = append(v.SecurityGroups, SecurityGroup{ID: "sg-7a7a7a7a", OwnerID: "123456789012",
		IngressRules: []SecurityGroupRule{{Protocol: 6, FromPort: ptrTo(443), ToPort: ptrTo(443), CIDR: "0.0.0.0/0"}}})
	for i := range v.Instances {
		for j := range v.Instances[i].NetworkInterfaces {
			if n := &v.Instances[i].NetworkInterfaces[j]; n.ID == "eni-d4d4d4d4" {
				n.SecurityGroups = append(n.SecurityGroups, "sg-7a7a7a7a")
			}
		}
	}
	v.SecurityGroups[0].IngressRules[1].FromPort = ptrTo(8080)
	v.SecurityGroups[0].IngressRules[1].ToPort = ptrTo(8080)
	v.VPCs[0].DHCPOptionSet = ""
	v.DHCPOptionSets = nil
}

// add puts obj in the slice of its kind (tests build projections by hand).
func (p *Projection) add(obj client.Object) {
	switch o := obj.(type) {
	case *vpcv1.CoreNetwork:
		p.CoreNetwork = o
	case *vpcv1.Vpc:
		p.Vpcs = append(p.Vpcs, o)
	case *vpcv1.Subnet:
		p.Subnets = append(p.Subnets, o)
	case *vpcv1.SecurityGroup:
		p.SecurityGroups = append(p.SecurityGroups, o)
	case *vpcv1.NetworkInterface:
		p.NetworkInterfaces = append(p.NetworkInterfaces, o)
	case *vpcv1.ElasticIP:
		p.ElasticIPs = append(p.ElasticIPs, o)
	case *vpcv1.RouteTable:
		p.RouteTables = append(p.RouteTables, o)
	case *vpcv1.InternetGateway:
		p.InternetGateways = append(p.InternetGateways, o)
	case *vpcv1.NatGateway:
		p.NatGateways = append(p.NatGateways, o)
	case *vpcv1.NetworkAcl:
		p.NetworkAcls = append(p.NetworkAcls, o)
	case *vpcv1.DhcpOptionSet:
		p.DhcpOptionSets = append(p.DhcpOptionSets, o)
	}
}

// TestApplyRefusedViewWritesNothing: an object the API server refuses (a /29 subnet is
// too small for the CRD) rejects the whole projection before anything is written.
func TestApplyRefusedViewWritesNothing(t *testing.T) {
	env := controlPlane(t)
	c, writes := countingClient(t, env)
	deleteCoreNetwork(t, env.Client)
	ns := testNamespace(t)
	ctx := context.Background()
	a := &Applier{Client: c}
	if _, err := a.Apply(ctx, projectExample(t, ns, false)); err != nil {
		t.Fatal(err)
	}
	before, writesBefore := resourceVersions(t, c, ns), writes.Load()

	p2 := projectExample(t, ns, true)
	tiny := p2.Subnets[2].DeepCopy()
	tiny.Name, tiny.Spec.CIDR = "subnet-77777777", "172.16.9.0/29"
	p2.Subnets = append(p2.Subnets, tiny)
	_, err := a.Apply(ctx, p2)
	var refused *RefusedError
	if !errors.As(err, &refused) || refused.Object.Name != "subnet-77777777" {
		t.Fatalf("Apply = %v, want the API server to refuse subnet-77777777", err)
	}
	if n := writes.Load() - writesBefore; n != 0 {
		t.Errorf("%d writes for a refused view", n)
	}
	if created, deleted, updated := changedRefs(before, resourceVersions(t, c, ns)); len(created)+len(deleted)+len(updated) != 0 {
		t.Errorf("a refused view changed: created %v deleted %v updated %v", created, deleted, updated)
	}
}

// projectExample projects the example view into ns, edited by editView when edited is set.
func projectExample(t *testing.T, ns string, edited bool) *Projection {
	t.Helper()
	v := parseValid(t, readFixture(t, "example"))
	if edited {
		editView(v)
	}
	p, err := Project(v, ns)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestApplyAfterConfirmation: an Apply trusts what the last one found up to date only while
// neither side changed. A change made in the cluster (the object's resourceVersion moves) and
// a change in the view (the projected content differs) are both still seen and applied; a
// change in the cluster that is not ours to undo (someone's label) still writes nothing.
func TestApplyAfterConfirmation(t *testing.T) {
	env := controlPlane(t)
	c, writes := countingClient(t, env)
	deleteCoreNetwork(t, env.Client)
	ns := testNamespace(t)
	ctx := context.Background()
	a := &Applier{Client: c}

	p := projectExample(t, ns, false)
	// The objects of a projection share their label and annotation maps, and the applier
	// keeps them as what it confirmed: applying must change none of them.
	var pristine []client.Object
	for _, obj := range p.Objects() {
		pristine = append(pristine, obj.DeepCopyObject().(client.Object))
	}
	defer func() {
		for i, obj := range p.Objects() {
			if !reflect.DeepEqual(obj, pristine[i]) {
				t.Errorf("applying changed the projected %s: %+v, was %+v", refOf(obj), obj, pristine[i])
			}
		}
	}()
	if _, err := a.Apply(ctx, p); err != nil {
		t.Fatal(err)
	}
	res, err := a.Apply(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	total := len(p.Objects())
	if res.Writes != 0 || res.Unchanged != total || len(a.confirmed) != total {
		t.Fatalf("second apply: %+v, %d confirmed, want %d unchanged and confirmed", res, len(a.confirmed), total)
	}

	// Someone edits a projected rule in the cluster: the same projection puts it back.
	sg := &vpcv1.SecurityGroup{}
	mustGet(t, env.Client, ns, "sg-5e5e5e5e", sg)
	want := sg.Spec.Ingress[1]
	sg.Spec.Ingress[1].Ports = &vpcv1.PortRange{From: 9999, To: 9999}
	if err := env.Client.Update(ctx, sg); err != nil {
		t.Fatal(err)
	}
	if res, err = a.Apply(ctx, p); err != nil {
		t.Fatal(err)
	}
	mustGet(t, env.Client, ns, "sg-5e5e5e5e", sg)
	if res.Updated != 1 || !reflect.DeepEqual(sg.Spec.Ingress[1], want) {
		t.Errorf("after an edit in the cluster: %+v, rule %+v, want 1 updated and %+v", res, sg.Spec.Ingress[1], want)
	}

	// Someone labels a Vpc: not a field of ours, nothing to write; it is confirmed again.
	vpc := &vpcv1.Vpc{}
	mustGet(t, env.Client, ns, "vpc-0a1b2c3d", vpc)
	vpc.Labels["team"] = "blue"
	if err := env.Client.Update(ctx, vpc); err != nil {
		t.Fatal(err)
	}
	before := writes.Load()
	if res, err = a.Apply(ctx, p); err != nil {
		t.Fatal(err)
	}
	if res.Writes != 0 || writes.Load() != before || len(a.confirmed) != total {
		t.Errorf("after a foreign label: %+v, %d client writes, %d confirmed", res, writes.Load()-before, len(a.confirmed))
	}

	// The view changes while the cluster does not: every change is applied.
	if res, err = a.Apply(ctx, projectExample(t, ns, true)); err != nil {
		t.Fatal(err)
	}
	if res.Created != 1 || res.Updated != 4 || res.Deleted != 3 {
		t.Errorf("after an edit of the view: %+v, want 1 created, 4 updated, 3 deleted", res)
	}
	mustGet(t, env.Client, ns, "sg-5e5e5e5e", sg)
	if r := sg.Spec.Ingress[1].Ports; r == nil || r.From != 8080 {
		t.Errorf("changed rule = %+v", sg.Spec.Ingress[1])
	}
}

// TestApplyFromInformers: with the cache's informers the applier reads the live objects from
// their namespace index, without listing; it finds what a list finds, so an unchanged view
// writes nothing and an edited one is applied.
func TestApplyFromInformers(t *testing.T) {
	env := controlPlane(t)
	direct, writes := countingClient(t, env)
	deleteCoreNetwork(t, env.Client)
	ns := testNamespace(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	p := projectExample(t, ns, false)
	if _, err := (&Applier{Client: direct}).Apply(ctx, p); err != nil {
		t.Fatal(err)
	}
	c, cached := trimmedCache(ctx, t, env)
	listing := &Applier{Client: cached}
	indexed := &Applier{Client: cached, Informers: c}
	if _, ok, err := indexed.cachedObjects(ctx, &vpcv1.NetworkInterface{}, ns); !ok || err != nil {
		t.Fatalf("the cache's informer index is not read (%v): the applier would list", err)
	}
	var want, got map[ObjectRef]client.Object
	var err error
	eventually(t, "the cache holds the applied view", func() error {
		if want, err = listing.liveObjects(ctx, ns); err != nil {
			return err
		}
		if len(want) != len(p.Objects()) {
			return fmt.Errorf("%d objects listed, want %d", len(want), len(p.Objects()))
		}
		return nil
	})
	if got, err = indexed.liveObjects(ctx, ns); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("from the informers: %d objects, listed: %d", len(got), len(want))
	}
	for ref, obj := range want {
		if g := got[ref]; g == nil || g.GetResourceVersion() != obj.GetResourceVersion() {
			t.Errorf("%s: from the informers %v, listed resourceVersion %s", ref, g, obj.GetResourceVersion())
		}
	}

	before := writes.Load()
	res, err := indexed.Apply(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Writes != 0 || res.Unchanged != len(p.Objects()) || writes.Load() != before {
		t.Errorf("unchanged view from the informers: %+v, %d client writes", res, writes.Load()-before)
	}
	if res, err = indexed.Apply(ctx, projectExample(t, ns, true)); err != nil {
		t.Fatal(err)
	}
	if res.Created != 1 || res.Updated != 4 || res.Deleted != 3 {
		t.Errorf("edited view from the informers: %+v, want 1 created, 4 updated, 3 deleted", res)
	}
}

// The objects of a projection come in the apply order of projectedKinds, which the applier
// follows kind after kind: a Subnet after the NetworkAcl and RouteTable it names. Projected the
// other way round, every subnet of a cold converge at 10,000 interfaces found its ACL missing
// and reported it before the ACLs were applied.
func TestProjectionObjectsFollowTheApplyOrder(t *testing.T) {
	rank := map[string]int{}
	for i, k := range projectedKinds {
		rank[k.kind] = i + 1
	}
	last, seen := 0, map[string]bool{}
	for _, obj := range projectExample(t, "ns", false).Objects() {
		kind := refOf(obj).Kind
		seen[kind] = true
		r := rank[kind] // the CoreNetwork is not namespaced: 0, first
		if r < last {
			t.Fatalf("%s %s comes after a kind that projectedKinds applies later", kind, obj.GetName())
		}
		last = r
	}
	for _, k := range projectedKinds {
		if !seen[k.kind] {
			t.Errorf("the example projects no %s: the order is not checked for it", k.kind)
		}
	}
}

// Objects written with kubectl from kubectl-midovpc import's output carry the projection's
// label but were not applied by the view: the first Apply takes each over (one write), so
// that a later view that drops one deletes it; then nothing is written again.
func TestApplyTakesOverImportedObjects(t *testing.T) {
	env := controlPlane(t)
	c, _ := countingClient(t, env)
	deleteCoreNetwork(t, env.Client)
	ns := testNamespace(t)
	ctx := context.Background()
	a := &Applier{Client: c}
	p, err := Project(parseValid(t, readFixture(t, "example")), ns)
	if err != nil {
		t.Fatal(err)
	}
	objs := p.Objects()
	if err := env.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if err := env.Client.Create(ctx, o.DeepCopyObject().(client.Object)); err != nil {
			t.Fatal(err)
		}
	}
	res, err := a.Apply(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 0 || res.Updated != len(objs) || res.Deleted != 0 {
		t.Errorf("first apply over imported objects: created %d updated %d deleted %d, want 0, %d, 0", res.Created, res.Updated, res.Deleted, len(objs))
	}
	if res, err = a.Apply(ctx, p); err != nil || res.Created+res.Updated+res.Deleted != 0 {
		t.Errorf("second apply: %+v, %v; want no change", res, err)
	}
	v2 := parseValid(t, readFixture(t, "example"))
	editView(v2)
	p2, err := Project(v2, ns)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Apply(ctx, p2); err != nil {
		t.Fatal(err)
	}
	eni := &vpcv1.NetworkInterface{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: "eni-b2b2b2b2"}, eni); err == nil && eni.DeletionTimestamp.IsZero() {
		t.Error("eni-b2b2b2b2, imported and then dropped by the view, is still there")
	}
}
