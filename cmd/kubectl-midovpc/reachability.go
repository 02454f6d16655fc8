package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"time"
)

func init() {
	register("reachability", command{
		Summary: "which interfaces (and the internet) reach which, from the same walk as trace",
		Run:     runReachability,
	})
}

const reachabilitySynopsis = programName + " reachability (--midonet-url URL | --snapshot FILE) [--vpc V] [--proto P --dport N] [--external ADDR] [--internet ADDR] [-o text|json]"

func runReachability(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("reachability", flag.ContinueOnError)
	var src sourceFlags
	src.bind(fs)
	var ff flowFlags
	ff.bind(fs, 22)
	vpc := fs.String("vpc", "", "only the interfaces of this VPC (e.g. vpc-0a1b2c3d)")
	external := fs.String("external", "203.0.113.1", "the internet's source address, sent to each elastic IP")
	internet := fs.String("internet", "8.8.8.8", "the internet's destination address, sent from each interface")
	var output string
	fs.StringVar(&output, "o", "text", "output format: text or json")
	fs.StringVar(&output, "output", "text", "same as -o")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up reading MidoNet after this long")
	if code, done := parseFlags(fs, reachabilitySynopsis, args, stdout, stderr); done {
		return code
	}
	if output != "text" && output != "json" {
		return usageError(fs, stderr, fmt.Errorf("-o %q: want text or json", output))
	}
	flow, err := ff.flow()
	if err != nil {
		return usageError(fs, stderr, err)
	}
	ext, err1 := netip.ParseAddr(*external)
	inet, err2 := netip.ParseAddr(*internet)
	if err1 != nil || err2 != nil || !ext.Is4() || !inet.Is4() {
		return usageError(fs, stderr, fmt.Errorf("--external %q and --internet %q must be IPv4 addresses", *external, *internet))
	}
	net, code := loadNetwork(fs, &src, *timeout, stderr)
	if net == nil {
		return code
	}
	m := net.Reachability(*vpc, flow, ext, inet)
	if len(m.Names) == 1 {
		fmt.Fprintf(stderr, "%s reachability: no interface in %s%s\n", programName, src.describe(), map[bool]string{true: " of " + *vpc}[*vpc != ""])
		return exitError
	}
	if output == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(m)
	} else {
		err = m.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s reachability: %v\n", programName, err)
		return exitError
	}
	return exitOK
}
