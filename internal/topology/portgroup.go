package topology

// PortGroup is a port group; Members are part of it.
type PortGroup struct {
	Name     string
	Stateful bool
	Members  []PortRef
}

// Key identifies the port group.
func (g PortGroup) Key() string { return "portgroup:" + g.Name }
