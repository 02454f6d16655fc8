package midonet

import "context"

// Router is a MidoNet virtual router (spec midonet-api.md §2.1).
type Router struct {
	ID               string   `json:"id,omitempty"`
	TenantID         string   `json:"tenantId,omitempty"`
	Name             string   `json:"name,omitempty"`
	AdminStateUp     *bool    `json:"adminStateUp,omitempty"` // nil: server default (true)
	InboundFilterID  *string  `json:"inboundFilterId,omitempty"`
	OutboundFilterID *string  `json:"outboundFilterId,omitempty"`
	LoadBalancerID   *string  `json:"loadBalancerId,omitempty"`
	ASNumber         int      `json:"asNumber,omitempty"` // local BGP AS (MidoNet 5)
	InboundMirrorIDs []string `json:"inboundMirrorIds,omitempty"`
	// OutboundMirrorIDs and the redirect chains are carried so that a GET-modify-PUT does not
	// clear them (PUT replaces).
	OutboundMirrorIDs    []string `json:"outboundMirrorIds,omitempty"`
	LocalRedirectChainID *string  `json:"localRedirectChainId,omitempty"`
	ForwardChainID       *string  `json:"forwardChainId,omitempty"`

	URI string `json:"uri,omitempty"` // read-only self link
}

// ListRouters lists the routers of tenant ("" lists all tenants').
func (c *Client) ListRouters(ctx context.Context, tenant string) ([]Router, error) {
	return listOfTenant[Router](ctx, c, ResRouters, tenant, "routers")
}

// GetRouter reads one router.
func (c *Client) GetRouter(ctx context.Context, id string) (*Router, error) {
	return getAt[Router](ctx, c, ResRouters, "routers", id)
}

// CreateRouter creates r (with r.ID when set, which makes the call retryable) and returns the
// stored router. An empty TenantID becomes the client's tenant.
func (c *Client) CreateRouter(ctx context.Context, r *Router) (*Router, error) {
	body := *r
	body.TenantID = c.tenantOrDefault(body.TenantID)
	return createAt[Router](ctx, c, ResRouters, body.ID, &body, "routers")
}

// UpdateRouter replaces the router r.ID with r (every writable field) and returns it as sent.
func (c *Client) UpdateRouter(ctx context.Context, r *Router) (*Router, error) {
	return updateAt(ctx, c, ResRouters, r, "routers", r.ID)
}

// DeleteRouter deletes a router; MidoNet cascades to its ports, routes and BGP objects.
func (c *Client) DeleteRouter(ctx context.Context, id string) error {
	return removeAt(ctx, c, ResRouters, "routers", id)
}
