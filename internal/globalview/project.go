package globalview

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// DefaultNamespace is where projected objects live unless told otherwise (the manager's
// --namespace default).
const DefaultNamespace = "eucalyptus-vpc"

// Projection is a view turned into midovpc's resources: the cluster-scoped CoreNetwork and,
// in Namespace, one object per VPC object of the view. Every slice is sorted by name, so
// the same view always gives the same projection.
type Projection struct {
	// Version is the view's version attribute; "" for 4.1 files (no ack is possible).
	Version string
	// Namespace holds every namespaced object below.
	Namespace string

	CoreNetwork       *vpcv1.CoreNetwork
	Vpcs              []*vpcv1.Vpc
	Subnets           []*vpcv1.Subnet
	SecurityGroups    []*vpcv1.SecurityGroup
	NetworkInterfaces []*vpcv1.NetworkInterface
	ElasticIPs        []*vpcv1.ElasticIP
	RouteTables       []*vpcv1.RouteTable
	InternetGateways  []*vpcv1.InternetGateway
	NatGateways       []*vpcv1.NatGateway
	NetworkAcls       []*vpcv1.NetworkAcl
	DhcpOptionSets    []*vpcv1.DhcpOptionSet
}

// Project turns a valid view (one that passed Validate) into resources for namespace.
// It fails on the few things a valid view can hold that the API cannot express (a
// gateway known only by host name, an ACL entry numbered 32767 that is not the default
// deny, ...); the caller rejects such a view as a whole, like an invalid one.
func Project(v *View, namespace string) (*Projection, error) {
	if namespace == "" {
		namespace = DefaultNamespace
	}
	p := &projector{view: v, out: &Projection{Version: v.Version, Namespace: namespace}}
	core, err := p.coreNetwork()
	if err != nil {
		return nil, err
	}
	p.out.CoreNetwork = core
	p.indexInterfaces()
	steps := []func() error{
		p.vpcs, p.internetGateways, p.dhcpOptionSets, p.securityGroups, p.networkInterfaces,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	p.out.sort()
	return p.out, nil
}

// Objects returns every projected object in apply order: parents before the children
// that carry owner references to them (decision 6), the CoreNetwork first.
func (p *Projection) Objects() []client.Object {
	var objs []client.Object
	if p.CoreNetwork != nil {
		objs = append(objs, p.CoreNetwork)
	}
	objs = appendAll(objs, p.DhcpOptionSets)
	objs = appendAll(objs, p.Vpcs)
	objs = appendAll(objs, p.InternetGateways)
	objs = appendAll(objs, p.RouteTables)
	objs = appendAll(objs, p.NetworkAcls)
	objs = appendAll(objs, p.Subnets)
	objs = appendAll(objs, p.SecurityGroups)
	objs = appendAll(objs, p.NatGateways)
	objs = appendAll(objs, p.NetworkInterfaces)
	objs = appendAll(objs, p.ElasticIPs)
	return objs
}

func appendAll[T client.Object](objs []client.Object, items []T) []client.Object {
	for _, o := range items {
		objs = append(objs, o)
	}
	return objs
}

func (p *Projection) sort() {
	sortByName(p.Vpcs)
	sortByName(p.Subnets)
	sortByName(p.SecurityGroups)
	sortByName(p.NetworkInterfaces)
	sortByName(p.ElasticIPs)
	sortByName(p.RouteTables)
	sortByName(p.InternetGateways)
	sortByName(p.NatGateways)
	sortByName(p.NetworkAcls)
	sortByName(p.DhcpOptionSets)
}

func sortByName[T client.Object](items []T) {
	slices.SortFunc(items, func(a, b T) int { return cmp.Compare(a.GetName(), b.GetName()) })
}

// projector carries the view and the lookups shared by the per-kind steps.
type projector struct {
	view *View
	out  *Projection
	// groupVPCs maps a security group id to the VPCs of the interfaces using it.
	groupVPCs map[string]map[string]bool
	// subnetCluster maps a subnet id to its availability zone, for MAC prefixes.
	subnetCluster map[string]string
	// labels (per owner account) and annotations are the maps meta hands out.
	labels      map[string]map[string]string
	annotations map[string]string
}

// meta is the metadata every projected object carries: the source label that scopes
// pruning, the owner account, and the view version its content came from.
//
// The objects of one projection share these maps (one per owner account, one for the
// version): two maps per object were a tenth of what handling a view of 10,000 interfaces
// allocated, on every edit. A projection is read only; whoever changes an object's
// metadata works on a copy (DeepCopy, or the manifest the applier sends).
func (p *projector) meta(name, namespace, ownerID string) metav1.ObjectMeta {
	labels := p.labels[ownerID]
	if labels == nil {
		labels = map[string]string{vpcv1.SourceLabel: vpcv1.SourceGlobalView}
		if ownerID != "" {
			labels[vpcv1.OwnerAccountLabel] = ownerID
		}
		if p.labels == nil {
			p.labels = map[string]map[string]string{}
		}
		p.labels[ownerID] = labels
	}
	m := metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: labels}
	if p.view.Version != "" {
		if p.annotations == nil {
			p.annotations = map[string]string{vpcv1.ViewVersionAnnotation: p.view.Version}
		}
		m.Annotations = p.annotations
	}
	return m
}

func (p *projector) nsMeta(name, ownerID string) metav1.ObjectMeta {
	return p.meta(name, p.out.Namespace, ownerID)
}

// typeMeta fills apiVersion and kind, which server-side apply and the YAML output need.
func typeMeta(kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: vpcv1.GroupVersion.String(), Kind: kind}
}

// protocolName turns an IP protocol number of the view into the API's Protocol: the
// names for the protocols midovpc matches by name, the number otherwise.
func protocolName(n int) vpcv1.Protocol {
	switch n {
	case -1:
		return "all"
	case 1:
		return "icmp"
	case 6:
		return "tcp"
	case 17:
		return "udp"
	}
	return vpcv1.Protocol(strconv.Itoa(n))
}

// portRange is the rule's port range for TCP and UDP; other protocols ignore ports, as
// the original does.
func portRange(protocol int, from, to *int) *vpcv1.PortRange {
	if (protocol != 6 && protocol != 17) || (from == nil && to == nil) {
		return nil
	}
	r := &vpcv1.PortRange{From: int32(deref(from, 0)), To: int32(deref(to, 65535))}
	if from == nil {
		r.From = r.To
	}
	if to == nil {
		r.To = r.From
	}
	return r
}

// icmpMatch is the rule's ICMP match for protocol 1. An absent type or code is 0, not
// "any", as in the original reader (spec §8).
func icmpMatch(protocol int, icmpType, icmpCode *int) *vpcv1.ICMPMatch {
	if protocol != 1 {
		return nil
	}
	return &vpcv1.ICMPMatch{Type: int32(deref(icmpType, 0)), Code: int32(deref(icmpCode, 0))}
}

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

func ptrTo[T any](v T) *T { return &v }

// ElasticIPName is the name of the ElasticIP for a public address: eip- and the address
// with dashes for dots (eip-10-116-150-11).
func ElasticIPName(publicIP string) string {
	return "eip-" + strings.ReplaceAll(publicIP, ".", "-")
}

// projectionError names the element that cannot be projected, in the shape of a
// validation error so that a rejected view is reported the same way either way.
func projectionError(path, id, format string, args ...any) error {
	return ValidationErrors{{Path: path, ID: id, Message: fmt.Sprintf(format, args...)}}
}

// manifest is obj as the API server should receive it from its author: apiVersion, kind,
// metadata and spec, without status or the server's metadata.
func manifest(obj client.Object) (map[string]any, error) {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, fmt.Errorf("convert %s %s: %w", obj.GetObjectKind().GroupVersionKind().Kind, obj.GetName(), err)
	}
	delete(m, "status")
	if md, ok := m["metadata"].(map[string]any); ok {
		for _, k := range []string{"creationTimestamp", "resourceVersion", "uid", "generation", "managedFields"} {
			delete(md, k)
		}
	}
	return m, nil
}
