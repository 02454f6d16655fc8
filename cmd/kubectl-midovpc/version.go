package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version is set at build time: go build -ldflags "-X main.version=v0.1.0". Without it the
// module version (go install …@v0.1.0) or "devel" is shown.
var version = ""

func init() {
	register("version", command{Summary: "print the version of this binary", Run: runVersion})
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if code, done := parseFlags(fs, programName+" version", args, stdout, stderr); done {
		return code
	}
	fmt.Fprintln(stdout, versionString())
	return exitOK
}

// versionString is "kubectl-midovpc <version> (<commit>[, modified], <go version>)".
func versionString() string {
	v, commit, modified := version, "unknown commit", false
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
	return fmt.Sprintf("%s %s (%s, %s)", programName, v, commit, runtime.Version())
}
