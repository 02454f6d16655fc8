package globalview

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteAck(t *testing.T) {
	dir := t.TempDir()
	view := filepath.Join(dir, "global_network_info.xml")
	path := AckPath(view)
	if path != filepath.Join(dir, "global_network_info.version") {
		t.Fatalf("AckPath = %s", path)
	}
	if v, err := ReadAck(path); err != nil || v != "" {
		t.Fatalf("ReadAck of a missing file = %q, %v", v, err)
	}
	for _, version := range []string{"3f9c1e7a", "4a0b1c2d"} {
		if err := WriteAck(path, version); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil || string(data) != version {
			t.Fatalf("ack file = %q, %v; want %q", data, err, version)
		}
	}
	// Only the ack file is left: the temporary file was renamed.
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Errorf("folder holds %v (%v)", entries, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("ack file mode = %v (%v)", fi.Mode(), err)
	}
}

// TestReadAcknowledged: the record reads back what was written; a missing or malformed one
// reads as none (the view then gets its dry run).
func TestReadAcknowledged(t *testing.T) {
	path := filepath.Join(t.TempDir(), AcknowledgedFileName)
	if h, err := ReadAcknowledged(path); h != "" || err != nil {
		t.Errorf("missing record: %q, %v", h, err)
	}
	hash := Hash([]byte("<network-data/>"))
	if err := WriteAcknowledged(path, "3f9c1e7a", hash); err != nil {
		t.Fatal(err)
	}
	if h, err := ReadAcknowledged(path); h != hash || err != nil {
		t.Errorf("record = %q, %v; want %s", h, err, hash)
	}
	for _, bad := range []string{"", "3f9c1e7a", "3f9c1e7a " + hash[:63], "3f9c1e7a " + strings.ToUpper(hash), "a b c"} {
		if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		if h, err := ReadAcknowledged(path); h != "" || err != nil {
			t.Errorf("record %q read as %q, %v; want none", bad, h, err)
		}
	}
}
