package midonet

import "context"

// Chain is a rule chain, used as a device filter or a jump target (spec midonet-api.md §2.6).
// Chains cannot be updated (PUT answers 405).
type Chain struct {
	ID       string `json:"id,omitempty"`
	TenantID string `json:"tenantId,omitempty"`
	Name     string `json:"name,omitempty"`

	URI string `json:"uri,omitempty"` // read-only self link
}

// ListChains lists the chains of tenant ("" lists all tenants').
func (c *Client) ListChains(ctx context.Context, tenant string) ([]Chain, error) {
	return listOfTenant[Chain](ctx, c, ResChains, tenant, "chains")
}

// GetChain reads one chain.
func (c *Client) GetChain(ctx context.Context, id string) (*Chain, error) {
	return getAt[Chain](ctx, c, ResChains, "chains", id)
}

// CreateChain creates ch and returns it as sent. An empty TenantID becomes the client's
// tenant.
func (c *Client) CreateChain(ctx context.Context, ch *Chain) (*Chain, error) {
	body := *ch
	body.TenantID = c.tenantOrDefault(body.TenantID)
	return createAt[Chain](ctx, c, ResChains, body.ID, &body, "chains")
}

// DeleteChain deletes a chain: its rules and every jump rule targeting it go too, and filters
// referring to it are cleared.
func (c *Client) DeleteChain(ctx context.Context, id string) error {
	return removeAt(ctx, c, ResChains, "chains", id)
}
