package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/midovpc/midovpc/internal/maintenance"
)

func init() {
	register("gateways", command{
		Summary: "show the core router's uplinks: port, binding, host alive, BGP peers and networks",
		Run:     runGateways,
	})
}

const gatewaysSynopsis = programName + " gateways --midonet-url URL|--snapshot FILE [--tenant T] [-o text|json]"

func runGateways(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gateways", flag.ContinueOnError)
	var mf maintenanceFlags
	mf.bind(fs)
	mf.bindSnapshot(fs)
	if code, done := parseFlags(fs, gatewaysSynopsis, args, stdout, stderr); done {
		return code
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
	g, err := maintenance.ListGateways(st)
	if err != nil {
		return s.fail(err)
	}
	if s.json() {
		if err := writeJSON(stdout, g); err != nil {
			return s.fail(err)
		}
		return exitOK
	}
	as := ""
	if g.ASNumber != 0 {
		as = fmt.Sprintf(" as %d", g.ASNumber)
	}
	fmt.Fprintf(stdout, "%s%s: %d uplinks\n", g.Router, as, len(g.Uplinks))
	for _, u := range g.Uplinks {
		fmt.Fprintf(stdout, "  %s %s\n", u.Address, u.MAC)
		switch {
		case !u.Bound:
			fmt.Fprintf(stdout, "    binding: none (no traffic leaves here)\n")
		default:
			fmt.Fprintf(stdout, "    binding: %s:%s, host %s%s\n", u.Host, u.Interface, aliveWord(u.HostAlive), missingIf(u.InterfaceFound))
		}
		if !u.InPortGroup {
			fmt.Fprintf(stdout, "    not in eucapg\n")
		}
		if u.BgpStatus != "" {
			fmt.Fprintf(stdout, "    bgp status: %s\n", u.BgpStatus)
		}
		for _, r := range u.Routes {
			fmt.Fprintf(stdout, "    %s\n", strings.TrimSuffix(r, " on "+g.Router))
		}
	}
	if len(g.BgpPeers) == 0 {
		fmt.Fprintf(stdout, "bgp: no peers (static gateways)\n")
	}
	for _, p := range g.BgpPeers {
		fmt.Fprintf(stdout, "bgp peer %s as %d\n", p.Address, p.ASNumber)
	}
	for _, n := range g.BgpNetworks {
		fmt.Fprintf(stdout, "bgp network %s\n", n)
	}
	return exitOK
}

func aliveWord(alive bool) string {
	if alive {
		return "alive"
	}
	return "DOWN"
}

func missingIf(found bool) string {
	if found {
		return ""
	}
	return ", interface not on the host"
}
