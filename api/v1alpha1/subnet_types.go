package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// SubnetSpec describes a subnet of a VPC.
type SubnetSpec struct {
	// vpc names the Vpc (in this namespace) the subnet belongs to. It cannot change.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="vpc is immutable"
	VPC string `json:"vpc"`

	// cidr is the subnet's address range, inside the VPC's. It cannot change. The first
	// address is the router, the second its DNS/ARP proxy.
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="cidr is immutable"
	// +kubebuilder:validation:XValidation:rule="!isCIDR(self) || cidr(self).prefixLength() <= 28",message="a subnet needs at least 16 addresses: /28 or larger"
	// +kubebuilder:validation:XValidation:rule="!isCIDR(self) || cidr(self) == cidr(self).masked()",message="must be a network address without host bits, such as 10.30.0.0/16 (not 10.30.1.5/16)"
	CIDR CIDR `json:"cidr"`

	// availabilityZone is the cloud partition (cluster) the subnet lives in.
	// +kubebuilder:validation:MaxLength=255
	// +optional
	AvailabilityZone string `json:"availabilityZone,omitempty"`

	// routeTable names the RouteTable whose routes apply to traffic leaving this subnet;
	// empty means only the VPC's local routes.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	RouteTable string `json:"routeTable,omitempty"`

	// networkAcl names the NetworkAcl that filters traffic entering and leaving this
	// subnet; empty means no ACL.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	NetworkACL string `json:"networkAcl,omitempty"`

	// ownerAccount is the cloud account that owns the subnet.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	OwnerAccount string `json:"ownerAccount,omitempty"`
}

// SkippedRoute is a route-table entry left out of MidoNet, and why.
type SkippedRoute struct {
	// destinationCIDR of the entry.
	DestinationCIDR string `json:"destinationCIDR"`
	// target of the entry: local, or the name of an internet gateway, NAT gateway or
	// network interface.
	// +optional
	Target string `json:"target,omitempty"`
	// reason it was left out, e.g. the NAT gateway it points to is not ready.
	Reason string `json:"reason"`
}

// SubnetStatus reports the subnet bridge.
type SubnetStatus struct {
	ReconcileStatus `json:",inline"`

	// bridgeName is the subnet bridge in MidoNet, vb_<vpc>_<subnet>.
	// +optional
	BridgeName string `json:"bridgeName,omitempty"`
	// bridgeID is the MidoNet id of the subnet bridge.
	// +optional
	BridgeID string `json:"bridgeID,omitempty"`
	// routerPortID is the MidoNet id of the VPC router's port on this subnet.
	// +optional
	RouterPortID string `json:"routerPortID,omitempty"`
	// routes is the number of route-table routes in force for this subnet.
	// +optional
	Routes int32 `json:"routes,omitempty"`
	// skippedRoutes are route-table entries that are not in force, with the reason.
	// +optional
	SkippedRoutes []SkippedRoute `json:"skippedRoutes,omitempty"`
}

// Subnet is a subnet of a VPC: a MidoNet bridge (vb_<vpc>_<subnet>) linked to the VPC
// router, with DHCP, and the route table and network ACL that apply to it.
// The name is the cloud id: subnet- followed by 8 or 17 lowercase hex digits (for example subnet-11aa22bb).
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:validation:XValidation:rule="self.metadata.name.matches('^subnet-([0-9a-f]{8}|[0-9a-f]{17})$')",message="metadata.name must be the cloud id, subnet- followed by 8 or 17 lowercase hex digits"
// +kubebuilder:resource:shortName=sn,categories=midovpc
// +kubebuilder:printcolumn:name="VPC",type=string,JSONPath=`.spec.vpc`
// +kubebuilder:printcolumn:name="CIDR",type=string,JSONPath=`.spec.cidr`
// +kubebuilder:printcolumn:name="Zone",type=string,JSONPath=`.spec.availabilityZone`,priority=1
// +kubebuilder:printcolumn:name="Route-Table",type=string,JSONPath=`.spec.routeTable`,priority=1
// +kubebuilder:printcolumn:name="Bridge",type=string,JSONPath=`.status.bridgeName`,priority=1
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Refs",type=string,JSONPath=`.status.conditions[?(@.type=="ReferencesResolved")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Subnet struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec describes the subnet.
	Spec SubnetSpec `json:"spec"`
	// status reports the subnet bridge.
	Status SubnetStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// SubnetList is a list of Subnets.
type SubnetList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Subnet `json:"items"`
}

func init() {
	SchemeBuilder.Register(&Subnet{}, &SubnetList{})
}
