package maintenance

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
)

// Kinds of objects a Deletion removes.
const (
	KindRouter    = "router"
	KindBridge    = "bridge"
	KindChain     = "chain"
	KindAddrGroup = "ipaddrgroup"
	KindPortGroup = "portgroup"
	KindPort      = "port"
	KindRoute     = "route"
	KindRule      = "rule"
	KindARP       = "arp"
	KindMAC       = "mac"
	KindDHCPHost  = "dhcphost"
	KindAddr      = "ipaddr"
)

// Deletion is one object a plan deletes. What is the human description ("router
// vr_vpc-0a1b2c3d_2 (3 ports, 4 routes)", "port 169.254.0.2/17 of eucabr"), Reason why it goes.
// The key fields address objects MidoNet keys by value (ARP, MAC, DHCP host, group address).
type Deletion struct {
	Kind   string `json:"kind"`
	ID     string `json:"id,omitempty"`
	Name   string `json:"name,omitempty"`
	What   string `json:"what"`
	Reason string `json:"reason,omitempty"`

	// Parent is the container (bridge, DHCP subnet CIDR's bridge, group) of a keyed entry.
	Parent string `json:"parent,omitempty"`
	CIDR   string `json:"cidr,omitempty"`
	IP     string `json:"ip,omitempty"`
	MAC    string `json:"mac,omitempty"`
	PortID string `json:"portId,omitempty"`
}

// key identifies a deletion, to keep a plan free of repeats.
func (d Deletion) key() string {
	return strings.Join([]string{d.Kind, d.ID, d.Parent, d.CIDR, d.IP, strings.ToLower(d.MAC), d.PortID}, "|")
}

// Plan is an ordered list of deletions: children before their containers, devices before
// the chains and groups they use.
type Plan struct {
	Deletions []Deletion `json:"deletions"`
	// Notes say what was left alone and why (a foreign reference, a missing lease check).
	Notes []string `json:"notes,omitempty"`
}

// deleteOrder: entries and children first, then devices (their ports, routes, DHCP and
// tables go with them), then chains (their rules go with them) and groups.
var deleteOrder = map[string]int{
	KindRule: 0, KindRoute: 0, KindARP: 0, KindMAC: 0, KindDHCPHost: 0, KindAddr: 0,
	KindPort: 1, KindRouter: 2, KindBridge: 2, KindChain: 3, KindAddrGroup: 4, KindPortGroup: 4,
}

func (p *Plan) add(d Deletion) {
	for _, have := range p.Deletions {
		if have.key() == d.key() {
			return
		}
	}
	p.Deletions = append(p.Deletions, d)
}

func (p *Plan) note(format string, args ...any) {
	p.Notes = append(p.Notes, fmt.Sprintf(format, args...))
}

// sort puts the deletions in the order Apply needs and a reader expects.
func (p *Plan) sort() {
	slices.SortStableFunc(p.Deletions, func(a, b Deletion) int {
		return cmp.Or(cmp.Compare(deleteOrder[a.Kind], deleteOrder[b.Kind]), strings.Compare(a.Kind, b.Kind),
			strings.Compare(a.What, b.What))
	})
}

// Empty reports whether the plan deletes nothing.
func (p Plan) Empty() bool { return len(p.Deletions) == 0 }

// Deleter is the part of the MidoNet client Apply deletes through; *midonet.Client is one.
type Deleter interface {
	DeleteRouter(ctx context.Context, id string) error
	DeleteBridge(ctx context.Context, id string) error
	DeleteChain(ctx context.Context, id string) error
	DeleteIPAddrGroup(ctx context.Context, id string) error
	DeletePortGroup(ctx context.Context, id string) error
	DeletePort(ctx context.Context, id string) error
	DeleteRoute(ctx context.Context, id string) error
	DeleteRule(ctx context.Context, id string) error
	DeleteARPEntry(ctx context.Context, bridgeID, ip, mac string) error
	DeleteMACEntry(ctx context.Context, bridgeID, mac, portID string) error
	DeleteDHCPHost(ctx context.Context, bridgeID, cidr, mac string) error
	DeleteIPAddrGroupAddr(ctx context.Context, groupID, addr string) error
}

var _ Deleter = (*midonet.Client)(nil)

// Outcome is what Apply did with one deletion.
type Outcome struct {
	Deletion
	// Gone is true when MidoNet no longer had the object (deleted meanwhile, or taken by the
	// cascade of an earlier deletion of the plan).
	Gone bool `json:"alreadyGone,omitempty"`
}

// Apply deletes exactly the plan's objects, in its order. An object already gone is not an
// error. It stops at the first failure and returns what it did until then.
func Apply(ctx context.Context, mn Deleter, p Plan) ([]Outcome, error) {
	var done []Outcome
	for _, d := range p.Deletions {
		err := deleteOne(ctx, mn, d)
		gone := midonet.IsNotFound(err)
		if err != nil && !gone {
			return done, fmt.Errorf("delete %s: %w", d.What, err)
		}
		done = append(done, Outcome{Deletion: d, Gone: gone})
	}
	return done, nil
}

func deleteOne(ctx context.Context, mn Deleter, d Deletion) error {
	switch d.Kind {
	case KindRouter:
		return mn.DeleteRouter(ctx, d.ID)
	case KindBridge:
		return mn.DeleteBridge(ctx, d.ID)
	case KindChain:
		return mn.DeleteChain(ctx, d.ID)
	case KindAddrGroup:
		return mn.DeleteIPAddrGroup(ctx, d.ID)
	case KindPortGroup:
		return mn.DeletePortGroup(ctx, d.ID)
	case KindPort:
		return mn.DeletePort(ctx, d.ID)
	case KindRoute:
		return mn.DeleteRoute(ctx, d.ID)
	case KindRule:
		return mn.DeleteRule(ctx, d.ID)
	case KindARP:
		return mn.DeleteARPEntry(ctx, d.Parent, d.IP, d.MAC)
	case KindMAC:
		return mn.DeleteMACEntry(ctx, d.Parent, d.MAC, d.PortID)
	case KindDHCPHost:
		return mn.DeleteDHCPHost(ctx, d.Parent, d.CIDR, d.MAC)
	case KindAddr:
		return mn.DeleteIPAddrGroupAddr(ctx, d.Parent, d.IP)
	}
	return fmt.Errorf("unknown kind %q", d.Kind)
}
