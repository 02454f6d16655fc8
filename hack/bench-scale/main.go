// Command bench-scale is the scale benchmark behind `make bench-scale` (internal/benchscale):
// generated views of N interfaces, the emulator and the manager as separate processes, and
// per phase the time to the ack, the MidoNet requests, the latency bound and the peak RSS.
//
//	bench-scale --manager bin/manager --midonet-sim bin/midonet-sim --sizes 1000,10000 \
//	            [--latency 5ms] [--capacity N] [--concurrency 16] [--profile] [--phases cold,rule-add] [--out FILE]
//	bench-scale --generate N --dir DIR      only write a view of N interfaces and its hosts seed
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/midovpc/midovpc/internal/benchscale"
	"github.com/midovpc/midovpc/internal/viewgen"
)

func main() {
	var (
		cfg                     benchscale.Config
		sizes, managerArgs, out string
		simArgs, phases         string
		seed                    uint64
		generate                int
		dir                     string
	)
	flag.StringVar(&sizes, "sizes", "1000,10000", "comma-separated numbers of interfaces")
	flag.Uint64Var(&seed, "seed", 1, "seed of the generated views")
	flag.DurationVar(&cfg.Latency, "latency", 5*time.Millisecond, "the emulator's --latency")
	flag.IntVar(&cfg.Capacity, "capacity", 0, "the emulator's --capacity (0: not given)")
	flag.IntVar(&cfg.Concurrency, "concurrency", 0, "requests in flight the latency bound assumes (0: the manager's in-flight limit at the ack, 16 when it exports none)")
	flag.StringVar(&cfg.ManagerBin, "manager", "bin/manager", "the manager binary")
	flag.StringVar(&cfg.SimBin, "midonet-sim", "bin/midonet-sim", "the emulator binary")
	flag.StringVar(&cfg.MemoryLimit, "memory-limit", benchscale.Deployed,
		"the manager's --memory-limit: \"deployed\", the soft limit it sets itself in config/manager's container; a quantity; 0 none; \"\" not given")
	flag.StringVar(&managerArgs, "manager-args", "", "extra manager flags, space-separated")
	flag.StringVar(&simArgs, "sim-args", "", "extra emulator flags, space-separated")
	flag.StringVar(&cfg.WorkDir, "work-dir", "bin/bench-scale-runs", "views, logs and profiles, one folder per size")
	flag.DurationVar(&cfg.PhaseTimeout, "phase-timeout", 45*time.Minute, "longest a phase may take")
	flag.BoolVar(&cfg.Profile, "profile", false, "take CPU and heap profiles of the manager and a CPU profile of kube-apiserver (pprof files in the work dir)")
	flag.DurationVar(&cfg.CPUProfile, "cpu-profile", 30*time.Second, "with --profile, how long the CPU profiles (manager, kube-apiserver) from the manager's start run")
	flag.StringVar(&phases, "phases", "", "comma-separated phases to run (default all: "+strings.Join(benchscale.PhaseNames, ",")+"); cold always runs")
	flag.StringVar(&out, "out", "", "also write the report to this file")
	flag.IntVar(&generate, "generate", 0, "only write a view of this many interfaces and its hosts seed into --dir")
	flag.StringVar(&dir, "dir", ".", "with --generate, where to write")
	flag.Parse()

	if generate > 0 {
		shape := viewgen.DefaultShape(generate)
		shape.Seed = seed
		v, err := viewgen.Generate(shape)
		if err == nil {
			err = viewgen.WriteFiles(dir, v, true)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	// The control plane's starter (envtest) logs through controller-runtime; its progress
	// lines say what matters.
	ctrllog.SetLogger(logr.Discard())
	cfg.Seed = seed
	if cfg.MemoryLimit == benchscale.Deployed {
		// Resolved here too, so that the report names the figure.
		soft, err := benchscale.DeployedSoftLimit(cfg.ManagerBin)
		if err != nil {
			fmt.Fprintf(os.Stderr, "--memory-limit deployed: %v\n", err)
			os.Exit(1)
		}
		cfg.MemoryLimit = soft
	}
	cfg.ManagerArgs = strings.Fields(managerArgs)
	cfg.SimArgs = strings.Fields(simArgs)
	for _, ph := range strings.Split(phases, ",") {
		if ph = strings.TrimSpace(ph); ph == "" {
			continue
		}
		if !slices.Contains(benchscale.PhaseNames, ph) {
			fmt.Fprintf(os.Stderr, "--phases: no phase %q (phases: %s)\n", ph, strings.Join(benchscale.PhaseNames, ","))
			os.Exit(2)
		}
		cfg.Phases = append(cfg.Phases, ph)
	}
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "--sizes: %q is not a number of interfaces\n", s)
			os.Exit(2)
		}
		cfg.Sizes = append(cfg.Sizes, n)
	}
	root, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cfg.RepoRoot = root
	cfg.Progress = os.Stderr

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	results, runErr := benchscale.Run(ctx, cfg)
	var w io.Writer = os.Stdout
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer f.Close()
		fmt.Fprintf(f, "%s  bench-scale %s\n", time.Now().UTC().Format(time.RFC3339), strings.Join(os.Args[1:], " "))
		w = io.MultiWriter(os.Stdout, f)
	}
	benchscale.Report(w, cfg, results)
	if runErr != nil {
		// In the report too: a report without the phases that did not finish says why.
		fmt.Fprintf(w, "\nFAILED: %v\n", runErr)
		os.Exit(1)
	}
}
