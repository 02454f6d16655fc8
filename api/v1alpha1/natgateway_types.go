package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// NatGatewaySpec describes a NAT gateway in a subnet.
type NatGatewaySpec struct {
	// subnet names the Subnet (in this namespace) the gateway sits in.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Subnet string `json:"subnet"`

	// macAddress of the gateway's port on the subnet.
	MACAddress MAC `json:"macAddress"`

	// privateIP is the gateway's address in its subnet, the next hop of routes that
	// target it.
	PrivateIP IPv4 `json:"privateIP"`

	// publicIP is the address the VPC's traffic leaves with; without it the gateway
	// routes nothing to the outside.
	// +optional
	PublicIP *IPv4 `json:"publicIP,omitempty"`

	// ownerAccount is the cloud account that owns the gateway.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	OwnerAccount string `json:"ownerAccount,omitempty"`
}

// NatGatewayStatus reports the NAT router.
type NatGatewayStatus struct {
	ReconcileStatus `json:",inline"`

	// routerIndex is the gateway's slot on the internal router network, shared with VPC
	// routers.
	// +optional
	RouterIndex int32 `json:"routerIndex,omitempty"`
	// routerName is natr_<gateway>_<subnet>_<routerIndex>.
	// +optional
	RouterName string `json:"routerName,omitempty"`
	// routerID is the MidoNet id of the NAT router.
	// +optional
	RouterID string `json:"routerID,omitempty"`
}

// NatGateway translates the private addresses of a VPC to one public address, through a
// MidoNet router of its own between the subnet and eucabr.
// The name is the cloud id: nat- followed by 17 lowercase hex digits (for example nat-0c1d2e3f4a5b6c7d8).
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:validation:XValidation:rule="self.metadata.name.matches('^nat-[0-9a-f]{17}$')",message="metadata.name must be the cloud id, nat- followed by 17 lowercase hex digits"
// +kubebuilder:resource:shortName=ngw,categories=midovpc
// +kubebuilder:printcolumn:name="Subnet",type=string,JSONPath=`.spec.subnet`
// +kubebuilder:printcolumn:name="Private-IP",type=string,JSONPath=`.spec.privateIP`
// +kubebuilder:printcolumn:name="Public-IP",type=string,JSONPath=`.spec.publicIP`
// +kubebuilder:printcolumn:name="Router",type=string,JSONPath=`.status.routerName`,priority=1
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type NatGateway struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec describes the gateway.
	Spec NatGatewaySpec `json:"spec"`
	// status reports the NAT router.
	Status NatGatewayStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// NatGatewayList is a list of NatGateways.
type NatGatewayList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []NatGateway `json:"items"`
}

func init() {
	SchemeBuilder.Register(&NatGateway{}, &NatGatewayList{})
}
