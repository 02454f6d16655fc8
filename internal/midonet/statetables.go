package midonet

import (
	"context"
	"strings"
)

// IP4Mac is an entry of a bridge's ARP table (spec midonet-api.md §2.14).
type IP4Mac struct {
	IP  string `json:"ip"`
	MAC string `json:"mac"`

	URI string `json:"uri,omitempty"` // read-only self link
}

// MacPort is an entry of a bridge's MAC table: where a MAC is learned.
type MacPort struct {
	MacAddr string `json:"macAddr"`
	PortID  string `json:"portId"`
	VlanID  *int   `json:"vlanId,omitempty"`

	URI string `json:"uri,omitempty"` // read-only self link
}

// dashedMAC spells a MAC with dashes, as the table entry paths do.
func dashedMAC(mac string) string { return strings.ReplaceAll(mac, ":", "-") }

func (c *Client) arpEntryURL(ctx context.Context, bridgeID, ip, mac string) (string, error) {
	return c.url(ctx, "bridges", bridgeID, "arp_table", ip+"_"+dashedMAC(mac))
}

func (c *Client) macEntryURL(ctx context.Context, bridgeID, mac, portID string) (string, error) {
	return c.url(ctx, "bridges", bridgeID, "mac_table", dashedMAC(mac)+"_"+portID)
}

// ListARPEntries lists a bridge's ARP table.
func (c *Client) ListARPEntries(ctx context.Context, bridgeID string) ([]IP4Mac, error) {
	return listAt[IP4Mac](ctx, c, ResARPTable, "bridges", bridgeID, "arp_table")
}

// GetARPEntry reads one ARP entry.
func (c *Client) GetARPEntry(ctx context.Context, bridgeID, ip, mac string) (*IP4Mac, error) {
	u, err := c.arpEntryURL(ctx, bridgeID, ip, mac)
	if err != nil {
		return nil, err
	}
	return get[IP4Mac](ctx, c, ResARPTable, u)
}

// CreateARPEntry adds an ARP entry to a bridge (retried safely: ip and MAC are its key).
func (c *Client) CreateARPEntry(ctx context.Context, bridgeID string, e *IP4Mac) (*IP4Mac, error) {
	coll, err := c.url(ctx, "bridges", bridgeID, "arp_table")
	if err != nil {
		return nil, err
	}
	key, err := c.arpEntryURL(ctx, bridgeID, e.IP, e.MAC)
	if err != nil {
		return nil, err
	}
	return create[IP4Mac](ctx, c, createSpec{res: ResARPTable, coll: coll, key: key}, e)
}

// DeleteARPEntry removes an ARP entry (succeeds when absent).
func (c *Client) DeleteARPEntry(ctx context.Context, bridgeID, ip, mac string) error {
	u, err := c.arpEntryURL(ctx, bridgeID, ip, mac)
	if err != nil {
		return err
	}
	return remove(ctx, c, ResARPTable, u)
}

// ListMACEntries lists a bridge's MAC table (all VLANs).
func (c *Client) ListMACEntries(ctx context.Context, bridgeID string) ([]MacPort, error) {
	return listAt[MacPort](ctx, c, ResMACTable, "bridges", bridgeID, "mac_table")
}

// GetMACEntry reads one MAC-table entry (VLAN 0).
func (c *Client) GetMACEntry(ctx context.Context, bridgeID, mac, portID string) (*MacPort, error) {
	u, err := c.macEntryURL(ctx, bridgeID, mac, portID)
	if err != nil {
		return nil, err
	}
	return get[MacPort](ctx, c, ResMACTable, u)
}

// CreateMACEntry adds a MAC-table entry to a bridge; the port must belong to the bridge. It
// is retried safely (MAC and port are its key) when no VLAN is set.
func (c *Client) CreateMACEntry(ctx context.Context, bridgeID string, e *MacPort) (*MacPort, error) {
	coll, err := c.url(ctx, "bridges", bridgeID, "mac_table")
	if err != nil {
		return nil, err
	}
	spec := createSpec{res: ResMACTable, coll: coll}
	if e.VlanID == nil || *e.VlanID == 0 {
		if spec.key, err = c.macEntryURL(ctx, bridgeID, e.MacAddr, e.PortID); err != nil {
			return nil, err
		}
	}
	return create[MacPort](ctx, c, spec, e)
}

// DeleteMACEntry removes a MAC-table entry (VLAN 0).
func (c *Client) DeleteMACEntry(ctx context.Context, bridgeID, mac, portID string) error {
	u, err := c.macEntryURL(ctx, bridgeID, mac, portID)
	if err != nil {
		return err
	}
	return remove(ctx, c, ResMACTable, u)
}
