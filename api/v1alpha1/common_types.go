package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Finalizer is carried by every kind until its MidoNet objects are gone.
const Finalizer = "vpc.midovpc.io/midonet"

// Labels and annotations shared by the kinds.
const (
	// SourceLabel tells who wrote an object; the global-view projector sets it to
	// SourceGlobalView and prunes only objects that carry it.
	SourceLabel = "vpc.midovpc.io/source"
	// SourceGlobalView is the SourceLabel value of objects projected from the view.
	SourceGlobalView = "global-view"
	// OwnerAccountLabel carries the cloud account that owns the object.
	OwnerAccountLabel = "vpc.midovpc.io/owner-account"
	// ViewVersionAnnotation records the view version an object was last projected from.
	ViewVersionAnnotation = "vpc.midovpc.io/view-version"
)

// Condition types and reasons used on every kind.
const (
	// ConditionReady is True once every MidoNet object the resource owns matches its spec.
	ConditionReady = "Ready"
	// ConditionReferencesResolved is False while a resource in force leaves parts of its spec
	// out because what they reference is not there (a route to a missing NAT gateway, a rule
	// naming a group that does not exist yet); its message names them. Kinds with such
	// optional references (Subnet, SecurityGroup, RouteTable) carry it.
	ConditionReferencesResolved = "ReferencesResolved"

	ReasonResolved = "Resolved"
	ReasonLeftOut  = "PartsLeftOut"

	ReasonReconciled         = "Reconciled"
	ReasonDependencyNotReady = "DependencyNotReady"
	ReasonMidoNetError       = "MidoNetError"
	ReasonInvalidSpec        = "InvalidSpec"
	ReasonDeleting           = "Deleting"
	ReasonHostNotFound       = "HostNotFound"
	// ReasonDeletingChildren (an event) names the dependents a Vpc or Subnet deletes first.
	ReasonDeletingChildren = "DeletingChildren"
	// ReasonOrphaningChildren (an event) names the dependents kubectl delete --cascade=orphan
	// leaves behind, and says what happens to the parent's MidoNet objects.
	ReasonOrphaningChildren = "OrphaningChildren"
	// ReasonConflict: another resource (in any namespace) already owns the MidoNet objects
	// named after this resource's cloud id; this one writes and deletes nothing.
	ReasonConflict = "Conflict"
	// ReasonAddressInUse: an address this resource wants (private IP or MAC in its subnet,
	// public IP, subnet CIDR) is held by another resource.
	ReasonAddressInUse = "AddressInUse"
)

// ReconcileStatus is the part of every kind's status that tells whether the controller has
// caught up with the spec.
type ReconcileStatus struct {
	// conditions of the resource; Ready=True means its MidoNet objects match the spec
	// of generation observedGeneration.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// observedGeneration is the metadata.generation the conditions describe.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// midonetObjects is the number of MidoNet objects (routers, ports, routes, chains,
	// rules, groups, ...) this resource owns.
	// +optional
	MidoNetObjects int32 `json:"midonetObjects,omitempty"`

	// midonetIDs are the MidoNet ids of the objects this resource owns, sorted. They scope
	// deletion: midovpc only ever deletes objects its resources own.
	// Atomic: only midovpc writes it, and as a set the API server would keep an ownership
	// entry per id in managedFields, doubling the list in every stored copy and every status
	// write.
	// +listType=atomic
	// +optional
	MidoNetIDs []string `json:"midonetIDs,omitempty"`

	// claims are the cloud ids and addresses this resource holds in MidoNet, recorded before
	// its first MidoNet write (e.g. "vpc:vpc-0a1b2c3d", "ip:<namespace>/<subnet>/10.0.1.10",
	// "public-ip:10.116.150.11"). A resource that holds a claim keeps it; another resource
	// that wants the same one is refused (Ready=False, reason Conflict or AddressInUse).
	// +listType=set
	// +optional
	Claims []string `json:"claims,omitempty"`
}

// PortRange is an inclusive range of TCP or UDP ports.
// +kubebuilder:validation:XValidation:rule="self.from <= self.to",message="from must not be greater than to"
type PortRange struct {
	// from is the first port of the range.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=65535
	From int32 `json:"from"`
	// to is the last port of the range.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=65535
	To int32 `json:"to"`
}

// ICMPMatch selects ICMP messages by type and code; -1 means any.
type ICMPMatch struct {
	// type is the ICMP type, or -1 for any type.
	// +kubebuilder:validation:Minimum=-1
	// +kubebuilder:validation:Maximum=255
	Type int32 `json:"type"`
	// code is the ICMP code, or -1 for any code.
	// +kubebuilder:validation:Minimum=-1
	// +kubebuilder:validation:Maximum=255
	// +optional
	Code int32 `json:"code"`
}

// Protocol is an IP protocol by name (tcp, udp, icmp, all) or by number (0 to 255, or -1 for
// all protocols).
// +kubebuilder:validation:MinLength=1
// +kubebuilder:validation:MaxLength=4
// +kubebuilder:validation:XValidation:rule="self in ['all', 'tcp', 'udp', 'icmp', '-1'] || (self.matches('^[0-9]{1,3}$') && int(self) <= 255)",message="must be tcp, udp, icmp, all, -1 or a protocol number from 0 to 255"
type Protocol string

// CIDR is an IPv4 network in a.b.c.d/n notation. Fields that name a network (a VPC, a
// subnet, a route destination) also refuse host bits: 10.30.0.0/16, not 10.30.1.5/16.
// +kubebuilder:validation:MaxLength=18
// +kubebuilder:validation:XValidation:rule="isCIDR(self) && cidr(self).ip().family() == 4",message="must be an IPv4 CIDR such as 10.0.0.0/16"
type CIDR string

// IPv4 is an IPv4 address in dotted-quad notation.
// +kubebuilder:validation:MaxLength=15
// +kubebuilder:validation:XValidation:rule="isIP(self) && ip(self).family() == 4",message="must be an IPv4 address such as 10.0.1.10"
type IPv4 string

// MAC is an Ethernet address as six colon-separated hex octets, such as d0:0d:12:34:56:78:
// a unicast one (the subnet's bridge learns it as one port's: a multicast or broadcast address
// there would take every flooded frame, ARP requests included), and not in MidoNet's range for
// router ports, ac:ca:ba:… (one there would take the traffic of the router port whose MAC it
// is, the subnet's gateway).
// +kubebuilder:validation:MaxLength=17
// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$')",message="must be a MAC address, six pairs of hex digits separated by colons such as d0:0d:12:34:56:78"
// +kubebuilder:validation:XValidation:rule="!self.matches('^.[13579bdfBDF]')",message="must be a unicast MAC address (the lowest bit of the first octet clear), such as d0:0d:12:34:56:78: a multicast or broadcast one would take every frame the subnet's bridge floods"
// +kubebuilder:validation:XValidation:rule="!self.matches('^[aA][cC]:[cC][aA]:[bB][aA]:')",message="must not be in MidoNet's range for router ports (ac:ca:ba:…): it would take the traffic of the subnet's gateway; use the cloud's prefix, such as d0:0d:12:34:56:78"
type MAC string
