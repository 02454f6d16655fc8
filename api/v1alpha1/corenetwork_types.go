package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// CoreNetworkName is the name of the CoreNetwork that midovpc uses.
const CoreNetworkName = "default"

// CoreNetworkSpec is the cloud-wide configuration that the MidoNet core needs: the
// gateways that join the cloud to the outside, DNS for instances and where instances run.
type CoreNetworkSpec struct {
	// gateways are the external uplinks of the core router eucart. Each one becomes an
	// eucart port on its external address, bound to its device on its host.
	// +listType=map
	// +listMapKey=externalIP
	// +kubebuilder:validation:MaxItems=32
	// +optional
	Gateways []Gateway `json:"gateways,omitempty"`

	// bgpASN is the local autonomous system number of eucart, used by gateways that peer
	// with BGP: 1..2147483647, as MidoNet keeps AS numbers as 32-bit signed integers (4-byte
	// private ASNs from 4200000000 cannot be used with MidoNet).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:XValidation:rule="self <= 2147483647",message="MidoNet keeps AS numbers as 32-bit signed integers: at most 2147483647"
	// +optional
	BGPASN *int64 `json:"bgpASN,omitempty"`

	// instanceDNSDomain is the DNS search domain handed to instances by DHCP when their
	// VPC has no DHCP option set that says otherwise.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	InstanceDNSDomain string `json:"instanceDNSDomain,omitempty"`

	// instanceDNSServers are the DNS servers handed to instances by DHCP when their VPC
	// has no DHCP option set that says otherwise.
	// +kubebuilder:validation:MaxItems=16
	// +optional
	InstanceDNSServers []IPv4 `json:"instanceDNSServers,omitempty"`

	// enabledCLCIP is the address of the enabled cloud controller; its MidoNet host
	// serves instance metadata.
	// +optional
	EnabledCLCIP IPv4 `json:"enabledCLCIP,omitempty"`

	// nodes are the compute nodes and the instances each one runs. A NetworkInterface
	// whose node is empty is placed on the node that lists its instance.
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=4096
	// +optional
	Nodes []Node `json:"nodes,omitempty"`

	// metadataEnabled builds the MidoNet metadata path (eucamdrt, eucamdbr and the
	// per-VPC and per-interface metadata NAT), so that instances reach 169.254.169.254.
	// +kubebuilder:default=true
	// +optional
	MetadataEnabled bool `json:"metadataEnabled"`

	// disableL2Isolation drops the anti-spoofing rules (MAC, IP and ARP checks) from
	// every interface chain.
	// +optional
	DisableL2Isolation bool `json:"disableL2Isolation,omitempty"`

	// cloudVersion is the Eucalyptus version recorded in the euca_version address group,
	// as a dotted quad.
	// +kubebuilder:default="4.4.2.0"
	// +optional
	CloudVersion IPv4 `json:"cloudVersion,omitempty"`

	// publicIPs are the cloud's public addresses, each an address or a range
	// a.b.c.d-e.f.g.h (the view's publicIps). When set, every ElasticIP and NAT gateway
	// public IP must lie inside one of them.
	// +kubebuilder:validation:MaxItems=1024
	// +kubebuilder:validation:items:MaxLength=31
	// +kubebuilder:validation:items:Pattern=`^[0-9]{1,3}(\.[0-9]{1,3}){3}(-[0-9]{1,3}(\.[0-9]{1,3}){3})?$`
	// +optional
	PublicIPs []string `json:"publicIPs,omitempty"`
}

// Gateway is one external uplink of the cloud. It routes statically through
// externalRouterIP, or peers with BGP at bgpPeerIP.
// +kubebuilder:validation:XValidation:rule="has(self.externalRouterIP) != has(self.bgpPeerIP)",message="exactly one of externalRouterIP (static routing) or bgpPeerIP (BGP) must be set"
// +kubebuilder:validation:XValidation:rule="has(self.bgpPeerIP) == has(self.bgpPeerASN)",message="bgpPeerIP and bgpPeerASN go together"
// +kubebuilder:validation:XValidation:rule="!has(self.advertisedRoutes) || has(self.bgpPeerIP)",message="advertisedRoutes need a BGP peer"
// +kubebuilder:validation:XValidation:rule="has(self.hostIP) != has(self.hostName)",message="exactly one of hostIP or hostName identifies the gateway host"
type Gateway struct {
	// hostIP is an address of the gateway host; it identifies the MidoNet host.
	// +optional
	HostIP *IPv4 `json:"hostIP,omitempty"`
	// hostName is the gateway host's name as MidoNet knows it, for views that name the host
	// instead of giving its address (the 4.1 to 4.3 gatewayHost).
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +optional
	HostName *string `json:"hostName,omitempty"`
	// externalDevice is the host interface that carries external traffic, e.g. em1.116.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=15
	ExternalDevice string `json:"externalDevice"`
	// externalCIDR is the external network the gateway sits on.
	ExternalCIDR CIDR `json:"externalCIDR"`
	// externalIP is the gateway's own address on the external network.
	ExternalIP IPv4 `json:"externalIP"`
	// externalRouterIP is the upstream router for static routing: eucart's default route
	// points at it.
	// +optional
	ExternalRouterIP *IPv4 `json:"externalRouterIP,omitempty"`
	// bgpPeerIP is the upstream BGP peer.
	// +optional
	BGPPeerIP *IPv4 `json:"bgpPeerIP,omitempty"`
	// bgpPeerASN is the autonomous system number of the BGP peer: 1..2147483647, as MidoNet
	// keeps AS numbers as 32-bit signed integers.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:XValidation:rule="self <= 2147483647",message="MidoNet keeps AS numbers as 32-bit signed integers: at most 2147483647"
	// +optional
	BGPPeerASN *int64 `json:"bgpPeerASN,omitempty"`
	// advertisedRoutes are the networks announced to the BGP peer, usually the public
	// address ranges.
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:XValidation:rule="self.all(r, !isCIDR(r) || cidr(r) == cidr(r).masked())",message="must be network addresses without host bits, such as 203.0.113.0/24"
	// +optional
	AdvertisedRoutes []CIDR `json:"advertisedRoutes,omitempty"`
}

// Node is a compute node and the instances it runs.
type Node struct {
	// name is the node as the cloud registered it, usually its IP address; the MidoNet
	// host is the one with this address (or this host name).
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	Name string `json:"name"`
	// ip is the node's address when name is not one.
	// +optional
	IP *IPv4 `json:"ip,omitempty"`
	// instances are the ids of the instances running on this node.
	// +kubebuilder:validation:MaxItems=1024
	// +optional
	Instances []string `json:"instances,omitempty"`
}

// CoreNetworkStatus reports the core topology and the global view behind it.
type CoreNetworkStatus struct {
	ReconcileStatus `json:",inline"`

	// coreRouterID is the MidoNet id of eucart.
	// +optional
	CoreRouterID string `json:"coreRouterID,omitempty"`
	// coreBridgeID is the MidoNet id of eucabr.
	// +optional
	CoreBridgeID string `json:"coreBridgeID,omitempty"`
	// metadataRouterID is the MidoNet id of eucamdrt.
	// +optional
	MetadataRouterID string `json:"metadataRouterID,omitempty"`
	// gateways is the number of gateways in service.
	// +optional
	Gateways int32 `json:"gateways,omitempty"`

	// globalView reports the global network view file, when midovpc reads one.
	// +optional
	GlobalView *GlobalViewStatus `json:"globalView,omitempty"`
}

// ConditionViewAccepted is the CoreNetwork condition that tells whether the newest global
// network view was accepted (True) or rejected (False, with the rejected version and the
// first errors in its message; the last good view stays in force).
const ConditionViewAccepted = "ViewAccepted"

// GlobalViewStatus tells which version of the cloud's global network view is in force.
type GlobalViewStatus struct {
	// path of the view file.
	// +optional
	Path string `json:"path,omitempty"`
	// viewVersion is the version of the last view read without error.
	// +optional
	ViewVersion string `json:"viewVersion,omitempty"`
	// appliedVersion is the last version acknowledged to the cloud controller.
	// +optional
	AppliedVersion string `json:"appliedVersion,omitempty"`
	// rejectedVersion is the version of the newest view when it was rejected (empty when
	// it was accepted, or when it did not parse far enough to tell its version).
	// +optional
	RejectedVersion string `json:"rejectedVersion,omitempty"`
	// lastError is why the newest view was rejected; empty when it was accepted.
	// +optional
	LastError string `json:"lastError,omitempty"`
	// lastErrorTime is when lastError happened.
	// +optional
	LastErrorTime *metav1.Time `json:"lastErrorTime,omitempty"`
	// lastAppliedTime is when the view in force was projected.
	// +optional
	LastAppliedTime *metav1.Time `json:"lastAppliedTime,omitempty"`
}

// CoreNetwork is the cloud-wide part of the MidoNet topology: the core router eucart, the
// core bridge eucabr, the external gateways and the metadata path. Only the one named
// "default" is used.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=cn,categories=midovpc-core
// +kubebuilder:validation:XValidation:rule="self.metadata.name == 'default'",message="metadata.name must be default: only the CoreNetwork named default is used"
// +kubebuilder:printcolumn:name="Gateways",type=integer,JSONPath=`.status.gateways`
// +kubebuilder:printcolumn:name="View",type=string,JSONPath=`.status.globalView.viewVersion`
// +kubebuilder:printcolumn:name="Applied",type=string,JSONPath=`.status.globalView.appliedVersion`
// +kubebuilder:printcolumn:name="View-Accepted",type=string,JSONPath=`.status.conditions[?(@.type=="ViewAccepted")].status`
// +kubebuilder:printcolumn:name="Rejected",type=string,JSONPath=`.status.globalView.rejectedVersion`,priority=1
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type CoreNetwork struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the cloud-wide network configuration.
	Spec CoreNetworkSpec `json:"spec,omitempty"`
	// status reports the core topology.
	Status CoreNetworkStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// CoreNetworkList is a list of CoreNetworks.
type CoreNetworkList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []CoreNetwork `json:"items"`
}

func init() {
	SchemeBuilder.Register(&CoreNetwork{}, &CoreNetworkList{})
}
