package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// NetworkInterfaceSpec describes an elastic network interface (ENI) and where it is
// attached.
type NetworkInterfaceSpec struct {
	// subnet names the Subnet (in this namespace) the interface lives in.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Subnet string `json:"subnet"`

	// instanceID is the instance the interface is attached to; empty when detached.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	InstanceID string `json:"instanceID,omitempty"`

	// deviceIndex is the interface's slot on its instance; 0 is the primary interface,
	// whose MidoNet objects are named after the instance.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=31
	// +optional
	DeviceIndex int32 `json:"deviceIndex,omitempty"`

	// attachmentID is the cloud's id for the attachment.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	AttachmentID string `json:"attachmentID,omitempty"`

	// macAddress of the interface.
	MACAddress MAC `json:"macAddress"`

	// privateIP is the interface's address in its subnet.
	PrivateIP IPv4 `json:"privateIP"`

	// securityGroups are the ids of the SecurityGroups (in this namespace) applied to the
	// interface, in order: sg- followed by 8 or 17 lowercase hex digits.
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:items:MaxLength=20
	// +kubebuilder:validation:XValidation:rule="self.all(g, g.matches('^sg-([0-9a-f]{8}|[0-9a-f]{17})$'))",message="must be security group ids, sg- followed by 8 or 17 lowercase hex digits"
	// +optional
	SecurityGroups []string `json:"securityGroups,omitempty"`

	// sourceDestCheck drops traffic from or to addresses other than privateIP; turn it
	// off for instances that route (NAT instances, routers).
	// +kubebuilder:default=true
	// +optional
	SourceDestCheck bool `json:"sourceDestCheck"`

	// node is the compute node the instance runs on (a name or an IP address); empty
	// means the node the CoreNetwork lists for instanceID.
	// +kubebuilder:validation:MaxLength=255
	// +optional
	Node string `json:"node,omitempty"`

	// ownerAccount is the cloud account that owns the interface.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	OwnerAccount string `json:"ownerAccount,omitempty"`
}

// NetworkInterfaceStatus reports where the interface is plugged in.
type NetworkInterfaceStatus struct {
	ReconcileStatus `json:",inline"`

	// interfaceName is the name used in the interface's MidoNet objects: the instance id
	// for a primary interface, else the interface id.
	// +optional
	InterfaceName string `json:"interfaceName,omitempty"`
	// node is the compute node the interface was bound on.
	// +optional
	Node string `json:"node,omitempty"`
	// hostID is the MidoNet host the port is bound to.
	// +optional
	HostID string `json:"hostID,omitempty"`
	// bridgePortID is the MidoNet id of the interface's port on the subnet bridge.
	// +optional
	BridgePortID string `json:"bridgePortID,omitempty"`
	// metadataIP is the address (in 255.0.0.0/8) the metadata service sees the interface as.
	// +optional
	MetadataIP string `json:"metadataIP,omitempty"`
}

// NetworkInterface is an elastic network interface: a port on its subnet's bridge bound to
// the instance's tap on its node, with DHCP, anti-spoofing and its security groups.
// The name is the cloud id: eni- followed by 8 or 17 lowercase hex digits (for example eni-e5e5e5e5).
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:validation:XValidation:rule="self.metadata.name.matches('^eni-([0-9a-f]{8}|[0-9a-f]{17})$')",message="metadata.name must be the cloud id, eni- followed by 8 or 17 lowercase hex digits"
// +kubebuilder:resource:shortName=eni,categories=midovpc
// +kubebuilder:printcolumn:name="Subnet",type=string,JSONPath=`.spec.subnet`
// +kubebuilder:printcolumn:name="Instance",type=string,JSONPath=`.spec.instanceID`
// +kubebuilder:printcolumn:name="Device",type=integer,JSONPath=`.spec.deviceIndex`,priority=1
// +kubebuilder:printcolumn:name="IP",type=string,JSONPath=`.spec.privateIP`
// +kubebuilder:printcolumn:name="Node",type=string,JSONPath=`.status.node`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type NetworkInterface struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec describes the interface.
	Spec NetworkInterfaceSpec `json:"spec"`
	// status reports where it is plugged in.
	Status NetworkInterfaceStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// NetworkInterfaceList is a list of NetworkInterfaces.
type NetworkInterfaceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []NetworkInterface `json:"items"`
}

func init() {
	SchemeBuilder.Register(&NetworkInterface{}, &NetworkInterfaceList{})
}
