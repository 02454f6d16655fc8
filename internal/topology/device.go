package topology

// Router is a MidoNet router, identified by its exact name.
type Router struct {
	Name string
	// InboundFilter and OutboundFilter are chain names; "" means no filter.
	InboundFilter  string
	OutboundFilter string
	// ASNumber is the local BGP AS number (MidoNet v5 router-level BGP); 0 = none.
	ASNumber int
}

// Key identifies the router.
func (r Router) Key() string { return "router:" + r.Name }

// Bridge is a MidoNet bridge, identified by its exact name.
type Bridge struct {
	Name           string
	InboundFilter  string
	OutboundFilter string
}

// Key identifies the bridge.
func (b Bridge) Key() string { return "bridge:" + b.Name }
