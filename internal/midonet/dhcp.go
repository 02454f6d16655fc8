package midonet

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// DHCPSubnet is the DHCP service of a bridge for one IPv4 subnet (spec midonet-api.md §2.9).
// It is addressed by its CIDR, not by a UUID.
type DHCPSubnet struct {
	SubnetPrefix   string        `json:"subnetPrefix"` // the network address
	SubnetLength   int           `json:"subnetLength"`
	DefaultGateway string        `json:"defaultGateway,omitempty"`
	ServerAddr     string        `json:"serverAddr,omitempty"`
	DNSServerAddrs []string      `json:"dnsServerAddrs,omitempty"` // MidoNet reads [] back as null
	InterfaceMTU   *int          `json:"interfaceMTU,omitempty"`
	Opt121Routes   []Opt121Route `json:"opt121Routes,omitempty"`
	Enabled        *bool         `json:"enabled,omitempty"` // nil: server default (true)

	URI string `json:"uri,omitempty"` // read-only self link
}

// CIDR returns the subnet as "prefix/length", the form the DHCP methods take.
func (s *DHCPSubnet) CIDR() string {
	return s.SubnetPrefix + "/" + strconv.Itoa(s.SubnetLength)
}

// Opt121Route is a classless static route handed out with DHCP option 121.
type Opt121Route struct {
	DestinationPrefix string `json:"destinationPrefix"`
	DestinationLength int    `json:"destinationLength"`
	GatewayAddr       string `json:"gatewayAddr"`
}

// DHCPHost is a static DHCP lease of a subnet, addressed by its MAC.
type DHCPHost struct {
	MacAddr       string         `json:"macAddr"`
	IPAddr        string         `json:"ipAddr"`
	Name          string         `json:"name"`
	ExtraDHCPOpts []ExtraDHCPOpt `json:"extraDhcpOpts,omitempty"`

	URI string `json:"uri,omitempty"` // read-only self link
}

// ExtraDHCPOpt is one extra option of a DHCP host, e.g. {"domain_search", "example.internal"}.
type ExtraDHCPOpt struct {
	OptName  string `json:"optName"`
	OptValue string `json:"optValue"`
}

// subnetKey turns "10.0.1.0/24" (or the path form "10.0.1.0_24") into MidoNet's path key.
func subnetKey(cidr string) (string, error) {
	prefix, length, ok := strings.Cut(cidr, "/")
	if !ok {
		prefix, length, ok = strings.Cut(cidr, "_")
	}
	if !ok || prefix == "" {
		return "", fmt.Errorf("DHCP subnet %q: want prefix/length", cidr)
	}
	if _, err := strconv.Atoi(length); err != nil {
		return "", fmt.Errorf("DHCP subnet %q: bad length: %w", cidr, err)
	}
	return prefix + "_" + length, nil
}

func (c *Client) dhcpURL(ctx context.Context, bridgeID, cidr string, elems ...string) (string, error) {
	key, err := subnetKey(cidr)
	if err != nil {
		return "", err
	}
	return c.url(ctx, "bridges", append([]string{bridgeID, "dhcp", key}, elems...)...)
}

// ListDHCPSubnets lists the DHCP subnets of a bridge.
func (c *Client) ListDHCPSubnets(ctx context.Context, bridgeID string) ([]DHCPSubnet, error) {
	return listAt[DHCPSubnet](ctx, c, ResDHCPSubnets, "bridges", bridgeID, "dhcp")
}

// GetDHCPSubnet reads the DHCP subnet cidr ("10.0.1.0/24") of a bridge.
func (c *Client) GetDHCPSubnet(ctx context.Context, bridgeID, cidr string) (*DHCPSubnet, error) {
	u, err := c.dhcpURL(ctx, bridgeID, cidr)
	if err != nil {
		return nil, err
	}
	return get[DHCPSubnet](ctx, c, ResDHCPSubnets, u)
}

// CreateDHCPSubnet adds a DHCP subnet to a bridge and returns it as sent. The CIDR is its
// key, so the call is retried safely.
func (c *Client) CreateDHCPSubnet(ctx context.Context, bridgeID string, s *DHCPSubnet) (*DHCPSubnet, error) {
	coll, err := c.url(ctx, "bridges", bridgeID, "dhcp")
	if err != nil {
		return nil, err
	}
	key, err := c.dhcpURL(ctx, bridgeID, s.CIDR())
	if err != nil {
		return nil, err
	}
	return create[DHCPSubnet](ctx, c, createSpec{res: ResDHCPSubnets, coll: coll, key: key}, s)
}

// UpdateDHCPSubnet replaces the DHCP subnet s.CIDR() of a bridge with s (its hosts are kept)
// and returns it as sent.
func (c *Client) UpdateDHCPSubnet(ctx context.Context, bridgeID string, s *DHCPSubnet) (*DHCPSubnet, error) {
	u, err := c.dhcpURL(ctx, bridgeID, s.CIDR())
	if err != nil {
		return nil, err
	}
	return update(ctx, c, ResDHCPSubnets, u, s)
}

// DeleteDHCPSubnet deletes a DHCP subnet and its hosts.
func (c *Client) DeleteDHCPSubnet(ctx context.Context, bridgeID, cidr string) error {
	u, err := c.dhcpURL(ctx, bridgeID, cidr)
	if err != nil {
		return err
	}
	return remove(ctx, c, ResDHCPSubnets, u)
}

// macPathKey spells a MAC as the API version expects it in DHCP host paths: colons in
// MidoNet 5, dashes in 1.x.
func (c *Client) macPathKey(mac string) string {
	if c.version() == VersionMN1 {
		return strings.ReplaceAll(mac, ":", "-")
	}
	return strings.ReplaceAll(mac, "-", ":")
}

// ListDHCPHosts lists the hosts of a DHCP subnet.
func (c *Client) ListDHCPHosts(ctx context.Context, bridgeID, cidr string) ([]DHCPHost, error) {
	u, err := c.dhcpURL(ctx, bridgeID, cidr, "hosts")
	if err != nil {
		return nil, err
	}
	return list[DHCPHost](ctx, c, ResDHCPHosts, u)
}

// GetDHCPHost reads the host with a MAC of a DHCP subnet.
func (c *Client) GetDHCPHost(ctx context.Context, bridgeID, cidr, mac string) (*DHCPHost, error) {
	u, err := c.dhcpURL(ctx, bridgeID, cidr, "hosts", c.macPathKey(mac))
	if err != nil {
		return nil, err
	}
	return get[DHCPHost](ctx, c, ResDHCPHosts, u)
}

// CreateDHCPHost adds a host to a DHCP subnet and returns it as sent. The MAC is its key,
// so the call is retried safely.
func (c *Client) CreateDHCPHost(ctx context.Context, bridgeID, cidr string, h *DHCPHost) (*DHCPHost, error) {
	coll, err := c.dhcpURL(ctx, bridgeID, cidr, "hosts")
	if err != nil {
		return nil, err
	}
	key, err := c.dhcpURL(ctx, bridgeID, cidr, "hosts", c.macPathKey(h.MacAddr))
	if err != nil {
		return nil, err
	}
	return create[DHCPHost](ctx, c, createSpec{res: ResDHCPHosts, coll: coll, key: key}, h)
}

// UpdateDHCPHost replaces the host h.MacAddr of a DHCP subnet with h and returns it as sent.
func (c *Client) UpdateDHCPHost(ctx context.Context, bridgeID, cidr string, h *DHCPHost) (*DHCPHost, error) {
	u, err := c.dhcpURL(ctx, bridgeID, cidr, "hosts", c.macPathKey(h.MacAddr))
	if err != nil {
		return nil, err
	}
	return update(ctx, c, ResDHCPHosts, u, h)
}

// DeleteDHCPHost removes a host from a DHCP subnet.
func (c *Client) DeleteDHCPHost(ctx context.Context, bridgeID, cidr, mac string) error {
	u, err := c.dhcpURL(ctx, bridgeID, cidr, "hosts", c.macPathKey(mac))
	if err != nil {
		return err
	}
	return remove(ctx, c, ResDHCPHosts, u)
}
