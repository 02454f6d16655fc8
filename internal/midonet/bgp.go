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
	return listAt[BgpPeer](ctx, c, ResBgpPeers, "routers", routerID, "bgp_peers")
}

// GetBgpPeer reads one BGP peer.
func (c *Client) GetBgpPeer(ctx context.Context, id string) (*BgpPeer, error) {
	return getAt[BgpPeer](ctx, c, ResBgpPeers, "bgp_peers", id)
}

// CreateBgpPeer adds a BGP peer to a router and returns it as sent.
func (c *Client) CreateBgpPeer(ctx context.Context, routerID string, p *BgpPeer) (*BgpPeer, error) {
	return createAt[BgpPeer](ctx, c, ResBgpPeers, p.ID, p, "routers", routerID, "bgp_peers")
}

// UpdateBgpPeer replaces the BGP peer p.ID with p and returns it as sent.
func (c *Client) UpdateBgpPeer(ctx context.Context, p *BgpPeer) (*BgpPeer, error) {
	return updateAt(ctx, c, ResBgpPeers, p, "bgp_peers", p.ID)
}

// DeleteBgpPeer deletes a BGP peer.
func (c *Client) DeleteBgpPeer(ctx context.Context, id string) error {
	return removeAt(ctx, c, ResBgpPeers, "bgp_peers", id)
}

// ListBgpNetworks lists the networks a router announces.
func (c *Client) ListBgpNetworks(ctx context.Context, routerID string) ([]BgpNetwork, error) {
	return listAt[BgpNetwork](ctx, c, ResBgpNetworks, "routers", routerID, "bgp_networks")
}

// GetBgpNetwork reads one BGP network.
func (c *Client) GetBgpNetwork(ctx context.Context, id string) (*BgpNetwork, error) {
	return getAt[BgpNetwork](ctx, c, ResBgpNetworks, "bgp_networks", id)
}

// CreateBgpNetwork adds an announced network to a router and returns it as sent.
func (c *Client) CreateBgpNetwork(ctx context.Context, routerID string, n *BgpNetwork) (*BgpNetwork, error) {
	return createAt[BgpNetwork](ctx, c, ResBgpNetworks, n.ID, n, "routers", routerID, "bgp_networks")
}

// DeleteBgpNetwork deletes an announced network.
func (c *Client) DeleteBgpNetwork(ctx context.Context, id string) error {
	return removeAt(ctx, c, ResBgpNetworks, "bgp_networks", id)
}
