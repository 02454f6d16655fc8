// Command kubectl-midovpc is the operator's CLI for midovpc. On the PATH it is also the kubectl
// plugin `kubectl midovpc`.
//
//	kubectl-midovpc topology --midonet-url URL [--tenant T] [-o tree|json]
//	kubectl-midovpc version
//
// Each subcommand lives in its own file and registers itself in the dispatch table from that
// file's init function, with its own flag.FlagSet; adding one (import, trace, plan, flush)
// means adding a file, not editing this one.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

const programName = "kubectl-midovpc"

// Exit codes: 0 done, 1 the command failed, 2 the command line is wrong.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// command is one subcommand. Run gets the arguments after the subcommand's name and returns
// the exit code; it writes results to stdout and diagnostics to stderr.
type command struct {
	Summary string
	Run     func(args []string, stdout, stderr io.Writer) int
}

// commands is the dispatch table, filled by register from each subcommand's file.
var commands = map[string]command{}

// register adds a subcommand to the dispatch table. It is called from init functions, so a
// duplicate name is a programming error and panics.
func register(name string, c command) {
	if _, dup := commands[name]; dup {
		panic("kubectl-midovpc: subcommand " + name + " registered twice")
	}
	commands[name] = c
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches args (without the program name) to a subcommand and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stderr)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		return runHelp(rest, stdout, stderr)
	}
	c, found := commands[name]
	if !found {
		fmt.Fprintf(stderr, "%s: unknown command %q\n\n", programName, name)
		printUsage(stderr)
		return exitUsage
	}
	return c.Run(rest, stdout, stderr)
}

// runHelp prints the general usage, or a subcommand's usage with `help NAME`.
func runHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stdout)
		return exitOK
	}
	c, found := commands[args[0]]
	if !found {
		fmt.Fprintf(stderr, "%s help: unknown command %q\n", programName, args[0])
		return exitUsage
	}
	return c.Run([]string{"-h"}, stdout, stderr)
}

func printUsage(w io.Writer) {
	names := make([]string, 0, len(commands))
	width := 0
	for name := range commands {
		names = append(names, name)
		width = max(width, len(name))
	}
	slices.Sort(names)
	var b strings.Builder
	fmt.Fprintf(&b, "%s: midovpc's operator CLI (also `kubectl midovpc` as a kubectl plugin)\n\n", programName)
	fmt.Fprintf(&b, "Usage:\n  %s COMMAND [flags]\n\nCommands:\n", programName)
	for _, name := range names {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, name, commands[name].Summary)
	}
	fmt.Fprintf(&b, "  %-*s  %s\n", width, "help", "show this text, or `help COMMAND` for a command's flags")
	fmt.Fprintf(&b, "\nRun `%s COMMAND -h` for the flags of a command.\n", programName)
	io.WriteString(w, b.String())
}

// parseFlags parses a subcommand's flags. -h prints the usage to stdout (exit 0); a bad flag
// prints the error and the usage to stderr (exit 2). done reports whether the caller should
// return code now.
func parseFlags(fs *flag.FlagSet, synopsis string, args []string, stdout, stderr io.Writer) (code int, done bool) {
	fs.SetOutput(io.Discard)
	usage := func(w io.Writer) {
		fmt.Fprintf(w, "Usage:\n  %s\n\nFlags:\n", synopsis)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage(stdout)
		return exitOK, true
	case err != nil:
		fmt.Fprintf(stderr, "%s %s: %v\n\n", programName, fs.Name(), err)
		usage(stderr)
		return exitUsage, true
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "%s %s: unexpected argument %q\n\n", programName, fs.Name(), fs.Arg(0))
		usage(stderr)
		return exitUsage, true
	}
	return exitOK, false
}
