package midonet

import "context"

// SystemState is MidoNet's global state (spec midonet-api.md §1.9); a constant
// ACTIVE/READWRITE document in MidoNet 5. eucanetd checked it before every write.
type SystemState struct {
	State        string  `json:"state"`
	Availability string  `json:"availability"`
	Version      string  `json:"version,omitempty"`
	Information  *string `json:"information,omitempty"`
}

// Writable reports whether MidoNet accepts writes (state ACTIVE, availability READWRITE).
func (s *SystemState) Writable() bool {
	return s.State == "ACTIVE" && s.Availability == "READWRITE"
}

// GetSystemState reads /system_state.
func (c *Client) GetSystemState(ctx context.Context) (*SystemState, error) {
	return getAt[SystemState](ctx, c, ResSystemState, "system_state")
}
