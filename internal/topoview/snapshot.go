package topoview

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// SnapshotFormat is the version of the snapshot file this package writes and reads.
const SnapshotFormat = 1

// Topology assembles the snapshot into the resolved topology Load returns.
func (s *Snapshot) Topology() *Topology { return assemble(s) }

// WriteJSON writes the snapshot as an indented JSON document.
func (s *Snapshot) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}
	return nil
}

// ReadSnapshotFile reads a file written by Snapshot.WriteJSON.
func ReadSnapshotFile(path string) (*Snapshot, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	var s Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("read snapshot %s: %w", path, err)
	}
	if s.Format != SnapshotFormat {
		return nil, fmt.Errorf("read snapshot %s: format %d, want %d (was it written by `kubectl midovpc snapshot`?)", path, s.Format, SnapshotFormat)
	}
	if s.Tenant == "" {
		return nil, fmt.Errorf("read snapshot %s: no tenant", path)
	}
	return &s, nil
}
