package mapping

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// IntipMap renders the eucanetd_intip_eni_map file: one line `<mdIP> <if> <vpc> <subnet>` per
// interface, in address order. Interfaces whose VPC is not known yet are left out, so that
// every line has its four fields.
func IntipMap(list []Interface) []byte {
	var b bytes.Buffer
	for _, i := range list {
		if i.VPC == "" || i.Subnet == "" {
			continue
		}
		fmt.Fprintf(&b, "%s %s %s %s\n", i.MetadataIP, i.Name, i.VPC, i.Subnet)
	}
	return b.Bytes()
}

// WriteFileAtomic replaces path with data so that a reader sees the old file or the new one,
// never a part: a temporary file beside it, synced, then renamed over it. It writes nothing
// when the file already holds data.
func WriteFileAtomic(path string, data []byte) (bool, error) {
	if cur, err := os.ReadFile(path); err == nil && bytes.Equal(cur, data) {
		return false, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return false, fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename there is nothing left to remove
	if _, err := f.Write(data); err != nil {
		f.Close()
		return false, fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return false, fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return false, fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return false, fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return false, fmt.Errorf("write %s: %w", path, err)
	}
	return true, nil
}
