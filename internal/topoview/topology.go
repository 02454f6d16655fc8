package topoview

import "github.com/midovpc/midovpc/internal/midonet"

// Topology is what one tenant holds in MidoNet, with references resolved to names. Its JSON form
// is the output of `kubectl midovpc topology -o json`.
type Topology struct {
	Tenant string `json:"tenant"`
	// APIVersion is the version the MidoNet root announced ("v5.0").
	APIVersion   string        `json:"apiVersion,omitempty"`
	Routers      []Router      `json:"routers"`
	Bridges      []Bridge      `json:"bridges"`
	Chains       []Chain       `json:"chains"`
	IPAddrGroups []IPAddrGroup `json:"ipAddrGroups"`
	PortGroups   []PortGroup   `json:"portGroups"`
	Hosts        []Host        `json:"hosts"`
}

// Ref is a reference to a named object (chain, address group, port group, device, host).
// Missing is set when no object has the id: a dangling reference, e.g. a rule still naming a
// deleted address group.
type Ref struct {
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	Missing bool   `json:"missing,omitempty"`
}

// PortRef is a reference to a port, named by its device and by what identifies it there: its
// address for a router port, its role for a bridge port (see the package comment).
type PortRef struct {
	ID         string `json:"id"`
	DeviceID   string `json:"deviceId,omitempty"`
	Device     string `json:"device,omitempty"`
	DeviceType string `json:"deviceType,omitempty"` // "router" or "bridge"
	Address    string `json:"address,omitempty"`
	Role       string `json:"role,omitempty"`
	Missing    bool   `json:"missing,omitempty"`
}

// Router is a MidoNet router with its ports, routes and BGP set-up.
type Router struct {
	ID             string       `json:"id"`
	Name           string       `json:"name"`
	AdminStateUp   bool         `json:"adminStateUp"`
	ASNumber       int          `json:"asNumber,omitempty"`
	InboundFilter  *Ref         `json:"inboundFilter,omitempty"`
	OutboundFilter *Ref         `json:"outboundFilter,omitempty"`
	Ports          []Port       `json:"ports,omitempty"`
	Routes         []Route      `json:"routes,omitempty"`
	BgpPeers       []BgpPeer    `json:"bgpPeers,omitempty"`
	BgpNetworks    []BgpNetwork `json:"bgpNetworks,omitempty"`
}

// Port is a router or bridge port. Address and MAC are set for router ports, Role for bridge
// ports.
type Port struct {
	ID             string   `json:"id"`
	Type           string   `json:"type"`
	AdminStateUp   bool     `json:"adminStateUp"`
	Address        string   `json:"address,omitempty"` // portAddress/networkLength
	MAC            string   `json:"mac,omitempty"`
	Role           string   `json:"role,omitempty"`
	VlanID         int      `json:"vlanId,omitempty"`
	Peer           *PortRef `json:"peer,omitempty"`
	Binding        *Binding `json:"binding,omitempty"`
	InboundFilter  *Ref     `json:"inboundFilter,omitempty"`
	OutboundFilter *Ref     `json:"outboundFilter,omitempty"`
	PortGroups     []Ref    `json:"portGroups,omitempty"`
}

// Binding is a port bound to a host's interface (an exterior port).
type Binding struct {
	HostID    string `json:"hostId"`
	Host      string `json:"host,omitempty"`
	Interface string `json:"interface"`
}

// Route is a router's route. NextHopPort is a port of the same router; Gateway is empty for a
// directly connected destination.
type Route struct {
	ID          string   `json:"id"`
	Type        string   `json:"type"`
	Src         string   `json:"src"`
	Dst         string   `json:"dst"`
	NextHopPort *PortRef `json:"nextHopPort,omitempty"`
	Gateway     string   `json:"gateway,omitempty"`
	Weight      int      `json:"weight"`
	Learned     bool     `json:"learned,omitempty"`
}

// BgpPeer is a BGP neighbour of a router.
type BgpPeer struct {
	ID       string `json:"id"`
	Address  string `json:"address"`
	ASNumber int    `json:"asNumber"`
}

// BgpNetwork is a prefix a router announces.
type BgpNetwork struct {
	ID      string `json:"id"`
	Network string `json:"network"`
}

// Bridge is a MidoNet bridge with its ports, DHCP service and state tables.
type Bridge struct {
	ID             string       `json:"id"`
	Name           string       `json:"name"`
	AdminStateUp   bool         `json:"adminStateUp"`
	InboundFilter  *Ref         `json:"inboundFilter,omitempty"`
	OutboundFilter *Ref         `json:"outboundFilter,omitempty"`
	Ports          []Port       `json:"ports,omitempty"`
	DHCPSubnets    []DHCPSubnet `json:"dhcpSubnets,omitempty"`
	ARPEntries     []ARPEntry   `json:"arpEntries,omitempty"`
	MACEntries     []MACEntry   `json:"macEntries,omitempty"`
}

// DHCPSubnet is a bridge's DHCP service for one subnet, with its static leases.
type DHCPSubnet struct {
	Subnet         string        `json:"subnet"`
	DefaultGateway string        `json:"defaultGateway,omitempty"`
	ServerAddr     string        `json:"serverAddr,omitempty"`
	DNSServers     []string      `json:"dnsServers,omitempty"`
	MTU            *int          `json:"mtu,omitempty"`
	Opt121Routes   []Opt121Route `json:"opt121Routes,omitempty"`
	Enabled        bool          `json:"enabled"`
	Hosts          []DHCPHost    `json:"hosts,omitempty"`
}

// Opt121Route is a classless static route handed out by DHCP.
type Opt121Route struct {
	Destination string `json:"destination"`
	Gateway     string `json:"gateway"`
}

// DHCPHost is a static DHCP lease.
type DHCPHost struct {
	Name         string       `json:"name"`
	MAC          string       `json:"mac"`
	IP           string       `json:"ip"`
	ExtraOptions []DHCPOption `json:"extraOptions,omitempty"`
}

// DHCPOption is one extra DHCP option of a host.
type DHCPOption struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ARPEntry is an entry of a bridge's ARP table.
type ARPEntry struct {
	IP  string `json:"ip"`
	MAC string `json:"mac"`
}

// MACEntry is an entry of a bridge's MAC table: where a MAC lives.
type MACEntry struct {
	MAC    string  `json:"mac"`
	Port   PortRef `json:"port"`
	VlanID *int    `json:"vlanId,omitempty"`
}

// Chain is a rule chain with its rules in order. UsedBy says what refers to it (device and
// port filters, jump rules): an empty list is a chain nothing uses.
type Chain struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	UsedBy []string `json:"usedBy"`
	Rules  []Rule   `json:"rules,omitempty"`
}

// Rule is one rule of a chain. Summary is the one-line rendering of the tree; the resolved
// references follow, and Raw holds every field as MidoNet returned it.
type Rule struct {
	ID              string              `json:"id"`
	Position        int                 `json:"position"`
	Type            string              `json:"type"`
	Summary         string              `json:"summary"`
	JumpChain       *Ref                `json:"jumpChain,omitempty"`
	IPAddrGroupSrc  *Ref                `json:"ipAddrGroupSrc,omitempty"`
	IPAddrGroupDst  *Ref                `json:"ipAddrGroupDst,omitempty"`
	PortGroup       *Ref                `json:"portGroup,omitempty"`
	InPortGroup     *Ref                `json:"inPortGroup,omitempty"`
	OutPortGroup    *Ref                `json:"outPortGroup,omitempty"`
	TraversedDevice *Ref                `json:"traversedDevice,omitempty"`
	InPorts         []PortRef           `json:"inPorts,omitempty"`
	OutPorts        []PortRef           `json:"outPorts,omitempty"`
	FlowAction      string              `json:"flowAction,omitempty"`
	NatTargets      []midonet.NatTarget `json:"natTargets,omitempty"`
	Raw             *midonet.Rule       `json:"raw"`
}

// IPAddrGroup is an IP address group with its addresses. UsedBy lists the rules matching it.
type IPAddrGroup struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Addresses []string `json:"addresses,omitempty"`
	UsedBy    []string `json:"usedBy"`
}

// PortGroup is a port group with its members.
type PortGroup struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Stateful bool      `json:"stateful,omitempty"`
	Members  []PortRef `json:"members,omitempty"`
}

// Host is a MidoNet agent's host, with its tunnel-zone memberships and the tenant's ports bound
// to it.
type Host struct {
	ID          string                 `json:"id"`
	Name        string                 `json:"name"`
	Alive       bool                   `json:"alive"`
	Addresses   []string               `json:"addresses,omitempty"`
	TunnelZones []TunnelZoneMembership `json:"tunnelZones,omitempty"`
	Bindings    []HostBinding          `json:"bindings,omitempty"`
}

// TunnelZoneMembership is a host's membership of a tunnel zone, with its tunnel endpoint address.
type TunnelZoneMembership struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Type      string `json:"type,omitempty"`
	IPAddress string `json:"ipAddress"`
}

// HostBinding is a port bound to one of the host's interfaces.
type HostBinding struct {
	Interface string  `json:"interface"`
	Port      PortRef `json:"port"`
}
