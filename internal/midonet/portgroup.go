package midonet

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// PortGroup is a named set of ports that rules match with PortGroup/InPortGroup/OutPortGroup
// (spec midonet-api.md §2.15).
type PortGroup struct {
	ID       string `json:"id,omitempty"`
	TenantID string `json:"tenantId,omitempty"`
	Name     string `json:"name,omitempty"`
	Stateful bool   `json:"stateful,omitempty"`

	URI string `json:"uri,omitempty"` // read-only self link
}

// PortGroupPort is one member of a port group.
type PortGroupPort struct {
	PortGroupID string `json:"portGroupId,omitempty"` // read-only: from the path
	PortID      string `json:"portId"`

	URI string `json:"uri,omitempty"` // read-only self link
}

// ListPortGroups lists the port groups of tenant ("" lists all tenants').
func (c *Client) ListPortGroups(ctx context.Context, tenant string) ([]PortGroup, error) {
	return listOfTenant[PortGroup](ctx, c, ResPortGroups, tenant, "port_groups")
}

// GetPortGroup reads one port group.
func (c *Client) GetPortGroup(ctx context.Context, id string) (*PortGroup, error) {
	return getAt[PortGroup](ctx, c, ResPortGroups, "port_groups", id)
}

// CreatePortGroup creates a port group and returns it as sent. An empty TenantID becomes the
// client's tenant.
func (c *Client) CreatePortGroup(ctx context.Context, g *PortGroup) (*PortGroup, error) {
	body := *g
	body.TenantID = c.tenantOrDefault(body.TenantID)
	return createAt[PortGroup](ctx, c, ResPortGroups, body.ID, &body, "port_groups")
}

// UpdatePortGroup replaces the port group g.ID with g and returns it as sent.
func (c *Client) UpdatePortGroup(ctx context.Context, g *PortGroup) (*PortGroup, error) {
	return updateAt(ctx, c, ResPortGroups, g, "port_groups", g.ID)
}

// DeletePortGroup deletes a port group.
func (c *Client) DeletePortGroup(ctx context.Context, id string) error {
	return removeAt(ctx, c, ResPortGroups, "port_groups", id)
}

// ListPortGroupPorts lists the members of a port group.
func (c *Client) ListPortGroupPorts(ctx context.Context, groupID string) ([]PortGroupPort, error) {
	return listAt[PortGroupPort](ctx, c, ResPortGroupPorts, "port_groups", groupID, "ports")
}

// AddPortGroupPort adds a port to a port group. The port is the member's key, so the call is
// retried safely, and a 409 on a retry means an earlier attempt added it. MidoNet documents
// no GET of a single member, so the membership is returned as written rather than read back.
func (c *Client) AddPortGroupPort(ctx context.Context, groupID, portID string) (*PortGroupPort, error) {
	coll, err := c.url(ctx, "port_groups", groupID, "ports")
	if err != nil {
		return nil, err
	}
	payload, err := json.Marshal(PortGroupPort{PortID: portID})
	if err != nil {
		return nil, err
	}
	rep, err := c.do(ctx, &call{method: http.MethodPost, res: ResPortGroupPorts, url: coll,
		ctype: MediaType(c.version(), ResPortGroupPorts, false), body: payload, retryable: true})
	if err != nil && !(rep.attempts > 1 && IsConflict(err)) {
		return nil, fmt.Errorf("add port %s to port group %s: %w", portID, groupID, err)
	}
	member := &PortGroupPort{PortGroupID: groupID, PortID: portID, URI: coll + "/" + url.PathEscape(portID)}
	if err == nil {
		if loc := rep.header.Get("Location"); loc != "" {
			member.URI = resolveLocation(coll, loc)
		}
	}
	return member, nil
}

// DeletePortGroupPort removes a port from a port group.
func (c *Client) DeletePortGroupPort(ctx context.Context, groupID, portID string) error {
	return removeAt(ctx, c, ResPortGroupPorts, "port_groups", groupID, "ports", portID)
}
