package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/midovpc/midovpc/internal/buildinfo"
)

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
func versionString() string { return buildinfo.String(programName) }
