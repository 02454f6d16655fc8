package midonet

import (
	"context"
	"fmt"
)

// Route types. Local routes are created by MidoNet 5 for every router port; midovpc creates
// Normal routes (and BlackHole/Reject where a table says so).
const (
	RouteTypeNormal    = "Normal"
	RouteTypeBlackHole = "BlackHole"
	RouteTypeReject    = "Reject"
	RouteTypeLocal     = "Local"
)

// Route is a router's route (spec midonet-api.md §2.5). Routes are immutable: change one by
// creating the new route and deleting the old.
type Route struct {
	ID               string  `json:"id,omitempty"`
	RouterID         string  `json:"routerId,omitempty"` // read-only
	SrcNetworkAddr   string  `json:"srcNetworkAddr"`
	SrcNetworkLength int     `json:"srcNetworkLength"`
	DstNetworkAddr   string  `json:"dstNetworkAddr"`
	DstNetworkLength int     `json:"dstNetworkLength"`
	Type             string  `json:"type"`
	NextHopPort      *string `json:"nextHopPort,omitempty"`    // required for Normal: a port of this router
	NextHopGateway   *string `json:"nextHopGateway,omitempty"` // nil: directly connected
	Weight           int     `json:"weight"`                   // lower wins
	Attributes       string  `json:"attributes,omitempty"`
	Learned          bool    `json:"learned,omitempty"` // read-only: learned by BGP

	URI string `json:"uri,omitempty"` // read-only self link
}

// ListRoutes lists a router's routes, including the automatic Local routes of its ports.
func (c *Client) ListRoutes(ctx context.Context, routerID string) ([]Route, error) {
	return listAt[Route](ctx, c, ResRoutes, "routers", routerID, "routes")
}

// GetRoute reads one route.
func (c *Client) GetRoute(ctx context.Context, id string) (*Route, error) {
	return getAt[Route](ctx, c, ResRoutes, "routes", id)
}

// CreateRoute adds a route to a router and returns it as sent.
func (c *Client) CreateRoute(ctx context.Context, routerID string, r *Route) (*Route, error) {
	got, err := createAt[Route](ctx, c, ResRoutes, r.ID, r, "routers", routerID, "routes")
	if err == nil && got.RouterID == "" {
		got.RouterID = routerID // from the path, as MidoNet renders it
	}
	return got, err
}

// DeleteRoute deletes a route (204 from MidoNet even when it does not exist).
func (c *Client) DeleteRoute(ctx context.Context, id string) error {
	return removeAt(ctx, c, ResRoutes, "routes", id)
}

// Describe names the route for an operator: source → destination, next hop, weight and the
// router it is on.
func (rt Route) Describe(router string) string {
	gw := ""
	if rt.NextHopGateway != nil && *rt.NextHopGateway != "" {
		gw = " gw " + *rt.NextHopGateway
	}
	return fmt.Sprintf("route %s/%d → %s/%d%s w %d on %s", rt.SrcNetworkAddr, rt.SrcNetworkLength,
		rt.DstNetworkAddr, rt.DstNetworkLength, gw, rt.Weight, router)
}
