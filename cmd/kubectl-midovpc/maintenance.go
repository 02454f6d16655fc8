package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/midovpc/midovpc/internal/maintenance"
	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/topoview"
)

// maintenanceFlags are the flags every maintenance command (flush, check, objects, gateways,
// tunnel-zone) shares: the MidoNet flags of topology, -o text|json and a timeout.
type maintenanceFlags struct {
	mn       midonetFlags
	output   string
	timeout  time.Duration
	snapshot string // read-only commands: a file written by `snapshot` instead of MidoNet
}

// bindSnapshot adds --snapshot, for the commands that only read.
func (m *maintenanceFlags) bindSnapshot(fs *flag.FlagSet) {
	fs.StringVar(&m.snapshot, "snapshot", "", "read the topology from this file (written by `"+programName+" snapshot`) instead of MidoNet")
}

// errSnapshotReadsOnly refuses a deletion planned from a file: it must see MidoNet as it is.
var errSnapshotReadsOnly = errors.New("--snapshot only reads: deleting needs --midonet-url")

func (m *maintenanceFlags) bind(fs *flag.FlagSet) {
	m.mn.bind(fs)
	fs.StringVar(&m.output, "o", "text", "output format: text or json")
	fs.StringVar(&m.output, "output", "text", "same as -o")
	fs.DurationVar(&m.timeout, "timeout", 5*time.Minute, "give up after this long")
}

// session is one maintenance command's connection to MidoNet.
type session struct {
	flags  *maintenanceFlags
	fs     *flag.FlagSet
	stderr io.Writer
	client *midonet.Client
	ctx    context.Context
	cancel func()
}

// open checks the output flag, builds the client and a context that ends on Ctrl-C or after
// the timeout. code is the exit code when ok is false.
func (m *maintenanceFlags) open(fs *flag.FlagSet, stderr io.Writer) (s *session, code int, ok bool) {
	if m.output != "text" && m.output != "json" {
		return nil, usageError(fs, stderr, fmt.Errorf("-o %q: want text or json", m.output)), false
	}
	var client *midonet.Client
	if m.snapshot == "" {
		if client, code, ok = m.mn.clientFor(fs, stderr); !ok {
			return nil, code, false
		}
	}
	ctx, cancel := commandContext(m.timeout)
	return &session{flags: m, fs: fs, stderr: stderr, client: client, ctx: ctx, cancel: cancel}, exitOK, true
}

// loadState reads what MidoNet holds for the tenant, live.
var loadState = func(ctx context.Context, c *midonet.Client, tenant string) (*maintenance.State, error) {
	return maintenance.Load(ctx, c, tenant)
}

func (s *session) state() (*maintenance.State, bool) {
	if s.flags.snapshot != "" {
		snap, err := topoview.ReadSnapshotFile(s.flags.snapshot)
		if err != nil {
			fmt.Fprintf(s.stderr, "%s %s: %v\n", programName, s.fs.Name(), err)
			return nil, false
		}
		s.flags.mn.tenant = snap.Tenant
		return maintenance.FromSnapshot(snap), true
	}
	st, err := loadState(s.ctx, s.client, s.flags.mn.tenant)
	if err != nil {
		s.fail(err)
		return nil, false
	}
	return st, true
}

// fail reports a MidoNet failure the way topology does.
func (s *session) fail(err error) int {
	fmt.Fprintf(s.stderr, "%s %s: %s\n", programName, s.fs.Name(), s.flags.mn.explain(err))
	return exitError
}

func (s *session) json() bool { return s.flags.output == "json" }

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// planOutput is the JSON of a destructive command: what it would delete, and with --yes what
// it deleted.
type planOutput struct {
	Tenant  string                `json:"tenant"`
	DryRun  bool                  `json:"dryRun"`
	Plan    maintenance.Plan      `json:"plan"`
	Applied []maintenance.Outcome `json:"applied,omitempty"`
}

// runPlan prints a plan and, with yes, applies exactly it. title says what the plan is for.
func (s *session) runPlan(stdout io.Writer, title string, plan maintenance.Plan, yes bool) int {
	out := planOutput{Tenant: s.flags.mn.tenant, DryRun: !yes, Plan: plan}
	if plan.Deletions == nil {
		out.Plan.Deletions = []maintenance.Deletion{}
	}
	var applyErr error
	if yes && !plan.Empty() {
		out.Applied, applyErr = maintenance.Apply(s.ctx, s.client, plan)
	}
	if s.json() {
		if err := writeJSON(stdout, out); err != nil {
			return s.fail(err)
		}
	} else {
		writePlanText(stdout, title, out)
	}
	if applyErr != nil {
		return s.fail(applyErr)
	}
	return exitOK
}

func writePlanText(w io.Writer, title string, out planOutput) {
	n := len(out.Plan.Deletions)
	switch {
	case n == 0:
		fmt.Fprintf(w, "%s: nothing to delete in tenant %s\n", title, out.Tenant)
	case out.DryRun:
		fmt.Fprintf(w, "%s: would delete %d objects of tenant %s (dry run: add --yes to delete them)\n", title, n, out.Tenant)
		for _, d := range out.Plan.Deletions {
			fmt.Fprintf(w, "  %s%s\n", d.What, reasonSuffix(d, title))
		}
	default:
		fmt.Fprintf(w, "%s: deleted %d of %d objects of tenant %s\n", title, len(out.Applied), n, out.Tenant)
		for _, o := range out.Applied {
			verb := "deleted"
			if o.Gone {
				verb = "already gone (taken with its container)"
			}
			fmt.Fprintf(w, "  %s %s\n", verb, o.What)
		}
	}
	for _, note := range out.Plan.Notes {
		fmt.Fprintf(w, "note: %s\n", note)
	}
}

// reasonSuffix says why an object is deleted when that is not just the command itself.
func reasonSuffix(d maintenance.Deletion, title string) string {
	if d.Reason == "" || d.Reason == title {
		return ""
	}
	return ": " + d.Reason
}
