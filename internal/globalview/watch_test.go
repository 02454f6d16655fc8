package globalview

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-logr/logr/testr"
)

// runWatcher runs w until the test ends and returns its notifications.
func runWatcher(t *testing.T, w *Watcher) <-chan struct{} {
	t.Helper()
	w.Log = testr.New(t)
	notes := make(chan struct{}, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx, func() { notes <- struct{}{} })
	}()
	t.Cleanup(func() { cancel(); <-done })
	return notes
}

// await waits for a notification; the deadline is generous, it is not a speed check.
func await(t *testing.T, notes <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-notes:
	case <-time.After(30 * time.Second):
		t.Fatalf("no notification: %s", what)
	}
}

func TestWatcherSeesRenameOver(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "global_network_info.xml")
	if err := os.WriteFile(path, []byte("v1"), 0o644); err != nil {
		t.Fatal(err)
	}
	// An hour's poll: only the folder watch can report the change.
	notes := runWatcher(t, &Watcher{Path: path, Debounce: 10 * time.Millisecond, Poll: time.Hour})
	await(t, notes, "initial")

	writeViewFile(t, path, []byte("v2"))
	await(t, notes, "rename over the view")

	// Again: the watch is on the folder, so the replaced inode does not matter.
	writeViewFile(t, path, []byte("v3"))
	await(t, notes, "second rename over the view")
}

func TestWatcherWaitsForFolderAndFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run", "eucalyptus")
	path := filepath.Join(dir, "global_network_info.xml")
	notes := runWatcher(t, &Watcher{Path: path, Debounce: 10 * time.Millisecond, Poll: 20 * time.Millisecond})
	await(t, notes, "initial")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The poll notices the folder and watches it from then on.
	await(t, notes, "poll")
	if err := os.WriteFile(path, []byte("v1"), 0o644); err != nil {
		t.Fatal(err)
	}
	await(t, notes, "file created")
}

func TestWatcherDebouncesBursts(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "global_network_info.xml")
	notes := runWatcher(t, &Watcher{Path: path, Debounce: time.Second, Poll: time.Hour})
	await(t, notes, "initial")
	// Events for other names (the ack file, the CLC's temp file) are not the view's.
	if err := os.WriteFile(filepath.Join(dir, AckFileName), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		if err := os.WriteFile(path, []byte{byte('a' + i)}, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	await(t, notes, "burst")
	// The burst was reported once: give the watcher a few debounce periods to prove it.
	time.Sleep(2500 * time.Millisecond)
	if n := len(notes); n != 0 {
		t.Errorf("%d extra notifications for one burst", n)
	}
}

// A rename into place is reported at once through Created, without waiting for the burst to
// settle (an hour here): a view's first write should not wait for the debounce.
func TestWatcherReportsCreationAtOnce(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "global_network_info.xml")
	created := make(chan struct{}, 10)
	w := &Watcher{Path: path, Debounce: time.Hour, Poll: time.Hour, Created: func() { created <- struct{}{} }}
	notes := runWatcher(t, w)
	await(t, notes, "initial")
	writeViewFile(t, path, []byte("v2"))
	await(t, created, "rename into place")
	if n := len(notes); n != 0 {
		t.Errorf("%d settled notifications before the burst settled", n)
	}
	// A write in place is not a creation: it waits for the burst to settle.
	if err := os.WriteFile(path, []byte("v3"), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case <-created:
		t.Error("a write in place was reported as a creation")
	case <-time.After(500 * time.Millisecond):
	}
}
