package globalview

import (
	"os"
	"path/filepath"
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
