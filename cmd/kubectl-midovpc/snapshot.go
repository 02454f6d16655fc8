package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/midovpc/midovpc/internal/topoview"
)

func init() {
	register("snapshot", command{
		Summary: "save the tenant's whole topology (and hosts, tunnel zones) as one JSON file",
		Run:     runSnapshot,
	})
}

const snapshotSynopsis = programName + " snapshot --midonet-url URL -o FILE [--tenant euca_tenant_1] [--token-file F] [--ca-file F] [--qps N] [--timeout D]"

func runSnapshot(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("snapshot", flag.ContinueOnError)
	var mn midonetFlags
	mn.bind(fs)
	var out string
	fs.StringVar(&out, "o", "", "file to write (- for standard output)")
	fs.StringVar(&out, "output", "", "same as -o")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up reading MidoNet after this long")
	if code, done := parseFlags(fs, snapshotSynopsis, args, stdout, stderr); done {
		return code
	}
	if out == "" {
		return usageError(fs, stderr, errors.New("-o FILE is required"))
	}
	client, code, ok := mn.clientFor(fs, stderr)
	if !ok {
		return code
	}
	ctx, cancel := commandContext(*timeout)
	defer cancel()
	snap, err := topoview.ReadSnapshot(ctx, client, mn.tenant)
	if err != nil {
		fmt.Fprintf(stderr, "%s snapshot: %s\n", programName, mn.explain(err))
		return exitError
	}
	if out == "-" {
		err = snap.WriteJSON(stdout)
	} else {
		err = writeFileAtomic(out, snap.WriteJSON)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s snapshot: %v\n", programName, err)
		return exitError
	}
	if out != "-" {
		fmt.Fprintf(stderr, "wrote %s: %d routers, %d bridges, %d chains, %d ports, %d hosts (tenant %s)\n",
			out, len(snap.Routers), len(snap.Bridges), len(snap.Chains), len(snap.Ports), len(snap.Hosts), snap.Tenant)
	}
	return exitOK
}

// writeFileAtomic writes through a temporary file renamed over path, so that an interrupted
// snapshot never leaves half a file behind.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(tmp.Name(), path)
}
