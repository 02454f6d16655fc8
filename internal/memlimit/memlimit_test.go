package memlimit

import (
	"debug/elf"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The soft limit leaves the executable's mapped pages out of what Go may take: for the test
// binary itself, the sum of its loadable segments, which is most of the file.
func TestSoftLeavesTheExecutableOut(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(exe)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadedSize(exe)
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	text := f.Section(".text")
	if text == nil || loaded < int64(text.Size) || loaded > st.Size() {
		t.Fatalf("loaded size %d: want at least the code (.text) and at most the file (%d bytes)", loaded, st.Size())
	}
	const container = 512 << 20
	soft, got, err := Soft(container, exe)
	if err != nil || got != loaded {
		t.Fatalf("Soft: %v, loaded %d, want %d", err, got, loaded)
	}
	if want := int64(float64(container-loaded) * 0.9); soft != want {
		t.Errorf("soft limit %d, want %d: 90%% of 512Mi less %d bytes", soft, want, loaded)
	}
	if _, _, err := Soft(loaded, exe); err == nil {
		t.Error("a container no larger than the executable: no error")
	}
}

// A file that is not an ELF executable has no known loaded size: an error naming it.
func TestLoadedSizeOfWhatIsNotAnExecutable(t *testing.T) {
	p := filepath.Join(t.TempDir(), "run.sh")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadedSize(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("LoadedSize of a script: %v; want an error naming it", err)
	}
}

func TestContainerLimit(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		content string
		want    int64
		err     bool
	}{{"536870912\n", 536870912, false}, {"max\n", 0, false}, {"lots\n", 0, true}} {
		p := filepath.Join(dir, "memory.max")
		if err := os.WriteFile(p, []byte(c.content), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := ContainerLimit(p)
		if got != c.want || (err != nil) != c.err {
			t.Errorf("memory.max %q: %d, %v; want %d, error %v", c.content, got, err, c.want, c.err)
		}
	}
	if got, err := ContainerLimit(filepath.Join(dir, "absent")); got != 0 || err != nil {
		t.Errorf("no memory.max: %d, %v; want 0 and no error", got, err)
	}
}
