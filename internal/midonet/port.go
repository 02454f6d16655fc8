package midonet

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// Port types. MidoNet 5 accepts the Interior/Exterior variants on input but always reports
// Router, Bridge or Vxlan.
const (
	PortTypeRouter = "Router"
	PortTypeBridge = "Bridge"
	PortTypeVxlan  = "Vxlan"
)

// Port is a router or bridge port, told apart by Type (spec midonet-api.md §2.3). A port is
// interior when PeerID is set, exterior when HostID and InterfaceName are set.
type Port struct {
	ID               string  `json:"id,omitempty"`
	Type             string  `json:"type"` // required discriminator: PortTypeRouter or PortTypeBridge
	DeviceID         string  `json:"deviceId,omitempty"`
	AdminStateUp     *bool   `json:"adminStateUp,omitempty"` // nil: server default (true)
	InboundFilterID  *string `json:"inboundFilterId,omitempty"`
	OutboundFilterID *string `json:"outboundFilterId,omitempty"`
	VifID            *string `json:"vifId,omitempty"`
	// HostID and InterfaceName are set by BindPort; PeerID by LinkPorts. They are read-only in
	// practice: UpdatePort leaves them out of its body (a PUT would take them as they are).
	HostID        *string `json:"hostId,omitempty"`
	InterfaceName *string `json:"interfaceName,omitempty"`
	PeerID        *string `json:"peerId,omitempty"`
	TunnelKey     int64   `json:"tunnelKey,omitempty"` // read-only, server-allocated
	Active        bool    `json:"active,omitempty"`    // read-only, from agent state

	InboundMirrorIDs      []string `json:"inboundMirrorIds,omitempty"`
	OutboundMirrorIDs     []string `json:"outboundMirrorIds,omitempty"`
	PostInFilterMirrorIDs []string `json:"postInFilterMirrorIds,omitempty"`
	PreOutFilterMirrorIDs []string `json:"preOutFilterMirrorIds,omitempty"`
	InsertionIDs          []string `json:"insertionIds,omitempty"`
	QosPolicyID           *string  `json:"qosPolicyId,omitempty"`

	// Router-port fields.
	PortAddress    string `json:"portAddress,omitempty"`
	NetworkAddress string `json:"networkAddress,omitempty"` // derived on read from portAddress/networkLength
	NetworkLength  int    `json:"networkLength,omitempty"`
	// PortSubnet (MidoNet 5.4+) wins over PortAddress/NetworkLength when sent: clear it before
	// a PUT that changes the address.
	PortSubnet         []string `json:"portSubnet,omitempty"`
	PortMAC            string   `json:"portMac,omitempty"` // random ac:ca:ba:… when absent
	RtrPortVNI         int      `json:"rtrPortVni,omitempty"`
	OffRampVxlan       bool     `json:"offRampVxlan,omitempty"`
	ServiceContainerID *string  `json:"serviceContainerId,omitempty"`
	BgpStatus          *string  `json:"bgpStatus,omitempty"` // read-only

	// Bridge-port field.
	VlanID int `json:"vlanId,omitempty"`

	URI string `json:"uri,omitempty"` // read-only self link
	// HostInterfacePort is the read-only link to the port's host binding, null when unbound.
	HostInterfacePort *string `json:"hostInterfacePort,omitempty"`
}

// PortLink is the body of POST /ports/{id}/link.
type PortLink struct {
	PortID string `json:"portId,omitempty"`
	PeerID string `json:"peerId"`
}

// ListPorts lists every port of every device.
func (c *Client) ListPorts(ctx context.Context) ([]Port, error) {
	return listAt[Port](ctx, c, ResPorts, "ports")
}

// ListRouterPorts lists the ports of a router.
func (c *Client) ListRouterPorts(ctx context.Context, routerID string) ([]Port, error) {
	return listAt[Port](ctx, c, ResPorts, "routers", routerID, "ports")
}

// ListBridgePorts lists the ports of a bridge.
func (c *Client) ListBridgePorts(ctx context.Context, bridgeID string) ([]Port, error) {
	return listAt[Port](ctx, c, ResPorts, "bridges", bridgeID, "ports")
}

// GetPort reads one port.
func (c *Client) GetPort(ctx context.Context, id string) (*Port, error) {
	return getAt[Port](ctx, c, ResPorts, "ports", id)
}

// CreateRouterPort creates a port on a router (Type defaults to Router) and returns it as
// stored. MidoNet also adds the port's automatic Local route.
func (c *Client) CreateRouterPort(ctx context.Context, routerID string, p *Port) (*Port, error) {
	return c.createPort(ctx, "routers", routerID, PortTypeRouter, p)
}

// CreateBridgePort creates a port on a bridge (Type defaults to Bridge) and returns it as
// stored.
func (c *Client) CreateBridgePort(ctx context.Context, bridgeID string, p *Port) (*Port, error) {
	return c.createPort(ctx, "bridges", bridgeID, PortTypeBridge, p)
}

func (c *Client) createPort(ctx context.Context, device, deviceID, defaultType string, p *Port) (*Port, error) {
	body := *p
	if body.Type == "" {
		body.Type = defaultType
	}
	got, err := createAt[Port](ctx, c, ResPorts, body.ID, &body, device, deviceID, "ports")
	if err == nil && got.DeviceID == "" {
		got.DeviceID = deviceID // from the path, as MidoNet renders it
	}
	return got, err
}

// UpdatePort replaces the port p.ID with p and returns it as sent. Type must be sent, and
// router ports must re-send their addresses and MAC (PUT replaces them). The binding and the
// link (hostId, interfaceName, peerId) are left out of the body: MidoNet takes non-null ones
// from a PUT as they are, re-binding or re-linking the port without the checks of BindPort
// and LinkPorts (spec §6.1), so a stale copy would undo a change made meanwhile. They change
// only through BindPort/UnbindPort and LinkPorts/UnlinkPort; the returned port carries p's.
func (c *Client) UpdatePort(ctx context.Context, p *Port) (*Port, error) {
	body := *p
	body.HostID, body.InterfaceName, body.PeerID = nil, nil, nil
	got, err := updateAt(ctx, c, ResPorts, &body, "ports", p.ID)
	if err != nil {
		return nil, err
	}
	got.HostID, got.InterfaceName, got.PeerID = p.HostID, p.InterfaceName, p.PeerID
	return got, nil
}

// DeletePort deletes a port; its peer is unlinked, its binding and its routes are removed.
func (c *Client) DeletePort(ctx context.Context, id string) error {
	return removeAt(ctx, c, ResPorts, "ports", id)
}

// LinkPorts links two ports (sets peerId on both). It is retried like any idempotent call:
// a 409 on a retry is accepted when the port turns out to be linked to peerID already.
func (c *Client) LinkPorts(ctx context.Context, portID, peerID string) error {
	u, err := c.url(ctx, "ports", portID, "link")
	if err != nil {
		return err
	}
	payload, err := json.Marshal(PortLink{PeerID: peerID})
	if err != nil {
		return err
	}
	rep, err := c.do(ctx, &call{method: http.MethodPost, res: ResPortLink, url: u,
		ctype: MediaType(c.version(), ResPortLink, false), body: payload, retryable: true})
	if err != nil && rep.attempts > 1 && IsConflict(err) {
		if p, gerr := c.GetPort(ctx, portID); gerr == nil && Deref(p.PeerID) == peerID {
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("link port %s to %s: %w", portID, peerID, err)
	}
	return nil
}

// UnlinkPort clears the link of a port (and of its peer). Unlinking an unlinked port succeeds.
func (c *Client) UnlinkPort(ctx context.Context, portID string) error {
	return removeAt(ctx, c, ResPortLink, "ports", portID, "link")
}
