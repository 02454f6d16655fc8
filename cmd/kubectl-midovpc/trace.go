package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/midovpc/midovpc/internal/trace"
)

func init() {
	register("trace", command{
		Summary: "walk one packet through MidoNet: where it goes, and which rule or route decides",
		Run:     runTrace,
	})
}

const traceSynopsis = programName + " trace (--midonet-url URL | --snapshot FILE) --from SRC --to DST [--proto tcp|udp|icmp|N] [--dport N] [--sport N] [--icmp-type T --icmp-code C] [--reply] [-o text|json]\n" +
	"       " + programName + " trace (--midonet-url URL | --snapshot FILE) --from SRC --dhcp [-o text|json]\n\n" +
	"  SRC and DST: an instance id (its primary interface), an interface id, a private address\n" +
	"  (VPC/ADDRESS where VPCs overlap, e.g. vpc-0a1b2c3d/10.0.1.11), or an external address\n" +
	"  (a source outside the cloud enters at the gateway uplink).\n" +
	"  --dhcp: the reply MidoNet's DHCP server sends SRC (an interface), out of its port's filter."

// flowFlags are the packet's protocol and ports, shared by trace and reachability.
type flowFlags struct {
	proto              string
	dport, sport       int
	icmpType, icmpCode int
}

func (f *flowFlags) bind(fs *flag.FlagSet, dport int) {
	fs.StringVar(&f.proto, "proto", "tcp", "protocol: tcp, udp, icmp or a number")
	fs.IntVar(&f.dport, "dport", dport, "destination port (tcp, udp)")
	fs.IntVar(&f.sport, "sport", 40000, "source port (tcp, udp)")
	fs.IntVar(&f.icmpType, "icmp-type", 8, "ICMP type (icmp; 8 is echo request)")
	fs.IntVar(&f.icmpCode, "icmp-code", 0, "ICMP code (icmp)")
}

func (f *flowFlags) flow() (trace.Flow, error) {
	fl := trace.Flow{SrcPort: f.sport, DstPort: f.dport, ICMPType: f.icmpType, ICMPCode: f.icmpCode}
	switch strings.ToLower(f.proto) {
	case "tcp":
		fl.Proto = trace.ProtoTCP
	case "udp":
		fl.Proto = trace.ProtoUDP
	case "icmp":
		fl.Proto = trace.ProtoICMP
	default:
		n, err := strconv.Atoi(f.proto)
		if err != nil || n < 0 || n > 255 {
			return fl, fmt.Errorf("--proto %q: want tcp, udp, icmp or a protocol number 0..255", f.proto)
		}
		fl.Proto = n
	}
	if fl.Proto == trace.ProtoTCP || fl.Proto == trace.ProtoUDP {
		if f.dport < 1 || f.dport > 65535 || f.sport < 1 || f.sport > 65535 {
			return fl, fmt.Errorf("--dport %d / --sport %d: ports are 1..65535", f.dport, f.sport)
		}
	}
	if fl.Proto == trace.ProtoICMP && (f.icmpType < 0 || f.icmpType > 255 || f.icmpCode < 0 || f.icmpCode > 255) {
		return fl, fmt.Errorf("--icmp-type %d / --icmp-code %d: want 0..255", f.icmpType, f.icmpCode)
	}
	return fl, nil
}

func runTrace(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("trace", flag.ContinueOnError)
	var src sourceFlags
	src.bind(fs)
	var ff flowFlags
	ff.bind(fs, 80)
	from := fs.String("from", "", "where the packet enters (see above)")
	to := fs.String("to", "", "where it is addressed (see above)")
	reply := fs.Bool("reply", false, "also trace the answer, with the forward packet's connection state")
	dhcp := fs.Bool("dhcp", false, "trace MidoNet's answer to SRC's DHCP request instead (no --to)")
	var output string
	fs.StringVar(&output, "o", "text", "output format: text or json")
	fs.StringVar(&output, "output", "text", "same as -o")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up reading MidoNet after this long")
	if code, done := parseFlags(fs, traceSynopsis, args, stdout, stderr); done {
		return code
	}
	if output != "text" && output != "json" {
		return usageError(fs, stderr, fmt.Errorf("-o %q: want text or json", output))
	}
	switch {
	case *dhcp && (*from == "" || *to != ""):
		return usageError(fs, stderr, errors.New("--dhcp takes --from (an interface) and no --to"))
	case !*dhcp && (*from == "" || *to == ""):
		return usageError(fs, stderr, errors.New("--from and --to are required"))
	}
	flow, err := ff.flow()
	if err != nil {
		return usageError(fs, stderr, err)
	}
	net, code := loadNetwork(fs, &src, *timeout, stderr)
	if net == nil {
		return code
	}
	*from, *to = primaryInterface(fs, net, *from), primaryInterface(fs, net, *to)
	var res *trace.Result
	if *dhcp {
		res, err = net.DHCP(*from)
	} else {
		res, err = net.Trace(*from, *to, flow)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s trace: %v\n", programName, err)
		return exitError
	}
	if *reply && res.Verdict == trace.Delivered {
		if res.Reply, err = net.TraceReply(res); err != nil {
			fmt.Fprintf(stderr, "%s trace: reply: %v\n", programName, err)
		}
	}
	if output == "json" {
		err = res.WriteJSON(stdout)
	} else {
		err = res.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s trace: %v\n", programName, err)
		return exitError
	}
	return exitOK
}

// loadNetwork reads the topology from the source and indexes it for walking; on failure it
// reports and returns the exit code.
func loadNetwork(fs *flag.FlagSet, src *sourceFlags, timeout time.Duration, stderr io.Writer) (*trace.Network, int) {
	ctx, cancel := commandContext(timeout)
	defer cancel()
	snap, err := src.load(ctx)
	if errors.Is(err, errNoSource) {
		return nil, usageError(fs, stderr, err)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s %s: %v\n", programName, fs.Name(), err)
		return nil, exitError
	}
	return trace.NewNetwork(snap), exitOK
}

// primaryInterface turns the id of a primary interface (device index 0), which MidoNet knows
// by its instance id, into that instance id, read from its NetworkInterface through the
// kubeconfig; any other endpoint, or one the cluster cannot tell, is returned as it is.
func primaryInterface(fs *flag.FlagSet, net *trace.Network, spec string) string {
	if !strings.HasPrefix(spec, "eni-") {
		return spec
	}
	for _, i := range net.Interfaces() {
		if i.Name == spec {
			return spec
		}
	}
	ctx, cancel := commandContext(10 * time.Second)
	defer cancel()
	if name, err := interfaceName(ctx, fs, spec); err == nil {
		return name
	}
	return spec
}
