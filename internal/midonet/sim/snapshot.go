package sim

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// snapshotFormat versions the snapshot file.
const snapshotFormat = 1

type snapshotFile struct {
	Format int    `json:"format"`
	Store  *store `json:"store"`
}

// Save writes the whole store as JSON, atomically (temporary file + rename).
func (s *Server) Save(path string) error {
	s.mu.RLock()
	data, err := json.MarshalIndent(snapshotFile{Format: snapshotFormat, Store: s.st}, "", " ")
	s.mu.RUnlock()
	if err != nil {
		return fmt.Errorf("save snapshot: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("save snapshot: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("save snapshot %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save snapshot %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save snapshot %s: %w", path, err)
	}
	return nil
}

// Load replaces the whole store with a snapshot written by Save.
func (s *Server) Load(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("load snapshot: %w", err)
	}
	var snap snapshotFile
	if err := json.Unmarshal(data, &snap); err != nil {
		return fmt.Errorf("load snapshot %s: %w", path, err)
	}
	if snap.Format != snapshotFormat || snap.Store == nil {
		return fmt.Errorf("load snapshot %s: format %d is not %d", path, snap.Format, snapshotFormat)
	}
	snap.Store.fillNil()
	s.mu.Lock()
	defer s.mu.Unlock()
	snap.Store.version = s.st.version + 1
	s.st = snap.Store
	return nil
}
