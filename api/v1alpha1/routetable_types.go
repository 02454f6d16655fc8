package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// RouteTableSpec holds the routes of a VPC route table. The subnets that name the table
// route by it.
type RouteTableSpec struct {
	// vpc names the Vpc (in this namespace) the table belongs to.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	VPC string `json:"vpc"`

	// routes of the table. Each destination appears once.
	// +listType=map
	// +listMapKey=destinationCIDR
	// +kubebuilder:validation:MaxItems=256
	// +optional
	Routes []Route `json:"routes,omitempty"`

	// ownerAccount is the cloud account that owns the table.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	OwnerAccount string `json:"ownerAccount,omitempty"`
}

// Route sends traffic for destinationCIDR to exactly one target.
// +kubebuilder:validation:XValidation:rule="[has(self.local) && self.local, has(self.internetGateway), has(self.natGateway), has(self.networkInterface)].filter(t, t).size() == 1",message="a route needs exactly one target: local, internetGateway, natGateway or networkInterface"
type Route struct {
	// destinationCIDR is the destination the route matches, a network address.
	// +kubebuilder:validation:XValidation:rule="!isCIDR(self) || cidr(self) == cidr(self).masked()",message="must be a network address without host bits, such as 10.30.0.0/16 (not 10.30.1.5/16)"
	DestinationCIDR CIDR `json:"destinationCIDR"`
	// local marks the VPC's own range, which MidoNet routes through the subnet routes.
	// +optional
	Local *bool `json:"local,omitempty"`
	// internetGateway names an InternetGateway attached to the VPC.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	InternetGateway *string `json:"internetGateway,omitempty"`
	// natGateway names a NatGateway of the VPC.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	NatGateway *string `json:"natGateway,omitempty"`
	// networkInterface names a NetworkInterface of the VPC (a NAT or router instance).
	// +kubebuilder:validation:MaxLength=253
	// +optional
	NetworkInterface *string `json:"networkInterface,omitempty"`
}

// RouteTableStatus reports which routes are in force.
type RouteTableStatus struct {
	ReconcileStatus `json:",inline"`

	// subnets is the number of subnets that route by this table.
	// +optional
	Subnets int32 `json:"subnets,omitempty"`
	// skippedRoutes are routes not in force, with the reason (for example a NAT gateway
	// that is not ready). The other routes are in force.
	// +optional
	SkippedRoutes []SkippedRoute `json:"skippedRoutes,omitempty"`
}

// RouteTable is a VPC route table. Its routes become source-routed routes on the VPC router
// for every subnet that uses it.
// The name is the cloud id: rtb- followed by 8 or 17 lowercase hex digits (for example rtb-2b2b2b2b).
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:validation:XValidation:rule="self.metadata.name.matches('^rtb-([0-9a-f]{8}|[0-9a-f]{17})$')",message="metadata.name must be the cloud id, rtb- followed by 8 or 17 lowercase hex digits"
// +kubebuilder:resource:shortName=rtb,categories=midovpc
// +kubebuilder:printcolumn:name="VPC",type=string,JSONPath=`.spec.vpc`
// +kubebuilder:printcolumn:name="Subnets",type=integer,JSONPath=`.status.subnets`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Refs",type=string,JSONPath=`.status.conditions[?(@.type=="ReferencesResolved")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type RouteTable struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec holds the routes.
	Spec RouteTableSpec `json:"spec"`
	// status reports which routes are in force.
	Status RouteTableStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// RouteTableList is a list of RouteTables.
type RouteTableList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []RouteTable `json:"items"`
}

func init() {
	SchemeBuilder.Register(&RouteTable{}, &RouteTableList{})
}
