package globalview

import (
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// parentOf names the object whose owner reference obj carries (decision 6): Subnet,
// SecurityGroup (when its VPC is known), RouteTable and NetworkAcl belong to their Vpc;
// NetworkInterface and NatGateway to their Subnet. ok is false for the other kinds.
func parentOf(obj client.Object) (ref ObjectRef, ok bool) {
	ns := obj.GetNamespace()
	switch o := obj.(type) {
	case *vpcv1.Subnet:
		return ObjectRef{Kind: "Vpc", Namespace: ns, Name: o.Spec.VPC}, true
	case *vpcv1.SecurityGroup:
		return ObjectRef{Kind: "Vpc", Namespace: ns, Name: o.Spec.VPC}, o.Spec.VPC != ""
	case *vpcv1.RouteTable:
		return ObjectRef{Kind: "Vpc", Namespace: ns, Name: o.Spec.VPC}, true
	case *vpcv1.NetworkAcl:
		return ObjectRef{Kind: "Vpc", Namespace: ns, Name: o.Spec.VPC}, true
	case *vpcv1.NetworkInterface:
		return ObjectRef{Kind: "Subnet", Namespace: ns, Name: o.Spec.Subnet}, true
	case *vpcv1.NatGateway:
		return ObjectRef{Kind: "Subnet", Namespace: ns, Name: o.Spec.Subnet}, true
	}
	return ObjectRef{}, false
}

// ObjectRef names one projected object.
type ObjectRef struct {
	Kind      string
	Namespace string
	Name      string
}

func (r ObjectRef) String() string {
	if r.Namespace == "" {
		return r.Kind + " " + r.Name
	}
	return r.Kind + " " + r.Namespace + "/" + r.Name
}

// refOf names a projected object; its kind comes from its TypeMeta, which Project sets.
func refOf(obj client.Object) ObjectRef {
	return ObjectRef{Kind: obj.GetObjectKind().GroupVersionKind().Kind, Namespace: obj.GetNamespace(), Name: obj.GetName()}
}
