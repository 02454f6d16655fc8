package midonet

import (
	"context"
	"net/netip"
)

// IPAddrGroup is a named set of IP addresses that rules match with IPAddrGroupSrc/Dst (spec
// midonet-api.md §2.8). Groups have no tenant and cannot be updated.
type IPAddrGroup struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name"` // required

	URI string `json:"uri,omitempty"` // read-only self link
}

// IP address versions of IPAddrGroupAddr.
const (
	IPVersion4 = "4"
	IPVersion6 = "6"
)

// IPAddrGroupAddr is one member address of an IP address group.
type IPAddrGroupAddr struct {
	Addr string `json:"addr"`
	// Version is the discriminator "4" or "6"; left empty, it is derived from Addr.
	Version       string `json:"version"`
	IPAddrGroupID string `json:"ipAddrGroupId,omitempty"` // read-only: from the path

	URI string `json:"uri,omitempty"` // read-only self link
}

// ListIPAddrGroups lists every IP address group (MidoNet has no tenant filter for them).
func (c *Client) ListIPAddrGroups(ctx context.Context) ([]IPAddrGroup, error) {
	return listAt[IPAddrGroup](ctx, c, ResIPAddrGroups, "ip_addr_groups")
}

// GetIPAddrGroup reads one group.
func (c *Client) GetIPAddrGroup(ctx context.Context, id string) (*IPAddrGroup, error) {
	return getAt[IPAddrGroup](ctx, c, ResIPAddrGroups, "ip_addr_groups", id)
}

// CreateIPAddrGroup creates a group and returns it as sent.
func (c *Client) CreateIPAddrGroup(ctx context.Context, g *IPAddrGroup) (*IPAddrGroup, error) {
	return createAt[IPAddrGroup](ctx, c, ResIPAddrGroups, g.ID, g, "ip_addr_groups")
}

// DeleteIPAddrGroup deletes a group; rules referring to it keep the dangling id.
func (c *Client) DeleteIPAddrGroup(ctx context.Context, id string) error {
	return removeAt(ctx, c, ResIPAddrGroups, "ip_addr_groups", id)
}

// ListIPAddrGroupAddrs lists the addresses of a group.
func (c *Client) ListIPAddrGroupAddrs(ctx context.Context, groupID string) ([]IPAddrGroupAddr, error) {
	return listAt[IPAddrGroupAddr](ctx, c, ResIPAddrGroupAddrs, "ip_addr_groups", groupID, "ip_addrs")
}

// GetIPAddrGroupAddr reads one member address of a group (404 when it is not a member).
func (c *Client) GetIPAddrGroupAddr(ctx context.Context, groupID, addr string) (*IPAddrGroupAddr, error) {
	u, err := c.ipAddrURL(ctx, groupID, addr, "")
	if err != nil {
		return nil, err
	}
	return get[IPAddrGroupAddr](ctx, c, ResIPAddrGroupAddrs, u)
}

// AddIPAddrGroupAddr adds an address to a group and returns the member as sent. The address
// is the member's key, so the call is retried safely; a member already present answers 409.
func (c *Client) AddIPAddrGroupAddr(ctx context.Context, groupID string, a *IPAddrGroupAddr) (*IPAddrGroupAddr, error) {
	body := *a
	if body.Version == "" {
		body.Version = ipVersion(body.Addr)
	}
	coll, err := c.url(ctx, "ip_addr_groups", groupID, "ip_addrs")
	if err != nil {
		return nil, err
	}
	key, err := c.ipAddrURL(ctx, groupID, body.Addr, body.Version)
	if err != nil {
		return nil, err
	}
	got, err := create[IPAddrGroupAddr](ctx, c, createSpec{res: ResIPAddrGroupAddrs, coll: coll, key: key}, &body)
	if err == nil && got.IPAddrGroupID == "" {
		got.IPAddrGroupID = groupID // from the path, as MidoNet renders it
	}
	return got, err
}

// DeleteIPAddrGroupAddr removes an address from a group (succeeds when it is not a member).
func (c *Client) DeleteIPAddrGroupAddr(ctx context.Context, groupID, addr string) error {
	u, err := c.ipAddrURL(ctx, groupID, addr, "")
	if err != nil {
		return err
	}
	return remove(ctx, c, ResIPAddrGroupAddrs, u)
}

// ipAddrURL is /ip_addr_groups/{id}/versions/{4|6}/ip_addrs/{addr}.
func (c *Client) ipAddrURL(ctx context.Context, groupID, addr, version string) (string, error) {
	if version == "" {
		version = ipVersion(addr)
	}
	return c.url(ctx, "ip_addr_groups", groupID, "versions", version, "ip_addrs", addr)
}

func ipVersion(addr string) string {
	if a, err := netip.ParseAddr(addr); err == nil && a.Is6() && !a.Is4In6() {
		return IPVersion6
	}
	return IPVersion4
}
