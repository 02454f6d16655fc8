package midonet

// Resource names a MidoNet resource kind. Its string form is the collection's path segment
// (routers, ports, rules, …) and is used as the "resource" label of the client's metrics, so
// that a metric counts a kind of object rather than one URL.
type Resource string

// The resource kinds the client talks to.
const (
	ResApplication      Resource = "application"
	ResRouters          Resource = "routers"
	ResBridges          Resource = "bridges"
	ResPorts            Resource = "ports"
	ResPortLink         Resource = "link"
	ResRoutes           Resource = "routes"
	ResChains           Resource = "chains"
	ResRules            Resource = "rules"
	ResIPAddrGroups     Resource = "ip_addr_groups"
	ResIPAddrGroupAddrs Resource = "ip_addrs"
	ResDHCPSubnets      Resource = "dhcp"
	ResDHCPHosts        Resource = "dhcp_hosts"
	ResHosts            Resource = "hosts"
	ResHostInterfaces   Resource = "interfaces"
	ResHostPorts        Resource = "host_ports"
	ResTunnelZones      Resource = "tunnel_zones"
	ResTunnelZoneHosts  Resource = "tunnel_zone_hosts"
	ResBgpPeers         Resource = "bgp_peers"
	ResBgpNetworks      Resource = "bgp_networks"
	ResMACTable         Resource = "mac_table"
	ResARPTable         Resource = "arp_table"
	ResPortGroups       Resource = "port_groups"
	ResPortGroupPorts   Resource = "port_group_ports"
	ResSystemState      Resource = "system_state"
	ResLogin            Resource = "login"
)

// API versions reported by the root resource.
const (
	VersionMN5 = "v5.0"
	VersionMN1 = "v1.9"
)

const (
	mediaTypePrefix = "application/vnd.org.midonet."
	mediaTypeSuffix = "+json"
)

// Media type names without prefix and suffix (spec midonet-api.md §1.2). Only the four kinds
// whose version differs between MidoNet 1.x and 5.x need two tables; the rest are shared.
var mediaNamesShared = map[Resource]string{
	ResApplication:      "Application-v5",
	ResPortLink:         "PortLink-v1",
	ResRoutes:           "Route-v1",
	ResChains:           "Chain-v1",
	ResRules:            "Rule-v2",
	ResIPAddrGroups:     "IpAddrGroup-v1",
	ResIPAddrGroupAddrs: "IpAddrGroupAddr-v1",
	ResDHCPSubnets:      "DhcpSubnet-v2",
	ResDHCPHosts:        "DhcpHost-v2",
	ResHostInterfaces:   "Interface-v1",
	ResHostPorts:        "HostInterfacePort-v1",
	ResTunnelZones:      "TunnelZone-v1",
	ResTunnelZoneHosts:  "TunnelZoneHost-v1",
	ResBgpPeers:         "BgpPeer-v1",
	ResBgpNetworks:      "BgpNetwork-v1",
	ResMACTable:         "MacPort-v2",
	ResARPTable:         "IP4Mac-v1",
	ResPortGroups:       "PortGroup-v1",
	ResPortGroupPorts:   "PortGroupPort-v1",
	ResSystemState:      "SystemState-v2",
	ResLogin:            "Token-v1",
}

// The versioned names, as the original (eucanetd midonet_api_init) switches them on the root
// version: MidoNet 5 rejects the older versions with 406.
var mediaNamesMN5 = map[Resource]string{
	ResRouters: "Router-v3",
	ResBridges: "Bridge-v4",
	ResPorts:   "Port-v3",
	ResHosts:   "Host-v3",
}

var mediaNamesMN1 = map[Resource]string{
	ResRouters: "Router-v2",
	ResBridges: "Bridge-v2",
	ResPorts:   "Port-v2",
	ResHosts:   "Host-v2",
}

// MediaTypeError is the media type of MidoNet error bodies.
const MediaTypeError = mediaTypePrefix + "Error-v1" + mediaTypeSuffix

// MediaType returns the vendor media type for one object (collection false) or a list
// (collection true) of the resource, for the API version reported by the root ("v5.0" or
// "v1.9"; anything else gets the MidoNet 5 set). It returns "" for a resource without a media
// type (a DELETE-only path).
func MediaType(version string, r Resource, collection bool) string {
	name, ok := mediaNamesShared[r]
	if !ok {
		table := mediaNamesMN5
		if version == VersionMN1 {
			table = mediaNamesMN1
		}
		if name, ok = table[r]; !ok {
			return ""
		}
	}
	if collection {
		name = "collection." + name
	}
	return mediaTypePrefix + name + mediaTypeSuffix
}
