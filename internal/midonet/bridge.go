package midonet

import "context"

// Bridge is a MidoNet virtual L2 switch, a "Network" in MidoNet's storage messages (spec
// midonet-api.md §2.2).
type Bridge struct {
	ID                string   `json:"id,omitempty"`
	TenantID          string   `json:"tenantId,omitempty"`
	Name              string   `json:"name,omitempty"`
	AdminStateUp      *bool    `json:"adminStateUp,omitempty"` // nil: server default (true)
	InboundFilterID   *string  `json:"inboundFilterId,omitempty"`
	OutboundFilterID  *string  `json:"outboundFilterId,omitempty"`
	InboundMirrorIDs  []string `json:"inboundMirrorIds,omitempty"`
	OutboundMirrorIDs []string `json:"outboundMirrorIds,omitempty"`
	QosPolicyID       *string  `json:"qosPolicyId,omitempty"`
	// VxLanPortIDs is read-only: a POST that sets it (even to a non-empty list) or a PUT that
	// changes it is rejected with 400. Leave it as read.
	VxLanPortIDs []string `json:"vxLanPortIds,omitempty"`

	URI string `json:"uri,omitempty"` // read-only self link
}

// ListBridges lists the bridges of tenant ("" lists all tenants').
func (c *Client) ListBridges(ctx context.Context, tenant string) ([]Bridge, error) {
	return listOfTenant[Bridge](ctx, c, ResBridges, tenant, "bridges")
}

// GetBridge reads one bridge.
func (c *Client) GetBridge(ctx context.Context, id string) (*Bridge, error) {
	return getAt[Bridge](ctx, c, ResBridges, "bridges", id)
}

// CreateBridge creates b (with b.ID when set, which makes the call retryable) and returns the
// stored bridge. An empty TenantID becomes the client's tenant.
func (c *Client) CreateBridge(ctx context.Context, b *Bridge) (*Bridge, error) {
	body := *b
	body.TenantID = c.tenantOrDefault(body.TenantID)
	return createAt[Bridge](ctx, c, ResBridges, body.ID, &body, "bridges")
}

// UpdateBridge replaces the bridge b.ID with b (every writable field) and returns it as
// stored.
func (c *Client) UpdateBridge(ctx context.Context, b *Bridge) (*Bridge, error) {
	return updateAt(ctx, c, ResBridges, b, "bridges", b.ID)
}

// DeleteBridge deletes a bridge; MidoNet cascades to its ports and DHCP subnets.
func (c *Client) DeleteBridge(ctx context.Context, id string) error {
	return removeAt(ctx, c, ResBridges, "bridges", id)
}
