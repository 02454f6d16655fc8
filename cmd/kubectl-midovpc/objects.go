package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/midovpc/midovpc/internal/maintenance"
)

func init() {
	register("objects", command{
		Summary: "list the cloud models MidoNet holds, or one model's objects (ID: vpc-, subnet-, i-, eni-, nat-, sg-, acl-); --delete removes them",
		Run:     runObjects,
	})
}

const objectsSynopsis = programName + " objects [ID] [--delete [--yes]] --midonet-url URL|--snapshot FILE [--tenant T] [-o text|json]"

func runObjects(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("objects", flag.ContinueOnError)
	var mf maintenanceFlags
	mf.bind(fs)
	mf.bindSnapshot(fs)
	del := fs.Bool("delete", false, "plan the deletion of the model's objects")
	yes := fs.Bool("yes", false, "with --delete: delete; without it, only print what would be deleted")
	ids, code, done := parseArgsAnywhere(fs, objectsSynopsis, args, stdout, stderr)
	if done {
		return code
	}
	if len(ids) > 1 {
		return usageError(fs, stderr, fmt.Errorf("want at most one ID, got %d", len(ids)))
	}
	if (*del || *yes) && len(ids) == 0 {
		return usageError(fs, stderr, fmt.Errorf("--delete and --yes need an ID"))
	}
	if *yes && !*del {
		return usageError(fs, stderr, fmt.Errorf("--yes needs --delete"))
	}
	if *del && mf.snapshot != "" {
		return usageError(fs, stderr, errSnapshotReadsOnly)
	}
	if len(ids) == 1 && maintenance.ModelKind(ids[0]) == "" {
		return usageError(fs, stderr, fmt.Errorf("%q is not the id of a vpc-, subnet-, i-, eni-, nat-, sg- or acl- (prefix and 8 or 17 lowercase hex digits)", ids[0]))
	}
	s, code, ok := mf.open(fs, stderr)
	if !ok {
		return code
	}
	defer s.cancel()
	st, ok := s.state()
	if !ok {
		return exitError
	}
	if len(ids) == 0 {
		return s.printModels(stdout, maintenance.Models(st))
	}
	m, err := maintenance.ObjectsOf(st, ids[0])
	if err != nil {
		return s.fail(err)
	}
	if *del {
		return s.runPlan(stdout, "objects "+m.ID+" --delete", m.Delete, *yes)
	}
	if s.json() {
		if err := writeJSON(stdout, m); err != nil {
			return s.fail(err)
		}
		return exitOK
	}
	fmt.Fprintf(stdout, "%s %s in tenant %s\n", m.Kind, m.ID, st.Tenant)
	for _, o := range m.Objects {
		line := fmt.Sprintf("  %-9s %-11s %s", o.Status, o.Kind, o.Name)
		if len(o.IDs) > 0 {
			line += " " + strings.Join(o.IDs, ",")
		}
		if o.Detail != "" {
			line += ": " + o.Detail
		}
		fmt.Fprintln(stdout, line)
	}
	if strings.HasPrefix(m.ID, "eni-") && allMissing(m.Objects) {
		// A primary interface is named after its instance: say which, when the cluster knows.
		hint := "a primary interface (device index 0) is named after its instance: give its i- id"
		ctx, cancel := commandContext(10 * time.Second)
		defer cancel()
		if name, err := interfaceName(ctx, fs, m.ID); err == nil && name != m.ID {
			hint = fmt.Sprintf("%s is the primary interface of %s, whose name MidoNet uses: objects %s", m.ID, name, name)
		}
		fmt.Fprintf(stdout, "(nothing is named after %s; %s)\n", m.ID, hint)
	}
	return exitOK
}

// allMissing tells whether none of a model's named objects is in MidoNet.
func allMissing(objs []maintenance.Object) bool {
	for _, o := range objs {
		if o.Status != maintenance.StatusMissing {
			return false
		}
	}
	return true
}

func (s *session) printModels(stdout io.Writer, models []maintenance.Model) int {
	if s.json() {
		if models == nil {
			models = []maintenance.Model{}
		}
		if err := writeJSON(stdout, models); err != nil {
			return s.fail(err)
		}
		return exitOK
	}
	fmt.Fprintf(stdout, "%d models in tenant %s\n", len(models), s.flags.mn.tenant)
	for _, m := range models {
		fmt.Fprintf(stdout, "  %-15s %-22s %s\n", m.Kind, m.ID, strings.Join(m.Objects, " "))
	}
	return exitOK
}

// parseArgsAnywhere parses flags placed before or after the positional arguments and returns
// those (the flag package stops at the first argument that is not a flag).
func parseArgsAnywhere(fs *flag.FlagSet, synopsis string, args []string, stdout, stderr io.Writer) (pos []string, code int, done bool) {
	rest := args
	for {
		fs.SetOutput(io.Discard)
		if err := fs.Parse(rest); err != nil {
			code, _ := parseFlags(fs, synopsis, rest, stdout, stderr)
			return nil, code, true
		}
		if fs.NArg() == 0 {
			return pos, exitOK, false
		}
		pos = append(pos, fs.Arg(0))
		rest = fs.Args()[1:]
	}
}
