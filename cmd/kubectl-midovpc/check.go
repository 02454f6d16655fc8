package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/midovpc/midovpc/internal/maintenance"
)

func init() {
	register("check", command{
		Summary: "find duplicates, unconnected ports, unreferenced chains and groups, stale ARP/MAC entries; --repair deletes them",
		Run:     runCheck,
	})
}

const checkSynopsis = programName + " check --midonet-url URL|--snapshot FILE [--tenant T] [--repair [--yes]] [-o text|json]"

func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	var mf maintenanceFlags
	mf.bind(fs)
	mf.bindSnapshot(fs)
	repair := fs.Bool("repair", false, "plan the deletion of what check finds (keeping one of each duplicate)")
	yes := fs.Bool("yes", false, "with --repair: delete; without it, only print what would be deleted")
	if code, done := parseFlags(fs, checkSynopsis, args, stdout, stderr); done {
		return code
	}
	if *yes && !*repair {
		return usageError(fs, stderr, fmt.Errorf("--yes needs --repair"))
	}
	if *repair && mf.snapshot != "" {
		return usageError(fs, stderr, errSnapshotReadsOnly)
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
	report := maintenance.Check(st)
	if *repair {
		return s.runPlan(stdout, "check --repair", report.RepairPlan(), *yes)
	}
	if s.json() {
		if report.Findings == nil {
			report.Findings = []maintenance.Finding{}
		}
		if err := writeJSON(stdout, report); err != nil {
			return s.fail(err)
		}
		return exitOK
	}
	if len(report.Findings) == 0 {
		fmt.Fprintf(stdout, "check: nothing found in tenant %s\n", st.Tenant)
		return exitOK
	}
	repairable := len(report.RepairPlan().Deletions)
	fmt.Fprintf(stdout, "check: %d findings in tenant %s (%d deleted by check --repair --yes)\n", len(report.Findings), st.Tenant, repairable)
	for _, f := range report.Findings {
		mark := "  "
		if f.Repair == nil {
			mark = "  (report only) "
		}
		fmt.Fprintf(stdout, "%s%s: %s", mark, f.Problem, f.What)
		if f.Detail != "" {
			fmt.Fprintf(stdout, ": %s", f.Detail)
		}
		fmt.Fprintln(stdout)
	}
	return exitOK
}
