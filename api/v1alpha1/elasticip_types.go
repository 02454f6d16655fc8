package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ElasticIPSpec describes a public address and the interface it is associated with.
type ElasticIPSpec struct {
	// publicIP is the public address.
	PublicIP IPv4 `json:"publicIP"`

	// networkInterface names the NetworkInterface (in this namespace) the address is
	// associated with; empty means allocated but not associated.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	NetworkInterface string `json:"networkInterface,omitempty"`

	// privateIP is the interface address the public address maps to; empty means the
	// interface's privateIP.
	// +optional
	PrivateIP *IPv4 `json:"privateIP,omitempty"`

	// ownerAccount is the cloud account that owns the address.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	OwnerAccount string `json:"ownerAccount,omitempty"`
}

// ElasticIPStatus reports the NAT in force.
type ElasticIPStatus struct {
	ReconcileStatus `json:",inline"`

	// associatedPrivateIP is the private address the public address is translated to.
	// +optional
	AssociatedPrivateIP string `json:"associatedPrivateIP,omitempty"`
	// vpc is the VPC whose router translates the address.
	// +optional
	VPC string `json:"vpc,omitempty"`
}

// ElasticIP is a public address mapped one to one onto an interface's private address:
// DNAT and SNAT rules on the VPC router and a /32 route on eucart.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=eip,categories=midovpc
// +kubebuilder:printcolumn:name="Public-IP",type=string,JSONPath=`.spec.publicIP`
// +kubebuilder:printcolumn:name="Interface",type=string,JSONPath=`.spec.networkInterface`
// +kubebuilder:printcolumn:name="Private-IP",type=string,JSONPath=`.status.associatedPrivateIP`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type ElasticIP struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec describes the address and its association.
	Spec ElasticIPSpec `json:"spec"`
	// status reports the NAT in force.
	Status ElasticIPStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ElasticIPList is a list of ElasticIPs.
type ElasticIPList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ElasticIP `json:"items"`
}

func init() {
	SchemeBuilder.Register(&ElasticIP{}, &ElasticIPList{})
}
