package globalview

import (
	"context"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/go-logr/logr"
)

// Defaults of Watcher and Runner.
const (
	DefaultDebounce = 250 * time.Millisecond
	DefaultPoll     = 30 * time.Second
)

// Watcher tells when the view file may have changed. It watches the file's folder, not
// the file: the CLC writes a temporary file and renames it over the view, which replaces
// the inode a watch on the file would follow. Events for other names are ignored, a
// burst of events (write, chmod, rename) is reported once after Debounce of quiet, and
// a poll every Poll covers filesystems without inotify (NFS, some container mounts).
// The file, and even its folder, may be missing; they are picked up when they appear.
type Watcher struct {
	Path     string
	Debounce time.Duration
	Poll     time.Duration
	Log      logr.Logger
	// Created, when set, is called at once when the file is created, which is how a rename
	// into place (the CLC's way of writing it) shows, without waiting for the burst to
	// settle: the content is likely complete, and a view's first write should not wait
	// Debounce. notify still follows once the burst settles.
	Created func()
}

// Run calls notify once at the start, after every settled burst of changes to Path and
// on every poll, until ctx ends. notify should be cheap (the Runner's hash check makes a
// spurious call cost one file read).
func (w *Watcher) Run(ctx context.Context, notify func()) {
	debounce, poll := w.Debounce, w.Poll
	if debounce <= 0 {
		debounce = DefaultDebounce
	}
	if poll <= 0 {
		poll = DefaultPoll
	}
	dir, base := filepath.Dir(w.Path), filepath.Base(w.Path)

	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		w.Log.Error(err, "cannot watch the global view's folder; polling only", "folder", dir, "poll", poll)
	} else {
		defer fsw.Close()
	}
	watching, waitLogged := false, false
	watchFolder := func() {
		if fsw == nil || watching {
			return
		}
		if err := fsw.Add(dir); err != nil {
			if !waitLogged {
				w.Log.Info("waiting for the global view's folder", "folder", dir, "reason", err.Error())
				waitLogged = true
			}
			return
		}
		watching, waitLogged = true, false
	}
	watchFolder()

	var events <-chan fsnotify.Event
	var errs <-chan error
	if fsw != nil {
		events, errs = fsw.Events, fsw.Errors
	}
	ticker := time.NewTicker(poll)
	defer ticker.Stop()
	var timer *time.Timer
	var settled <-chan time.Time

	notify()
	for {
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if ev.Name == dir && ev.Op&(fsnotify.Remove|fsnotify.Rename) != 0 {
				watching = false // the folder went away; re-added on the next poll
				continue
			}
			if filepath.Base(ev.Name) != base {
				continue
			}
			if ev.Op&fsnotify.Create != 0 && w.Created != nil {
				w.Created()
			}
			if timer == nil {
				timer = time.NewTimer(debounce)
			} else {
				timer.Reset(debounce)
			}
			settled = timer.C
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			w.Log.Error(err, "watching the global view's folder", "folder", dir)
		case <-settled:
			settled = nil
			notify()
		case <-ticker.C:
			watchFolder()
			notify()
		}
	}
}
