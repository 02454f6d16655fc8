package topology

import "fmt"

// Kinds of owner resources, as the Kubernetes kinds are spelled.
const (
	KindCoreNetwork      = "CoreNetwork"
	KindVpc              = "Vpc"
	KindSubnet           = "Subnet"
	KindNetworkInterface = "NetworkInterface"
	KindSecurityGroup    = "SecurityGroup"
	KindElasticIP        = "ElasticIP"
	KindRouteTable       = "RouteTable"
	KindInternetGateway  = "InternetGateway"
	KindNatGateway       = "NatGateway"
	KindNetworkAcl       = "NetworkAcl"
	KindDhcpOptionSet    = "DhcpOptionSet"
)

// Owner is the Kubernetes resource that owns a fragment's objects.
type Owner struct {
	Kind      string
	Namespace string
	Name      string
}

// String renders the owner as Kind namespace/name (or Kind name for cluster-scoped owners).
func (o Owner) String() string {
	if o.Namespace == "" {
		return fmt.Sprintf("%s %s", o.Kind, o.Name)
	}
	return fmt.Sprintf("%s %s/%s", o.Kind, o.Namespace, o.Name)
}

// Less orders owners by kind, namespace, name.
func (o Owner) Less(p Owner) bool {
	if o.Kind != p.Kind {
		return o.Kind < p.Kind
	}
	if o.Namespace != p.Namespace {
		return o.Namespace < p.Namespace
	}
	return o.Name < p.Name
}

// PortRef names a port by the name of its device (router or bridge) and a role that is unique
// on that device, e.g. {"eucart", "eucabr"}, {"vr_vpc-1a2b3c4d_2", "uplink"},
// {"vb_vpc-1a2b3c4d_subnet-11112222", "if:i-0000aaaa"}.
type PortRef struct {
	Device string
	Role   string
}

// String renders the reference as device[role].
func (p PortRef) String() string { return p.Device + "[" + p.Role + "]" }

// IsZero reports whether the reference is unset.
func (p PortRef) IsZero() bool { return p == PortRef{} }

// HostRef names a MidoNet host the way the view does: by an IP address that one of the host's
// interfaces carries, or by a node name that resolves to such an address (translation.md §2.2,
// §6.2). Hosts are never created; the sync engine looks them up.
type HostRef struct {
	Name string
}

// String returns the host name or address.
func (h HostRef) String() string { return h.Name }
