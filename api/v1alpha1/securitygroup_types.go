package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// SecurityGroupSpec holds the rules of a security group. Rules only allow; traffic that no
// group of an interface allows is dropped, and replies to allowed traffic always pass.
type SecurityGroupSpec struct {
	// vpc names the Vpc (in this namespace) the group belongs to.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	VPC string `json:"vpc,omitempty"`

	// ingress rules allow traffic to the group's interfaces.
	// +kubebuilder:validation:MaxItems=256
	// +optional
	Ingress []SecurityGroupRule `json:"ingress,omitempty"`

	// egress rules allow traffic from the group's interfaces.
	// +kubebuilder:validation:MaxItems=256
	// +optional
	Egress []SecurityGroupRule `json:"egress,omitempty"`

	// ownerAccount is the cloud account that owns the group.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	OwnerAccount string `json:"ownerAccount,omitempty"`
}

// SecurityGroupRule allows one kind of traffic from (ingress) or to (egress) a CIDR or the
// members of a security group. With neither, it applies to 0.0.0.0/0.
// +kubebuilder:validation:XValidation:rule="!(has(self.cidr) && has(self.securityGroup))",message="cidr and securityGroup are mutually exclusive"
// +kubebuilder:validation:XValidation:rule="!has(self.ports) || self.protocol in ['tcp', 'udp', '6', '17']",message="ports apply only to tcp and udp"
// +kubebuilder:validation:XValidation:rule="!has(self.icmp) || self.protocol in ['icmp', '1']",message="icmp applies only to the icmp protocol"
type SecurityGroupRule struct {
	// protocol: tcp, udp, icmp, all (or -1), or an IP protocol number.
	Protocol Protocol `json:"protocol"`
	// ports is the destination port range, for tcp and udp.
	// +optional
	Ports *PortRange `json:"ports,omitempty"`
	// icmp selects ICMP type and code, for icmp.
	// +optional
	ICMP *ICMPMatch `json:"icmp,omitempty"`
	// cidr is the remote address range: the source for ingress, the destination for egress.
	// +optional
	CIDR *CIDR `json:"cidr,omitempty"`
	// securityGroup is the id of the SecurityGroup (in this namespace) whose members are the
	// remote side: sg- followed by 8 or 17 lowercase hex digits.
	// +kubebuilder:validation:MaxLength=20
	// +kubebuilder:validation:XValidation:rule="self.matches('^sg-([0-9a-f]{8}|[0-9a-f]{17})$')",message="must be a security group id, sg- followed by 8 or 17 lowercase hex digits"
	// +optional
	SecurityGroup *string `json:"securityGroup,omitempty"`
}

// SecurityGroupStatus reports the group's chains and members.
type SecurityGroupStatus struct {
	ReconcileStatus `json:",inline"`

	// ingressChainID is the MidoNet id of sg_ingress_<group>.
	// +optional
	IngressChainID string `json:"ingressChainID,omitempty"`
	// egressChainID is the MidoNet id of sg_egress_<group>.
	// +optional
	EgressChainID string `json:"egressChainID,omitempty"`
	// members is the number of network interfaces in the group.
	// +optional
	Members int32 `json:"members,omitempty"`
	// pendingGroups are security groups that rules reference but that are not ready yet;
	// those rules are not in force until they are.
	// +optional
	PendingGroups []string `json:"pendingGroups,omitempty"`
}

// SecurityGroup is a stateful firewall for network interfaces: chains sg_ingress_<group>
// and sg_egress_<group>, and address groups with its members' addresses.
// The name is the cloud id: sg- followed by 8 or 17 lowercase hex digits (for example sg-5e5e5e5e).
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:validation:XValidation:rule="self.metadata.name.matches('^sg-([0-9a-f]{8}|[0-9a-f]{17})$')",message="metadata.name must be the cloud id, sg- followed by 8 or 17 lowercase hex digits"
// +kubebuilder:resource:shortName=sg,categories=midovpc
// +kubebuilder:printcolumn:name="VPC",type=string,JSONPath=`.spec.vpc`
// +kubebuilder:printcolumn:name="Members",type=integer,JSONPath=`.status.members`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Refs",type=string,JSONPath=`.status.conditions[?(@.type=="ReferencesResolved")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type SecurityGroup struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec holds the rules.
	Spec SecurityGroupSpec `json:"spec,omitempty"`
	// status reports the group's chains and members.
	Status SecurityGroupStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// SecurityGroupList is a list of SecurityGroups.
type SecurityGroupList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []SecurityGroup `json:"items"`
}

func init() {
	SchemeBuilder.Register(&SecurityGroup{}, &SecurityGroupList{})
}
