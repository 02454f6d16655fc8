package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// DhcpOptionSetSpec holds the DHCP options handed to the instances of the VPCs that use
// the set. An option left empty falls back to the CoreNetwork's default.
type DhcpOptionSetSpec struct {
	// domainName is the DNS search domain handed to instances.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	DomainName string `json:"domainName,omitempty"`

	// domainNameServers are the DNS servers handed to instances.
	// +kubebuilder:validation:MaxItems=4
	// +optional
	DomainNameServers []IPv4 `json:"domainNameServers,omitempty"`

	// ntpServers are NTP servers; recorded, not yet handed out by MidoNet DHCP.
	// +kubebuilder:validation:MaxItems=4
	// +optional
	NTPServers []IPv4 `json:"ntpServers,omitempty"`

	// ownerAccount is the cloud account that owns the set.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	OwnerAccount string `json:"ownerAccount,omitempty"`
}

// DhcpOptionSetStatus reports the use of the set.
type DhcpOptionSetStatus struct {
	ReconcileStatus `json:",inline"`

	// vpcs is the number of VPCs using the set.
	// +optional
	VPCs int32 `json:"vpcs,omitempty"`
}

// DhcpOptionSet is a set of DHCP options for VPCs. It has no MidoNet object of its own: the
// subnets and interfaces of the VPCs that use it carry its values in their DHCP entries.
// The name is the cloud id: dopt- followed by 8 or 17 lowercase hex digits (for example dopt-4d4d4d4d).
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:validation:XValidation:rule="self.metadata.name.matches('^dopt-([0-9a-f]{8}|[0-9a-f]{17})$')",message="metadata.name must be the cloud id, dopt- followed by 8 or 17 lowercase hex digits"
// +kubebuilder:resource:shortName=dopt,categories=midovpc
// +kubebuilder:printcolumn:name="Domain",type=string,JSONPath=`.spec.domainName`
// +kubebuilder:printcolumn:name="VPCs",type=integer,JSONPath=`.status.vpcs`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type DhcpOptionSet struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec holds the options.
	Spec DhcpOptionSetSpec `json:"spec,omitempty"`
	// status reports the use of the set.
	Status DhcpOptionSetStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// DhcpOptionSetList is a list of DhcpOptionSets.
type DhcpOptionSetList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []DhcpOptionSet `json:"items"`
}

func init() {
	SchemeBuilder.Register(&DhcpOptionSet{}, &DhcpOptionSetList{})
}
