package maintenance

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
)

// TunnelZoneRequest asks for a tunnel zone with members. Hosts are host names or ids, each
// optionally with its tunnel address (HOST=IP); without one, the address of Interface on the
// host is used, else the host's only address. No Hosts means every host.
type TunnelZoneRequest struct {
	Name, Type string
	Hosts      []string
	Interface  string
}

// Membership is one host's place in the zone.
type Membership struct {
	Host    string `json:"host"`
	HostID  string `json:"hostId"`
	Address string `json:"address"`
	// Added is false when the host already was a member with this address.
	Added bool `json:"added"`
}

// TunnelZoneResult is what CreateTunnelZone did.
type TunnelZoneResult struct {
	ID      string       `json:"id"`
	Name    string       `json:"name"`
	Type    string       `json:"type"`
	Created bool         `json:"created"`
	Members []Membership `json:"members"`
}

// TunnelZoneWriter is the part of the MidoNet client CreateTunnelZone writes through.
type TunnelZoneWriter interface {
	CreateTunnelZone(ctx context.Context, tz *midonet.TunnelZone) (*midonet.TunnelZone, error)
	AddTunnelZoneHost(ctx context.Context, zoneID string, m *midonet.TunnelZoneHost) (*midonet.TunnelZoneHost, error)
}

// PlanTunnelZone resolves a request against the hosts and zones of st: which zone (existing
// or new), which members with which addresses. It fails, naming the host, when a host is
// unknown or its address cannot be chosen, and when a zone of that name has another type.
func PlanTunnelZone(st *State, req TunnelZoneRequest) (TunnelZoneResult, error) {
	if req.Type != midonet.TunnelZoneTypeGRE && req.Type != midonet.TunnelZoneTypeVXLAN {
		return TunnelZoneResult{}, fmt.Errorf("--type %q: want gre or vxlan", req.Type)
	}
	if req.Name == "" {
		return TunnelZoneResult{}, fmt.Errorf("--name is required")
	}
	res := TunnelZoneResult{Name: req.Name, Type: req.Type, Created: true}
	current := map[string]string{}
	for _, z := range st.TunnelZones {
		if z.Name != req.Name {
			continue
		}
		if z.Type != req.Type {
			return res, fmt.Errorf("tunnel zone %s exists with type %s, not %s", z.Name, z.Type, req.Type)
		}
		res.ID, res.Created = z.ID, false
		for _, m := range z.Members {
			current[m.HostID] = m.IPAddress
		}
	}
	hosts := req.Hosts
	if len(hosts) == 0 {
		for _, h := range st.Hosts {
			hosts = append(hosts, h.ID)
		}
	}
	for _, spec := range hosts {
		who, addr, _ := strings.Cut(spec, "=")
		h, err := findHost(st, who)
		if err != nil {
			return res, err
		}
		if addr == "" {
			if addr, err = tunnelAddress(h, req.Interface); err != nil {
				return res, err
			}
		}
		if have, member := current[h.ID]; member && have != addr {
			return res, fmt.Errorf("host %s is a member of %s with address %s, not %s", hostLabel(h), req.Name, have, addr)
		}
		_, member := current[h.ID]
		res.Members = append(res.Members, Membership{Host: hostLabel(h), HostID: h.ID, Address: addr, Added: !member})
	}
	slices.SortFunc(res.Members, func(a, b Membership) int { return strings.Compare(a.Host, b.Host) })
	return res, nil
}

// CreateTunnelZone creates the zone of a plan when it is new and adds the members it lacks.
func CreateTunnelZone(ctx context.Context, mn TunnelZoneWriter, plan TunnelZoneResult) (TunnelZoneResult, error) {
	if plan.Created {
		z, err := mn.CreateTunnelZone(ctx, &midonet.TunnelZone{Name: plan.Name, Type: plan.Type})
		if err != nil {
			return plan, fmt.Errorf("create tunnel zone %s: %w", plan.Name, err)
		}
		plan.ID = z.ID
	}
	for _, m := range plan.Members {
		if !m.Added {
			continue
		}
		if _, err := mn.AddTunnelZoneHost(ctx, plan.ID, &midonet.TunnelZoneHost{HostID: m.HostID, IPAddress: m.Address}); err != nil {
			return plan, fmt.Errorf("add host %s (%s) to tunnel zone %s: %w", m.Host, m.Address, plan.Name, err)
		}
	}
	return plan, nil
}

func findHost(st *State, who string) (Host, error) {
	var found []Host
	for _, h := range st.Hosts {
		if h.ID == who || h.Name == who {
			found = append(found, h)
		}
	}
	switch len(found) {
	case 0:
		return Host{}, fmt.Errorf("--hosts: no MidoNet host is named %q or has that id", who)
	case 1:
		return found[0], nil
	}
	return Host{}, fmt.Errorf("--hosts: %d hosts are named %q: give the host id", len(found), who)
}

// tunnelAddress picks a host's tunnel endpoint: the first IPv4 address of the interface
// named dev, or the host's only address.
func tunnelAddress(h Host, dev string) (string, error) {
	if dev != "" {
		for _, i := range h.Interfaces {
			if i.Name == dev {
				if a := firstIPv4(i.Addresses); a != "" {
					return a, nil
				}
				return "", fmt.Errorf("host %s: interface %s has no IPv4 address", hostLabel(h), dev)
			}
		}
		return "", fmt.Errorf("host %s has no interface %s", hostLabel(h), dev)
	}
	var addrs []string
	for _, a := range h.Addresses {
		if !strings.Contains(a, ":") && !strings.HasPrefix(a, "127.") {
			addrs = append(addrs, a)
		}
	}
	if len(addrs) != 1 {
		return "", fmt.Errorf("host %s has %d addresses (%s): give --interface DEV or HOST=IP", hostLabel(h), len(addrs), strings.Join(addrs, ", "))
	}
	return addrs[0], nil
}

func firstIPv4(addrs []string) string {
	for _, a := range addrs {
		if !strings.Contains(a, ":") {
			return a
		}
	}
	return ""
}

func hostLabel(h Host) string {
	if h.Name != "" {
		return h.Name
	}
	return h.ID
}
