package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// NetworkAclSpec holds the entries of a network ACL. Entries are checked in rule-number
// order; the first that matches decides, and traffic no entry matches is denied. ACLs are
// stateless: replies need entries of their own.
type NetworkAclSpec struct {
	// vpc names the Vpc (in this namespace) the ACL belongs to.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	VPC string `json:"vpc"`

	// ingress entries filter traffic entering a subnet.
	// +listType=map
	// +listMapKey=ruleNumber
	// +kubebuilder:validation:MaxItems=128
	// +optional
	Ingress []NetworkAclEntry `json:"ingress,omitempty"`

	// egress entries filter traffic leaving a subnet.
	// +listType=map
	// +listMapKey=ruleNumber
	// +kubebuilder:validation:MaxItems=128
	// +optional
	Egress []NetworkAclEntry `json:"egress,omitempty"`

	// ownerAccount is the cloud account that owns the ACL.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	OwnerAccount string `json:"ownerAccount,omitempty"`
}

// NetworkAclAction is what an entry does with the traffic it matches.
// +kubebuilder:validation:Enum=allow;deny
type NetworkAclAction string

// Actions of network ACL entries.
const (
	NetworkAclAllow NetworkAclAction = "allow"
	NetworkAclDeny  NetworkAclAction = "deny"
)

// NetworkAclEntry allows or denies one kind of traffic from (ingress) or to (egress) a CIDR.
// +kubebuilder:validation:XValidation:rule="!has(self.ports) || self.protocol in ['tcp', 'udp', '6', '17']",message="ports apply only to tcp and udp"
// +kubebuilder:validation:XValidation:rule="!has(self.icmp) || self.protocol in ['icmp', '1']",message="icmp applies only to the icmp protocol"
type NetworkAclEntry struct {
	// ruleNumber orders the entries, lowest first (1 to 32766).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=32766
	RuleNumber int32 `json:"ruleNumber"`
	// protocol: tcp, udp, icmp, all (or -1), or an IP protocol number.
	Protocol Protocol `json:"protocol"`
	// action is allow or deny.
	Action NetworkAclAction `json:"action"`
	// cidr is the remote range: the source for ingress, the destination for egress.
	CIDR CIDR `json:"cidr"`
	// ports is the destination port range, for tcp and udp.
	// +optional
	Ports *PortRange `json:"ports,omitempty"`
	// icmp selects ICMP type and code, for icmp.
	// +optional
	ICMP *ICMPMatch `json:"icmp,omitempty"`
}

// NetworkAclStatus reports the ACL chains.
type NetworkAclStatus struct {
	ReconcileStatus `json:",inline"`

	// ingressChainID is the MidoNet id of acl_ingress_<vpc>_<acl>.
	// +optional
	IngressChainID string `json:"ingressChainID,omitempty"`
	// egressChainID is the MidoNet id of acl_egress_<vpc>_<acl>.
	// +optional
	EgressChainID string `json:"egressChainID,omitempty"`
	// subnets is the number of subnets the ACL filters.
	// +optional
	Subnets int32 `json:"subnets,omitempty"`
}

// NetworkAcl is a stateless subnet firewall: chains acl_ingress_<vpc>_<acl> and
// acl_egress_<vpc>_<acl>, jumped to from the filters of the subnets that use it.
// The name is the cloud id: acl- followed by 8 or 17 lowercase hex digits (for example acl-3c3c3c3c).
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:validation:XValidation:rule="self.metadata.name.matches('^acl-([0-9a-f]{8}|[0-9a-f]{17})$')",message="metadata.name must be the cloud id, acl- followed by 8 or 17 lowercase hex digits"
// +kubebuilder:resource:shortName=nacl,categories=midovpc
// +kubebuilder:printcolumn:name="VPC",type=string,JSONPath=`.spec.vpc`
// +kubebuilder:printcolumn:name="Subnets",type=integer,JSONPath=`.status.subnets`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type NetworkAcl struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec holds the entries.
	Spec NetworkAclSpec `json:"spec"`
	// status reports the ACL chains.
	Status NetworkAclStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// NetworkAclList is a list of NetworkAcls.
type NetworkAclList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []NetworkAcl `json:"items"`
}

func init() {
	SchemeBuilder.Register(&NetworkAcl{}, &NetworkAclList{})
}
