package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version is stamped at build time (make build, make image, the Dockerfile):
//
//	-ldflags "-X github.com/midovpc/midovpc/internal/buildinfo.Version=v0.1.0"
//
// Without it the module version (go install …@v0.1.0) or "devel" is shown.
var Version = ""

// String is "<program> <version> (<commit>[, modified], <go version>)".
func String(program string) string {
	v, commit, modified := Version, "unknown commit", false
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value[:min(12, len(s.Value))]
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "devel"
	}
	if modified {
		commit += ", modified"
	}
	return fmt.Sprintf("%s %s (%s, %s)", program, v, commit, runtime.Version())
}
