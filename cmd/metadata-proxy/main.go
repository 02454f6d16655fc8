// Command metadata-proxy is the host side of the instance metadata path, run on the metadata
// host beside the manager: it keeps the veth pair eucamd_mido ↔ eucamd_host (and the
// namespace eucamd), serves metadata on 169.254.169.254:80 to the interfaces the
// NetworkInterface resources name, and forwards DNS on 169.254.169.253:53.
//
//	metadata-proxy [--kubeconfig F] [--namespace eucalyptus-vpc] [--netns eucamd | --netns ""]
//	    [--veth-host eucamd_host] [--veth-mido eucamd_mido] [--upstream URL]
//	    [--dns-upstream ADDR:PORT] [--intip-map FILE] [--metrics-bind-address ADDR] [--cleanup]
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	"github.com/vishvananda/netns"
	"go.uber.org/zap/zapcore"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/midovpc/midovpc/internal/metadata"
	"github.com/midovpc/midovpc/internal/metadata/hostside"
	"github.com/midovpc/midovpc/internal/metadata/mapping"
	"github.com/midovpc/midovpc/internal/metadata/proxy"
)

// options are the command-line flags; their names are part of the deployment contract.
type options struct {
	kubeconfig   string
	namespace    string
	netns        string
	vethHost     string
	vethMido     string
	upstream     *url.URL
	dnsUpstream  string
	intipMap     string
	metricsAddr  string
	repairPeriod time.Duration
	cleanup      bool
}

func parseFlags(args []string) (*options, *zap.Options, error) {
	o := &options{}
	var upstream string
	fs := flag.NewFlagSet("metadata-proxy", flag.ContinueOnError)
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "kubeconfig file; default: in-cluster, else $KUBECONFIG or ~/.kube/config")
	fs.StringVar(&o.namespace, "namespace", "eucalyptus-vpc", "namespace of the NetworkInterface and Subnet resources")
	fs.StringVar(&o.netns, "netns", "eucamd", `network namespace that holds the host end of the veth and the services; "" keeps them in the host's namespace`)
	fs.StringVar(&o.vethHost, "veth-host", "eucamd_host", "host end of the veth pair (holds 169.254.169.254/29 and 169.254.169.253/32)")
	fs.StringVar(&o.vethMido, "veth-mido", "eucamd_mido", "MidoNet end of the veth pair (eucamdrt's external port is bound to it)")
	fs.StringVar(&upstream, "upstream", "", "metadata service to forward to, e.g. http://10.111.5.11:8773; default: the CoreNetwork's enabledCLCIP on port 8773")
	fs.StringVar(&o.dnsUpstream, "dns-upstream", "", "DNS server ADDR:PORT for queries to 169.254.169.253; default: the CoreNetwork's instanceDNSServers on port 53")
	fs.StringVar(&o.intipMap, "intip-map", "", "also write the eucanetd_intip_eni_map file here (lines <mdIP> <if> <vpc> <subnet>)")
	fs.StringVar(&o.metricsAddr, "metrics-bind-address", ":8082", "address of /metrics, /healthz and /readyz (0 turns it off)")
	fs.DurationVar(&o.repairPeriod, "repair-period", 30*time.Second, "how often the host side is checked, besides netlink notifications")
	fs.BoolVar(&o.cleanup, "cleanup", false, "remove the veth pair, the namespace and the map file, then exit")
	zo := &zap.Options{Development: false, TimeEncoder: zapcore.RFC3339TimeEncoder}
	zo.BindFlags(fs)
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	if fs.NArg() > 0 {
		return nil, nil, fmt.Errorf("unexpected arguments %v", fs.Args())
	}
	if upstream != "" {
		u, err := proxy.ParseUpstream(upstream)
		if err != nil {
			return nil, nil, fmt.Errorf("--upstream: %w", err)
		}
		o.upstream = u
	}
	if o.dnsUpstream != "" {
		host, port, err := net.SplitHostPort(o.dnsUpstream)
		if _, perr := netip.ParseAddr(host); err != nil || perr != nil || port == "" {
			return nil, nil, fmt.Errorf("--dns-upstream %q: want ADDR:PORT with an IP address, e.g. 10.111.1.53:53", o.dnsUpstream)
		}
	}
	if o.repairPeriod <= 0 {
		return nil, nil, fmt.Errorf("--repair-period %s: must be positive", o.repairPeriod)
	}
	return o, zo, nil
}

func main() {
	o, zo, err := parseFlags(os.Args[1:])
	if err == flag.ErrHelp {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "metadata-proxy:", err)
		os.Exit(2)
	}
	log := zap.New(zap.UseFlagOptions(zo)).WithName("metadata-proxy")
	hostCfg := hostside.Config{Netns: o.netns, VethHost: o.vethHost, VethMido: o.vethMido, Base: netns.None()}

	if o.cleanup {
		removed, err := metadata.Cleanup(hostCfg, o.intipMap)
		for _, r := range removed {
			fmt.Println("removed", r)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "metadata-proxy --cleanup:", err)
			os.Exit(1)
		}
		return
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o, hostCfg, log); err != nil {
		log.Error(err, "metadata-proxy stopped")
		os.Exit(1)
	}
}

func run(ctx context.Context, o *options, hostCfg hostside.Config, log logr.Logger) error {
	cfg, err := restConfig(o.kubeconfig)
	if err != nil {
		return err
	}
	table := &mapping.Table{}
	w, err := mapping.NewWatcher(cfg, o.namespace, table)
	if err != nil {
		return err
	}
	w.IntipMap = o.intipMap
	w.Log = log.WithName("mapping")
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	watchErr := make(chan error, 1)
	go func() {
		err := w.Run(ctx)
		watchErr <- err
		if err != nil {
			cancel() // serving from a mapping nobody updates would be wrong
		}
	}()
	err = metadata.Run(ctx, metadata.Options{
		Host:         hostCfg,
		Interfaces:   table,
		Cloud:        w.Cloud,
		Synced:       w.Synced,
		Upstream:     o.upstream,
		DNSUpstream:  o.dnsUpstream,
		MetricsAddr:  o.metricsAddr,
		RepairPeriod: o.repairPeriod,
		Log:          log,
	})
	cancel()
	if werr := <-watchErr; err == nil && werr != nil {
		err = fmt.Errorf("watch interfaces: %w", werr)
	}
	return err
}

// restConfig loads --kubeconfig, else the in-cluster configuration, else $KUBECONFIG or
// ~/.kube/config.
func restConfig(path string) (*rest.Config, error) {
	if path != "" {
		return clientcmd.BuildConfigFromFlags("", path)
	}
	if cfg, err := rest.InClusterConfig(); err == nil {
		return cfg, nil
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("no Kubernetes configuration (give --kubeconfig): %w", err)
	}
	return cfg, nil
}
