package midonet

import "context"

// Host is a hypervisor or gateway running a MidoNet agent (spec midonet-api.md §2.10). Hosts
// are registered by their agents; the API only reads them, tunes their weights, and binds
// ports to their interfaces.
type Host struct {
	ID             string          `json:"id,omitempty"`
	Name           string          `json:"name,omitempty"`
	Alive          bool            `json:"alive"` // read-only: agent is running
	Addresses      []string        `json:"addresses,omitempty"`
	HostInterfaces []HostInterface `json:"hostInterfaces,omitempty"`
	// The four weights a PUT applies; MidoNet requires all four non-null on PUT.
	FloodingProxyWeight   *int  `json:"floodingProxyWeight,omitempty"`
	ContainerWeight       *int  `json:"containerWeight,omitempty"`
	ContainerLimit        *int  `json:"containerLimit,omitempty"`
	EnforceContainerLimit *bool `json:"enforceContainerLimit,omitempty"`

	URI string `json:"uri,omitempty"` // read-only self link
}

// Interface types and endpoints as MidoNet spells them (eucanetd filters on these strings).
const (
	InterfaceTypePhysical = "Physical"
	InterfaceTypeVirtual  = "Virtual"
	InterfaceTypeTunnel   = "Tunnel"
	EndpointDatapath      = "DATAPATH"
	EndpointPhysical      = "PHYSICAL"
	EndpointVM            = "VM"
	EndpointTuntap        = "TUNTAP"
)

// HostInterface is a network interface of a host, as its agent reports it (read-only).
type HostInterface struct {
	HostID    string   `json:"hostId,omitempty"`
	Name      string   `json:"name"`
	MAC       string   `json:"mac,omitempty"`
	MTU       int      `json:"mtu,omitempty"`
	Type      string   `json:"type,omitempty"`
	Endpoint  string   `json:"endpoint,omitempty"`
	PortType  *string  `json:"portType,omitempty"`
	Addresses []string `json:"addresses,omitempty"`
	Status    int      `json:"status,omitempty"` // bitmask: 1 up, 2 carrier

	URI string `json:"uri,omitempty"`
}

// HostInterfacePort binds a port to a host's interface (makes it exterior), §2.11.
type HostInterfacePort struct {
	HostID        string `json:"hostId,omitempty"` // from the path
	PortID        string `json:"portId"`
	InterfaceName string `json:"interfaceName"`

	URI string `json:"uri,omitempty"` // read-only self link
}

// ListHosts lists every host, alive or not.
func (c *Client) ListHosts(ctx context.Context) ([]Host, error) {
	return listAt[Host](ctx, c, ResHosts, "hosts")
}

// GetHost reads one host.
func (c *Client) GetHost(ctx context.Context, id string) (*Host, error) {
	return getAt[Host](ctx, c, ResHosts, "hosts", id)
}

// UpdateHost applies h's four weights (all must be set) and returns the host as sent.
func (c *Client) UpdateHost(ctx context.Context, h *Host) (*Host, error) {
	return updateAt(ctx, c, ResHosts, h, "hosts", h.ID)
}

// DeleteHost removes a dead host without bindings (MidoNet answers 403 otherwise).
func (c *Client) DeleteHost(ctx context.Context, id string) error {
	return removeAt(ctx, c, ResHosts, "hosts", id)
}

// ListHostInterfaces lists a host's interfaces.
func (c *Client) ListHostInterfaces(ctx context.Context, hostID string) ([]HostInterface, error) {
	return listAt[HostInterface](ctx, c, ResHostInterfaces, "hosts", hostID, "interfaces")
}

// GetHostInterface reads one interface of a host by name.
func (c *Client) GetHostInterface(ctx context.Context, hostID, name string) (*HostInterface, error) {
	return getAt[HostInterface](ctx, c, ResHostInterfaces, "hosts", hostID, "interfaces", name)
}

// ListHostPorts lists the port bindings of a host.
func (c *Client) ListHostPorts(ctx context.Context, hostID string) ([]HostInterfacePort, error) {
	return listAt[HostInterfacePort](ctx, c, ResHostPorts, "hosts", hostID, "ports")
}

// GetHostPort reads the binding of a port on a host (404 when not bound there).
func (c *Client) GetHostPort(ctx context.Context, hostID, portID string) (*HostInterfacePort, error) {
	return getAt[HostInterfacePort](ctx, c, ResHostPorts, "hosts", hostID, "ports", portID)
}

// BindPort binds b.PortID to the interface b.InterfaceName of a host and returns the binding
// as sent. The host must be in a tunnel zone (409 otherwise). The port is the binding's key,
// so the call is retried safely.
func (c *Client) BindPort(ctx context.Context, hostID string, b *HostInterfacePort) (*HostInterfacePort, error) {
	coll, err := c.url(ctx, "hosts", hostID, "ports")
	if err != nil {
		return nil, err
	}
	key, err := c.url(ctx, "hosts", hostID, "ports", b.PortID)
	if err != nil {
		return nil, err
	}
	body := *b
	body.HostID = hostID
	return create[HostInterfacePort](ctx, c, createSpec{res: ResHostPorts, coll: coll, key: key}, &body)
}

// UnbindPort removes a port's binding (succeeds when it was not bound).
func (c *Client) UnbindPort(ctx context.Context, hostID, portID string) error {
	return removeAt(ctx, c, ResHostPorts, "hosts", hostID, "ports", portID)
}
