package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/midovpc/midovpc/internal/maintenance"
)

func init() {
	register("tunnel-zone", command{
		Summary: "create a tunnel zone with its member hosts (tunnel-zone create --name N --type gre|vxlan --hosts ...)",
		Run:     runTunnelZone,
	})
}

const tunnelZoneSynopsis = programName + " tunnel-zone create --name N --type gre|vxlan [--hosts HOST[=IP],...] [--interface DEV] --midonet-url URL [-o text|json]"

func runTunnelZone(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tunnel-zone", flag.ContinueOnError)
	var mf maintenanceFlags
	mf.bind(fs)
	var req maintenance.TunnelZoneRequest
	fs.StringVar(&req.Name, "name", "mido-tz", "name of the tunnel zone")
	fs.StringVar(&req.Type, "type", "gre", "tunnel type: gre or vxlan")
	hosts := fs.String("hosts", "", "comma-separated host names or ids, each optionally HOST=IP (default: every host)")
	fs.StringVar(&req.Interface, "interface", "", "take each host's tunnel address from this interface (eucanetd -T dev)")
	verbs, code, done := parseArgsAnywhere(fs, tunnelZoneSynopsis, args, stdout, stderr)
	if done {
		return code
	}
	if len(verbs) != 1 || verbs[0] != "create" {
		return usageError(fs, stderr, fmt.Errorf("want the verb create, got %q", strings.Join(verbs, " ")))
	}
	if *hosts != "" {
		for _, h := range strings.Split(*hosts, ",") {
			if h = strings.TrimSpace(h); h != "" {
				req.Hosts = append(req.Hosts, h)
			}
		}
	}
	if req.Type != "gre" && req.Type != "vxlan" {
		return usageError(fs, stderr, fmt.Errorf("--type %q: want gre or vxlan", req.Type))
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
	plan, err := maintenance.PlanTunnelZone(st, req)
	if err != nil {
		fmt.Fprintf(stderr, "%s tunnel-zone: %v\n", programName, err)
		return exitError
	}
	res, err := maintenance.CreateTunnelZone(s.ctx, s.client, plan)
	if err != nil {
		return s.fail(err)
	}
	if s.json() {
		if err := writeJSON(stdout, res); err != nil {
			return s.fail(err)
		}
		return exitOK
	}
	verb := "exists"
	if res.Created {
		verb = "created"
	}
	fmt.Fprintf(stdout, "tunnel zone %s (%s) %s: %s\n", res.Name, res.Type, verb, res.ID)
	for _, m := range res.Members {
		state := "member"
		if m.Added {
			state = "added"
		}
		fmt.Fprintf(stdout, "  %-6s %s %s\n", state, m.Host, m.Address)
	}
	return exitOK
}
