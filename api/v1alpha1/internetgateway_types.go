package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// InternetGatewaySpec says which VPC the gateway is attached to.
type InternetGatewaySpec struct {
	// vpc names the Vpc (in this namespace) the gateway is attached to; empty means
	// detached.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	VPC string `json:"vpc,omitempty"`

	// ownerAccount is the cloud account that owns the gateway.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	OwnerAccount string `json:"ownerAccount,omitempty"`
}

// InternetGatewayStatus reports the attachment.
type InternetGatewayStatus struct {
	ReconcileStatus `json:",inline"`
}

// InternetGateway lets a VPC's route tables send traffic to the internet through eucart. It
// has no MidoNet object of its own: routes that target it go to eucart.
// The name is the cloud id: igw- followed by 8 or 17 lowercase hex digits (for example igw-0000bbbb).
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:validation:XValidation:rule="self.metadata.name.matches('^igw-([0-9a-f]{8}|[0-9a-f]{17})$')",message="metadata.name must be the cloud id, igw- followed by 8 or 17 lowercase hex digits"
// +kubebuilder:resource:shortName=igw,categories=midovpc
// +kubebuilder:printcolumn:name="VPC",type=string,JSONPath=`.spec.vpc`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type InternetGateway struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec says which VPC the gateway is attached to.
	Spec InternetGatewaySpec `json:"spec,omitempty"`
	// status reports the attachment.
	Status InternetGatewayStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// InternetGatewayList is a list of InternetGateways.
type InternetGatewayList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []InternetGateway `json:"items"`
}

func init() {
	SchemeBuilder.Register(&InternetGateway{}, &InternetGatewayList{})
}
