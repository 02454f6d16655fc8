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
	u, err := c.url(ctx, "bridges")
	if err != nil {
		return nil, err
	}
	return list[Bridge](ctx, c, ResBridges, withTenant(u, tenant))
}

// GetBridge reads one bridge.
func (c *Client) GetBridge(ctx context.Context, id string) (*Bridge, error) {
	u, err := c.url(ctx, "bridges", id)
	if err != nil {
		return nil, err
	}
	return get[Bridge](ctx, c, ResBridges, u)
}

// CreateBridge creates b (with b.ID when set, which makes the call retryable) and returns the
// stored bridge. An empty TenantID becomes the client's tenant.
func (c *Client) CreateBridge(ctx context.Context, b *Bridge) (*Bridge, error) {
	body := *b
	if body.TenantID == "" {
		body.TenantID = c.cfg.Tenant
	}
	spec, err := c.createSpec(ctx, ResBridges, body.ID, "bridges")
	if err != nil {
		return nil, err
	}
	return create[Bridge](ctx, c, spec, &body)
}

// UpdateBridge replaces the bridge b.ID with b (every writable field) and returns it as
// stored.
func (c *Client) UpdateBridge(ctx context.Context, b *Bridge) (*Bridge, error) {
	u, err := c.url(ctx, "bridges", b.ID)
	if err != nil {
		return nil, err
	}
	return update(ctx, c, ResBridges, u, b)
}

// DeleteBridge deletes a bridge; MidoNet cascades to its ports and DHCP subnets.
func (c *Client) DeleteBridge(ctx context.Context, id string) error {
	u, err := c.url(ctx, "bridges", id)
	if err != nil {
		return err
	}
	return remove(ctx, c, ResBridges, u)
}
