package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// VpcSpec describes a virtual private cloud.
type VpcSpec struct {
	// cidr is the VPC's address range. It cannot change once the VPC exists.
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="cidr is immutable"
	// +kubebuilder:validation:XValidation:rule="!isCIDR(self) || cidr(self) == cidr(self).masked()",message="must be a network address without host bits, such as 10.30.0.0/16 (not 10.30.1.5/16)"
	CIDR CIDR `json:"cidr"`

	// dhcpOptionSet names the DhcpOptionSet (in this namespace) whose DNS servers and
	// domain name the VPC's subnets hand out; empty means the CoreNetwork's defaults.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	DHCPOptionSet string `json:"dhcpOptionSet,omitempty"`

	// ownerAccount is the cloud account that owns the VPC.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	OwnerAccount string `json:"ownerAccount,omitempty"`
}

// VpcStatus reports the VPC router.
type VpcStatus struct {
	ReconcileStatus `json:",inline"`

	// routerIndex is the VPC's slot on the internal router network: its uplink address is
	// 169.254.0.0 plus this index.
	// +optional
	RouterIndex int32 `json:"routerIndex,omitempty"`
	// routerName is the name of the VPC router in MidoNet, vr_<vpc>_<routerIndex>.
	// +optional
	RouterName string `json:"routerName,omitempty"`
	// routerID is the MidoNet id of the VPC router.
	// +optional
	RouterID string `json:"routerID,omitempty"`
	// uplinkPortID is the MidoNet id of the router port linked to eucabr.
	// +optional
	UplinkPortID string `json:"uplinkPortID,omitempty"`
}

// Vpc is a virtual private cloud: one MidoNet router (vr_<vpc>_<index>) linked to the core
// bridge, with the chains that carry its elastic-IP NAT.
// The name is the cloud id: vpc- followed by 8 or 17 lowercase hex digits (for example vpc-0a1b2c3d).
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:validation:XValidation:rule="self.metadata.name.matches('^vpc-([0-9a-f]{8}|[0-9a-f]{17})$')",message="metadata.name must be the cloud id, vpc- followed by 8 or 17 lowercase hex digits"
// +kubebuilder:resource:shortName=vpc,categories=midovpc
// +kubebuilder:printcolumn:name="CIDR",type=string,JSONPath=`.spec.cidr`
// +kubebuilder:printcolumn:name="Router",type=string,JSONPath=`.status.routerName`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Vpc struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec describes the VPC.
	Spec VpcSpec `json:"spec"`
	// status reports the VPC router.
	Status VpcStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// VpcList is a list of Vpcs.
type VpcList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Vpc `json:"items"`
}

func init() {
	SchemeBuilder.Register(&Vpc{}, &VpcList{})
}
