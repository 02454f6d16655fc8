// Command midonet-sim serves the in-memory MidoNet 5 API emulator (internal/midonet/sim) at
// /midonet-api, for `make run`, manual testing and clients that are not ours.
//
//	midonet-sim --listen 127.0.0.1:8181 [--hosts FILE] [--latency 2ms] [--jitter 1ms]
//	            [--fail-rate 0.1] [--seed N] [--capacity N [--queue N]] [--state FILE] [--token T]
//	            [--pprof-bind-address 127.0.0.1:6061] [-v]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/go-logr/logr"

	"github.com/midovpc/midovpc/internal/midonet/sim"
)

type config struct {
	listen   string
	hosts    string
	state    string
	token    string
	latency  time.Duration
	jitter   time.Duration
	failRate float64
	seed     int64
	capacity int
	queue    int
	pprof    string
	verbose  bool
}

func main() {
	var cfg config
	flag.StringVar(&cfg.listen, "listen", "127.0.0.1:8181", "address to serve the API on (under /midonet-api)")
	flag.StringVar(&cfg.hosts, "hosts", "", "YAML or JSON file seeding hosts, interfaces and tunnel zones")
	flag.StringVar(&cfg.state, "state", "", "snapshot file: loaded at start if it exists, saved on shutdown")
	flag.StringVar(&cfg.token, "token", "", "strict auth: require this X-Auth-Token on every request (default: MidoNet's mock auth)")
	flag.DurationVar(&cfg.latency, "latency", 0, "latency added to every request")
	flag.DurationVar(&cfg.jitter, "jitter", 0, "random extra latency, uniform in [0, jitter]")
	flag.Float64Var(&cfg.failRate, "fail-rate", 0, "probability (0..1) that a request fails (503, dropped, or applied then 503/stalled)")
	flag.Int64Var(&cfg.seed, "seed", 1, "seed of the jitter and failure sequence")
	flag.IntVar(&cfg.capacity, "capacity", 0, "requests served at once, each for --latency; the rest queue, so latency grows with load (0: no limit)")
	flag.IntVar(&cfg.queue, "queue", 0, "with --capacity, requests that may wait; more are answered 503 (0: unbounded)")
	flag.StringVar(&cfg.pprof, "pprof-bind-address", "", "serve Go's /debug/pprof on this address (profiling the emulator itself; off when empty)")
	flag.BoolVar(&cfg.verbose, "v", false, "log every request")
	flag.Parse()

	level := slog.LevelInfo
	if cfg.verbose {
		level = slog.LevelDebug
	}
	// logr's V(1) is slog level -1; show every level below Info as DEBUG.
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if lv, isLevel := a.Value.Any().(slog.Level); isLevel && a.Key == slog.LevelKey && lv < slog.LevelInfo {
			a.Value = slog.StringValue("DEBUG")
		}
		return a
	}}
	log := logr.FromSlogHandler(slog.NewTextHandler(os.Stderr, opts))
	if err := run(cfg, log); err != nil {
		log.Error(err, "midonet-sim failed")
		os.Exit(1)
	}
}

func run(cfg config, log logr.Logger) error {
	if cfg.capacity < 0 || cfg.queue < 0 {
		return fmt.Errorf("--capacity %d and --queue %d must not be negative", cfg.capacity, cfg.queue)
	}
	if cfg.failRate < 0 || cfg.failRate > 1 {
		return fmt.Errorf("--fail-rate %v is not in 0..1", cfg.failRate)
	}
	srv := sim.New(sim.Options{
		Latency: cfg.latency, Jitter: cfg.jitter, FailRate: cfg.failRate, Seed: cfg.seed,
		Token: cfg.token, Logger: log, Capacity: cfg.capacity, QueueLimit: cfg.queue,
	})
	if cfg.state != "" {
		switch err := srv.Load(cfg.state); {
		case err == nil:
			log.Info("loaded state", "file", cfg.state)
		case errors.Is(err, os.ErrNotExist):
			log.Info("no state yet, starting empty", "file", cfg.state)
		default:
			return err
		}
	}
	if cfg.hosts != "" {
		seed, err := sim.LoadSeed(cfg.hosts)
		if err != nil {
			return err
		}
		if err := srv.ApplySeed(seed); err != nil {
			return fmt.Errorf("seed hosts from %s: %w", cfg.hosts, err)
		}
		log.Info("seeded", "file", cfg.hosts, "hosts", len(seed.Hosts), "tunnelZones", len(seed.TunnelZones))
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if cfg.pprof != "" {
		closePprof, err := servePprof(cfg.pprof)
		if err != nil {
			return err
		}
		defer closePprof()
		log.Info("serving pprof", "addr", cfg.pprof)
	}
	running, err := sim.ListenHandler(cfg.listen, srv, countRequests(srv))
	if err != nil {
		return err
	}
	log.Info("serving MidoNet API", "url", running.URL, "latency", cfg.latency, "jitter", cfg.jitter, "failRate", cfg.failRate, "seed", cfg.seed,
		"capacity", cfg.capacity, "queue", cfg.queue)
	<-ctx.Done()
	log.Info("shutting down")

	if err := running.Close(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	if cfg.state != "" {
		if err := srv.Save(cfg.state); err != nil {
			return err
		}
		log.Info("saved state", "file", cfg.state)
	}
	return nil
}
