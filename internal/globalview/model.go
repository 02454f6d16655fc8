package globalview

// The types below mirror the CLC's JAXB classes (NetworkInfo.groovy, spec §3 and §4).
// Addresses, CIDRs and MACs are kept as the strings of the document so that Parse
// never guesses; Validate checks their syntax. An empty string means the element
// was absent (or empty, which the original treats the same). Pointers mark
// integers and booleans whose absence means something other than zero.

// View is one parsed global network view (the root element network-data).
type View struct {
	// Version is the CLC's 8-hex-digit fingerprint of its state (@version);
	// empty in 4.1 files.
	Version string `json:"version,omitempty"`
	// AppliedVersion and AppliedTime appear only in 4.2 files and in the copies
	// sent to cluster controllers.
	AppliedVersion string `json:"appliedVersion,omitempty"`
	AppliedTime    string `json:"appliedTime,omitempty"`

	Config           Config            `json:"configuration"`
	VPCs             []VPC             `json:"vpcs,omitempty"`
	Instances        []Instance        `json:"instances,omitempty"`
	DHCPOptionSets   []DHCPOptionSet   `json:"dhcpOptionSets,omitempty"`
	InternetGateways []InternetGateway `json:"internetGateways,omitempty"`
	SecurityGroups   []SecurityGroup   `json:"securityGroups,omitempty"`

	// Notes says how the parser normalised an older format (mode inferred,
	// routes swapped back, flat gateway settings, ...), for logging.
	Notes []string `json:"notes,omitempty"`

	// placement maps instance id to node name; built by Parse.
	placement map[string]string
}

// Config is the configuration element: the cloud-wide settings.
type Config struct {
	// Mode is EDGE or VPCMIDO; midovpc implements only VPCMIDO.
	Mode string `json:"mode"`
	// ModeInferred is true when the document had no mode property (4.1) and
	// Mode was set to VPCMIDO by the parser.
	ModeInferred bool `json:"modeInferred,omitempty"`
	// EnabledCLCIP is the address of the enabled cloud controller.
	EnabledCLCIP string `json:"enabledCLCIp"`
	// InstanceDNSDomain and InstanceDNSServers are served by VPC subnet DHCP.
	InstanceDNSDomain  string   `json:"instanceDNSDomain"`
	InstanceDNSServers []string `json:"instanceDNSServers,omitempty"`
	// PublicIPs lists addresses or ranges a.b.c.d-e.f.g.h; unused in VPCMIDO.
	PublicIPs []string  `json:"publicIps,omitempty"`
	Mido      Mido      `json:"mido"`
	Clusters  []Cluster `json:"clusters,omitempty"`
	// Other holds simple properties this model does not name (for example the
	// EDGE publicGateway), by property name.
	Other map[string][]string `json:"other,omitempty"`
}

// Mido is the mido property: the MidoNet gateways and BGP settings.
type Mido struct {
	// Gateways is every gateway, whatever format it was written in.
	Gateways []Gateway `json:"gateways,omitempty"`
	// BGPASN is the local AS number of all BGP gateways (bgpAsn, 4.4).
	BGPASN *int64 `json:"bgpAsn,omitempty"`
	// Legacy mido-level keys, kept as written. PublicNetworkCIDR and
	// PublicGatewayIP are also copied into the gateways that lack their own
	// external CIDR or peer.
	EucanetdHost      string `json:"eucanetdHost,omitempty"`
	PublicNetworkCIDR string `json:"publicNetworkCidr,omitempty"`
	PublicGatewayIP   string `json:"publicGatewayIP,omitempty"`
}

// GatewayFormat says which keys a gateway was written with.
type GatewayFormat string

const (
	// GatewayFormatFlat is the 4.1 layout: gatewayHost, gatewayIP and
	// gatewayInterface directly under mido.
	GatewayFormatFlat GatewayFormat = "flat"
	// GatewayFormatLegacy is the 4.2/4.3 layout: the same keys inside a gateway.
	GatewayFormatLegacy GatewayFormat = "legacy"
	// GatewayFormatV44 is the 4.4 layout: ip, external*, bgp*.
	GatewayFormatV44 GatewayFormat = "4.4"
)

// Gateway is one MidoNet gateway host, normalised from any format.
type Gateway struct {
	Format GatewayFormat `json:"format"`
	// Host identifies the MidoNet host: its internal IP (4.4 ip) or its
	// hostname (legacy gatewayHost).
	Host string `json:"host"`
	// ExternalCIDR is the external network (4.4 externalCidr, else the
	// mido-level publicNetworkCidr).
	ExternalCIDR string `json:"externalCidr,omitempty"`
	// ExternalDevice is the host interface of the uplink (externalDevice or
	// gatewayInterface).
	ExternalDevice string `json:"externalDevice,omitempty"`
	// ExternalIP is the uplink port's address (externalIp or gatewayIP).
	ExternalIP string `json:"externalIp,omitempty"`
	// ExternalRouterIP is the static next hop (externalRouterIp, else the
	// mido-level publicGatewayIP when the gateway has no BGP peer).
	ExternalRouterIP string `json:"externalRouterIp,omitempty"`
	// BGPPeerIP, BGPPeerASN and BGPAdRoutes configure a BGP gateway.
	BGPPeerIP   string   `json:"bgpPeerIp,omitempty"`
	BGPPeerASN  *int64   `json:"bgpPeerAsn,omitempty"`
	BGPAdRoutes []string `json:"bgpAdRoutes,omitempty"`

	// Which values came from where, so that validation reports each problem
	// once and checks Host by the rules of the key that set it.
	hostIsIP       bool
	cidrFromMido   bool
	routerFromMido bool
}

// PeerIP is the upstream router: the BGP peer if there is one, else the static
// next hop. This is the original's peer_ip.
func (g Gateway) PeerIP() string {
	if g.BGPPeerIP != "" {
		return g.BGPPeerIP
	}
	return g.ExternalRouterIP
}

// Cluster is one availability zone (partition) and its nodes.
type Cluster struct {
	Name        string `json:"name"`
	EnabledCCIP string `json:"enabledCCIp"`
	// MacPrefix is the two-octet prefix hh:hh of instance and interface MACs.
	MacPrefix string `json:"macPrefix"`
	// Subnet and PrivateIPs are fixed placeholders in VPCMIDO (EDGE only).
	Subnet     *ClusterSubnet `json:"subnet,omitempty"`
	PrivateIPs []string       `json:"privateIps,omitempty"`
	Nodes      []Node         `json:"nodes,omitempty"`
}

// ClusterSubnet is a cluster's EDGE subnet; a placeholder in VPCMIDO.
type ClusterSubnet struct {
	Name    string `json:"name,omitempty"`
	Subnet  string `json:"subnet,omitempty"`
	Netmask string `json:"netmask,omitempty"`
	Gateway string `json:"gateway,omitempty"`
}

// Node is a node controller host and the instances it runs. This is the only
// source of instance (and interface) placement.
type Node struct {
	Name        string   `json:"name"`
	InstanceIDs []string `json:"instanceIds,omitempty"`
}

// VPC is one vpc element with the objects it contains.
type VPC struct {
	ID      string `json:"id"`
	OwnerID string `json:"ownerId"`
	CIDR    string `json:"cidr"`
	// DHCPOptionSet is the id of the VPC's option set, "" when none.
	DHCPOptionSet string       `json:"dhcpOptionSet,omitempty"`
	Subnets       []Subnet     `json:"subnets,omitempty"`
	NetworkACLs   []NetworkACL `json:"networkAcls,omitempty"`
	RouteTables   []RouteTable `json:"routeTables,omitempty"`
	NatGateways   []NatGateway `json:"natGateways,omitempty"`
	// InternetGateways lists the ids of the IGWs attached to this VPC.
	InternetGateways []string `json:"internetGateways,omitempty"`
}

// Subnet is one VPC subnet.
type Subnet struct {
	ID      string `json:"id"`
	OwnerID string `json:"ownerId"`
	CIDR    string `json:"cidr"`
	// Cluster is the availability zone, a Cluster.Name.
	Cluster string `json:"cluster,omitempty"`
	// NetworkACL and RouteTable are ids in the same VPC.
	NetworkACL string `json:"networkAcl,omitempty"`
	RouteTable string `json:"routeTable,omitempty"`
}

// NetworkACL is one network ACL with its entries, sorted by number by the CLC.
type NetworkACL struct {
	ID             string     `json:"id"`
	OwnerID        string     `json:"ownerId"`
	IngressEntries []ACLEntry `json:"ingressEntries,omitempty"`
	EgressEntries  []ACLEntry `json:"egressEntries,omitempty"`
}

// ACLEntry is one numbered network ACL rule.
type ACLEntry struct {
	Number int `json:"number"`
	// Protocol is an IP protocol number, -1 for all.
	Protocol int `json:"protocol"`
	// Action is allow or deny.
	Action string `json:"action"`
	CIDR   string `json:"cidr"`
	// ICMPType and ICMPCode are set for ICMP entries; -1 means any.
	ICMPType *int `json:"icmpType,omitempty"`
	ICMPCode *int `json:"icmpCode,omitempty"`
	// PortRangeFrom and PortRangeTo are set for TCP and UDP entries.
	PortRangeFrom *int `json:"portRangeFrom,omitempty"`
	PortRangeTo   *int `json:"portRangeTo,omitempty"`
}

// Allows reports whether the entry allows traffic (anything but allow denies).
func (e ACLEntry) Allows() bool { return e.Action == "allow" }

// RouteTable is one route table with its active routes.
type RouteTable struct {
	ID      string  `json:"id"`
	OwnerID string  `json:"ownerId"`
	Routes  []Route `json:"routes,omitempty"`
}

// Route is one route; exactly one target field is set in a valid view.
type Route struct {
	DestinationCIDR string `json:"destinationCidr"`
	// GatewayID is "local" or an internet gateway id.
	GatewayID          string `json:"gatewayId,omitempty"`
	NetworkInterfaceID string `json:"networkInterfaceId,omitempty"`
	NatGatewayID       string `json:"natGatewayId,omitempty"`
}

// RouteTargetKind classifies a route's target.
type RouteTargetKind string

const (
	RouteTargetNone             RouteTargetKind = ""
	RouteTargetLocal            RouteTargetKind = "local"
	RouteTargetInternetGateway  RouteTargetKind = "internetGateway"
	RouteTargetNetworkInterface RouteTargetKind = "networkInterface"
	RouteTargetNatGateway       RouteTargetKind = "natGateway"
	RouteTargetUnsupported      RouteTargetKind = "unsupported"
)

// Target returns the route's target and its kind, taking the first present of
// gatewayId, networkInterfaceId and natGatewayId as the original does. The id
// is "local" for the local route.
func (r Route) Target() (RouteTargetKind, string) {
	switch {
	case r.GatewayID == "local":
		return RouteTargetLocal, r.GatewayID
	case r.GatewayID != "":
		if hasIDPrefix(r.GatewayID, "igw") {
			return RouteTargetInternetGateway, r.GatewayID
		}
		return RouteTargetUnsupported, r.GatewayID
	case r.NetworkInterfaceID != "":
		return RouteTargetNetworkInterface, r.NetworkInterfaceID
	case r.NatGatewayID != "":
		return RouteTargetNatGateway, r.NatGatewayID
	}
	return RouteTargetNone, ""
}

// NatGateway is one available NAT gateway.
type NatGateway struct {
	ID      string `json:"id"`
	OwnerID string `json:"ownerId"`
	// MAC is the MAC of the NAT gateway's hidden interface.
	MAC string `json:"macAddress,omitempty"`
	// PublicIP is the elastic IP, "" when none.
	PublicIP string `json:"publicIp,omitempty"`
	// PrivateIP is the next hop of routes through this gateway.
	PrivateIP string `json:"privateIp"`
	VPC       string `json:"vpc"`
	Subnet    string `json:"subnet"`
}

// Instance is one running instance.
type Instance struct {
	ID      string `json:"id"`
	OwnerID string `json:"ownerId"`
	// MAC, PublicIP and PrivateIP are those of the primary interface;
	// PublicIP is "" when none.
	MAC               string             `json:"macAddress,omitempty"`
	PublicIP          string             `json:"publicIp,omitempty"`
	PrivateIP         string             `json:"privateIp"`
	VPC               string             `json:"vpc,omitempty"`
	Subnet            string             `json:"subnet,omitempty"`
	NetworkInterfaces []NetworkInterface `json:"networkInterfaces,omitempty"`
	// SecurityGroups are the instance's (= primary interface's) group ids.
	SecurityGroups []string `json:"securityGroups,omitempty"`
}

// NetworkInterface is one attached elastic network interface (ENI).
type NetworkInterface struct {
	ID      string `json:"id"`
	OwnerID string `json:"ownerId"`
	// DeviceIndex is the attachment slot; absent means 0, the primary.
	DeviceIndex  *int   `json:"deviceIndex,omitempty"`
	AttachmentID string `json:"attachmentId,omitempty"`
	MAC          string `json:"macAddress,omitempty"`
	PrivateIP    string `json:"privateIp"`
	// PublicIP is the associated public or elastic IP, "" when none.
	PublicIP string `json:"publicIp,omitempty"`
	// SourceDestCheck: absent means false, as in the original.
	SourceDestCheck *bool `json:"sourceDestCheck,omitempty"`
	// VPC and Subnet place the interface (inherited from the instance when a
	// 4.1/4.2 document omits them).
	VPC    string `json:"vpc"`
	Subnet string `json:"subnet"`
	// SecurityGroups are the interface's own group ids: what VPCMIDO implements.
	SecurityGroups []string `json:"securityGroups,omitempty"`
}

// Index returns the device index, 0 when absent.
func (n NetworkInterface) Index() int {
	if n.DeviceIndex == nil {
		return 0
	}
	return *n.DeviceIndex
}

// IsPrimary reports whether this is the instance's primary interface.
func (n NetworkInterface) IsPrimary() bool { return n.Index() == 0 }

// SourceDestChecked reports whether source/destination checking is on; an
// absent sourceDestCheck means off, as in the original.
func (n NetworkInterface) SourceDestChecked() bool {
	return n.SourceDestCheck != nil && *n.SourceDestCheck
}

// DHCP option names the CLC writes.
const (
	DHCPDomainName         = "domain-name"
	DHCPDomainNameServers  = "domain-name-servers"
	DHCPNTPServers         = "ntp-servers"
	DHCPNetbiosNameServers = "netbios-name-servers"
	DHCPNetbiosNodeType    = "netbios-node-type"
)

// DHCPOptionSet is one DHCP option set.
type DHCPOptionSet struct {
	ID      string `json:"id"`
	OwnerID string `json:"ownerId,omitempty"`
	// Options maps an option name (domain-name, domain-name-servers, ...) to
	// its values; unknown names are kept.
	Options map[string][]string `json:"options,omitempty"`
}

// DomainName returns the domain-name values.
func (d DHCPOptionSet) DomainName() []string { return d.Options[DHCPDomainName] }

// DomainNameServers returns the domain-name-servers addresses.
func (d DHCPOptionSet) DomainNameServers() []string { return d.Options[DHCPDomainNameServers] }

// NTPServers returns the ntp-servers addresses.
func (d DHCPOptionSet) NTPServers() []string { return d.Options[DHCPNTPServers] }

// NetbiosNameServers returns the netbios-name-servers addresses.
func (d DHCPOptionSet) NetbiosNameServers() []string { return d.Options[DHCPNetbiosNameServers] }

// InternetGateway is a top-level internet gateway; the attachment is in
// VPC.InternetGateways.
type InternetGateway struct {
	ID      string `json:"id"`
	OwnerID string `json:"ownerId,omitempty"`
}

// SecurityGroup is one security group with its exploded rules.
type SecurityGroup struct {
	ID           string              `json:"id"`
	OwnerID      string              `json:"ownerId"`
	IngressRules []SecurityGroupRule `json:"ingressRules,omitempty"`
	EgressRules  []SecurityGroupRule `json:"egressRules,omitempty"`
}

// SecurityGroupRule is one rule: one protocol, port or ICMP range, and one
// peer (a group or a CIDR). With neither peer the original uses 0.0.0.0/0.
type SecurityGroupRule struct {
	// Protocol is an IP protocol number, -1 for all.
	Protocol int  `json:"protocol"`
	FromPort *int `json:"fromPort,omitempty"`
	ToPort   *int `json:"toPort,omitempty"`
	// ICMPType and ICMPCode: -1 means any; absent means 0 in the original.
	ICMPType     *int   `json:"icmpType,omitempty"`
	ICMPCode     *int   `json:"icmpCode,omitempty"`
	GroupID      string `json:"groupId,omitempty"`
	GroupOwnerID string `json:"groupOwnerId,omitempty"`
	CIDR         string `json:"cidr,omitempty"`
}

// NodeOf returns the node (Node.Name) that runs the instance, "" when no node
// lists it. Interfaces are placed on their instance's node.
func (v *View) NodeOf(instanceID string) string {
	if v.placement != nil {
		return v.placement[instanceID]
	}
	for _, c := range v.Config.Clusters {
		for _, n := range c.Nodes {
			for _, id := range n.InstanceIDs {
				if id == instanceID {
					return n.Name
				}
			}
		}
	}
	return ""
}

// indexPlacement builds the instance → node map behind NodeOf; the first node
// listing an instance wins (Validate rejects an instance listed twice).
func (v *View) indexPlacement() {
	v.placement = make(map[string]string)
	for _, c := range v.Config.Clusters {
		for _, n := range c.Nodes {
			for _, id := range n.InstanceIDs {
				if _, ok := v.placement[id]; !ok {
					v.placement[id] = n.Name
				}
			}
		}
	}
}
