package topoview

import (
	"encoding/json"
	"fmt"
	"io"
)

// WriteJSON writes the topology as an indented JSON document (the Topology type's fields).
func (t *Topology) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Keep "→" and "<" readable in rule summaries and names.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(t); err != nil {
		return fmt.Errorf("write topology JSON: %w", err)
	}
	return nil
}
