package midonet

import "context"

// BgpPeer is a BGP neighbour of a router (MidoNet 5, spec midonet-api.md §2.13). The local AS
// is the router's ASNumber. MidoNet 1.x configured BGP per port instead; that API is not
// covered.
type BgpPeer struct {
	ID           string `json:"id,omitempty"`
	RouterID     string `json:"routerId,omitempty"` // read-only
	ASNumber     int    `json:"asNumber"`
	Address      string `json:"address"`
	KeepAlive    *int   `json:"keepAlive,omitempty"`
	HoldTime     *int   `json:"holdTime,omitempty"`
	ConnectRetry *int   `json:"connectRetry,omitempty"`
	Password     string `json:"password,omitempty"`

	URI string `json:"uri,omitempty"` // read-only self link
}

// BgpNetwork is a prefix a router announces over BGP.
type BgpNetwork struct {
	ID            string `json:"id,omitempty"`
	RouterID      string `json:"routerId,omitempty"` // read-only
	SubnetAddress string `json:"subnetAddress"`
	SubnetLength  int    `json:"subnetLength"`

	URI string `json:"uri,omitempty"` // read-only self link
}

// ListBgpPeers lists a router's BGP peers.
func (c *Client) ListBgpPeers(ctx context.Context, routerID string) ([]BgpPeer, error) {
	u, err := c.url(ctx, "routers", routerID, "bgp_peers")
	if err != nil {
		return nil, err
	}
	return list[BgpPeer](ctx, c, ResBgpPeers, u)
}

// GetBgpPeer reads one BGP peer.
func (c *Client) GetBgpPeer(ctx context.Context, id string) (*BgpPeer, error) {
	u, err := c.url(ctx, "bgp_peers", id)
	if err != nil {
		return nil, err
	}
	return get[BgpPeer](ctx, c, ResBgpPeers, u)
}

// CreateBgpPeer adds a BGP peer to a router and returns it as stored.
func (c *Client) CreateBgpPeer(ctx context.Context, routerID string, p *BgpPeer) (*BgpPeer, error) {
	spec, err := c.createSpec(ctx, ResBgpPeers, p.ID, "routers", routerID, "bgp_peers")
	if err != nil {
		return nil, err
	}
	return create[BgpPeer](ctx, c, spec, p)
}

// UpdateBgpPeer replaces the BGP peer p.ID with p and returns it as stored.
func (c *Client) UpdateBgpPeer(ctx context.Context, p *BgpPeer) (*BgpPeer, error) {
	u, err := c.url(ctx, "bgp_peers", p.ID)
	if err != nil {
		return nil, err
	}
	return update(ctx, c, ResBgpPeers, u, p)
}

// DeleteBgpPeer deletes a BGP peer.
func (c *Client) DeleteBgpPeer(ctx context.Context, id string) error {
	u, err := c.url(ctx, "bgp_peers", id)
	if err != nil {
		return err
	}
	return remove(ctx, c, ResBgpPeers, u)
}

// ListBgpNetworks lists the networks a router announces.
func (c *Client) ListBgpNetworks(ctx context.Context, routerID string) ([]BgpNetwork, error) {
	u, err := c.url(ctx, "routers", routerID, "bgp_networks")
	if err != nil {
		return nil, err
	}
	return list[BgpNetwork](ctx, c, ResBgpNetworks, u)
}

// GetBgpNetwork reads one BGP network.
func (c *Client) GetBgpNetwork(ctx context.Context, id string) (*BgpNetwork, error) {
	u, err := c.url(ctx, "bgp_networks", id)
	if err != nil {
		return nil, err
	}
	return get[BgpNetwork](ctx, c, ResBgpNetworks, u)
}

// CreateBgpNetwork adds an announced network to a router and returns it as stored.
func (c *Client) CreateBgpNetwork(ctx context.Context, routerID string, n *BgpNetwork) (*BgpNetwork, error) {
	spec, err := c.createSpec(ctx, ResBgpNetworks, n.ID, "routers", routerID, "bgp_networks")
	if err != nil {
		return nil, err
	}
	return create[BgpNetwork](ctx, c, spec, n)
}

// DeleteBgpNetwork deletes an announced network.
func (c *Client) DeleteBgpNetwork(ctx context.Context, id string) error {
	u, err := c.url(ctx, "bgp_networks", id)
	if err != nil {
		return err
	}
	return remove(ctx, c, ResBgpNetworks, u)
}
