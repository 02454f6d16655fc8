package midonet

import "context"

// Tunnel zone types.
const (
	TunnelZoneTypeGRE   = "gre"
	TunnelZoneTypeVXLAN = "vxlan"
	TunnelZoneTypeVTEP  = "vtep"
)

// TunnelZone is a set of hosts that tunnel to each other (spec midonet-api.md §2.12). A host
// must be a member of one before ports can be bound on it.
type TunnelZone struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name"` // unique across zones
	Type string `json:"type"`

	URI string `json:"uri,omitempty"` // read-only self link
}

// TunnelZoneHost is a host's membership of a tunnel zone, with its tunnel endpoint address.
type TunnelZoneHost struct {
	TunnelZoneID string `json:"tunnelZoneId,omitempty"` // read-only: from the path
	HostID       string `json:"hostId"`
	IPAddress    string `json:"ipAddress"`

	URI string `json:"uri,omitempty"` // read-only self link
}

// ListTunnelZones lists every tunnel zone.
func (c *Client) ListTunnelZones(ctx context.Context) ([]TunnelZone, error) {
	return listAt[TunnelZone](ctx, c, ResTunnelZones, "tunnel_zones")
}

// GetTunnelZone reads one tunnel zone.
func (c *Client) GetTunnelZone(ctx context.Context, id string) (*TunnelZone, error) {
	return getAt[TunnelZone](ctx, c, ResTunnelZones, "tunnel_zones", id)
}

// CreateTunnelZone creates a tunnel zone and returns it as sent.
func (c *Client) CreateTunnelZone(ctx context.Context, tz *TunnelZone) (*TunnelZone, error) {
	return createAt[TunnelZone](ctx, c, ResTunnelZones, tz.ID, tz, "tunnel_zones")
}

// UpdateTunnelZone replaces the tunnel zone tz.ID with tz and returns it as sent. MidoNet 5
// answers 409 to a PUT that keeps the zone's own name (its uniqueness check includes itself).
func (c *Client) UpdateTunnelZone(ctx context.Context, tz *TunnelZone) (*TunnelZone, error) {
	return updateAt(ctx, c, ResTunnelZones, tz, "tunnel_zones", tz.ID)
}

// DeleteTunnelZone deletes a tunnel zone and its memberships.
func (c *Client) DeleteTunnelZone(ctx context.Context, id string) error {
	return removeAt(ctx, c, ResTunnelZones, "tunnel_zones", id)
}

// ListTunnelZoneHosts lists the members of a tunnel zone.
func (c *Client) ListTunnelZoneHosts(ctx context.Context, zoneID string) ([]TunnelZoneHost, error) {
	return listAt[TunnelZoneHost](ctx, c, ResTunnelZoneHosts, "tunnel_zones", zoneID, "hosts")
}

// GetTunnelZoneHost reads one membership.
func (c *Client) GetTunnelZoneHost(ctx context.Context, zoneID, hostID string) (*TunnelZoneHost, error) {
	return getAt[TunnelZoneHost](ctx, c, ResTunnelZoneHosts, "tunnel_zones", zoneID, "hosts", hostID)
}

// AddTunnelZoneHost adds a host to a tunnel zone and returns the membership as sent (the
// host is its key, so the call is retried safely).
func (c *Client) AddTunnelZoneHost(ctx context.Context, zoneID string, m *TunnelZoneHost) (*TunnelZoneHost, error) {
	coll, err := c.url(ctx, "tunnel_zones", zoneID, "hosts")
	if err != nil {
		return nil, err
	}
	key, err := c.url(ctx, "tunnel_zones", zoneID, "hosts", m.HostID)
	if err != nil {
		return nil, err
	}
	return create[TunnelZoneHost](ctx, c, createSpec{res: ResTunnelZoneHosts, coll: coll, key: key}, m)
}

// RemoveTunnelZoneHost removes a host from a tunnel zone (404 when it is not a member).
func (c *Client) RemoveTunnelZoneHost(ctx context.Context, zoneID, hostID string) error {
	return removeAt(ctx, c, ResTunnelZoneHosts, "tunnel_zones", zoneID, "hosts", hostID)
}
