// Command manager runs the midovpc controllers: it projects the cloud's global network view
// into vpc.midovpc.io resources and reconciles them onto MidoNet.
//
//	manager --midonet-url URL --global-view PATH     against a real MidoNet
//	manager --dev                                     embedded: local control plane, MidoNet emulator, sample view
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.uber.org/zap/zapcore"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/midovpc/midovpc/internal/buildinfo"
)

// options are the manager's command-line flags (ARCHITECTURE.md, command-line contracts).
type options struct {
	midonetURL       string
	midonetTenant    string
	midonetTokenFile string
	midonetCAFile    string
	midonetQPS       float64
	midonetInFlight  int
	midonetTimeout   time.Duration

	globalView   string
	namespace    string
	resyncPeriod time.Duration

	maxConcurrentReconciles int
	metricsAddr             string
	metricsSecure           bool
	metricsCertDir          string
	probeAddr               string
	pprofAddr               string
	leaderElect             bool
	leaderElectionNS        string

	dev           bool
	devKubeconfig string
	devHosts      string

	memoryLimit string
}

func parseFlags(args []string) (*options, *zap.Options, error) {
	o := &options{}
	fs := flag.NewFlagSet("manager", flag.ContinueOnError)
	fs.StringVar(&o.midonetURL, "midonet-url", "", "MidoNet API base URL, e.g. http://127.0.0.1:8181/midonet-api (with --dev and no URL, the embedded emulator)")
	fs.StringVar(&o.midonetTenant, "midonet-tenant", "euca_tenant_1", "MidoNet tenant that owns every object midovpc creates")
	fs.StringVar(&o.midonetTokenFile, "midonet-token-file", "", "file holding the X-Auth-Token for MidoNet; re-read when it changes")
	fs.StringVar(&o.midonetCAFile, "midonet-ca-file", "", "CA bundle to verify MidoNet's TLS certificate")
	fs.Float64Var(&o.midonetQPS, "midonet-qps", 0, "optional hard cap on MidoNet requests per second (0: none; the in-flight limit adapts to MidoNet instead)")
	fs.IntVar(&o.midonetInFlight, "midonet-max-in-flight", 64, "upper bound of the adaptive limit on MidoNet requests in flight")
	fs.DurationVar(&o.midonetTimeout, "midonet-timeout", 5*time.Second, "timeout of one MidoNet request attempt (a stalled attempt is retried when safe)")
	fs.StringVar(&o.globalView, "global-view", "", "path of global_network_info.xml; projection is off without it (except with --dev)")
	fs.StringVar(&o.namespace, "namespace", "eucalyptus-vpc", "namespace of the resources projected from the global view")
	fs.DurationVar(&o.resyncPeriod, "resync-period", 5*time.Minute, "how often the MidoNet index is re-read to find drift")
	fs.IntVar(&o.maxConcurrentReconciles, "max-concurrent-reconciles", 0, "reconciles that may run at once per kind (0: sized from --midonet-max-in-flight)")
	fs.StringVar(&o.metricsAddr, "metrics-bind-address", ":8443", "address of the metrics endpoint (0 turns it off)")
	fs.BoolVar(&o.metricsSecure, "metrics-secure", true, "serve metrics over HTTPS to callers the API server authenticates and authorizes (get on /metrics); false: plain HTTP to anyone")
	fs.StringVar(&o.metricsCertDir, "metrics-cert-dir", "", "folder with tls.crt and tls.key for the metrics endpoint (default: a self-signed certificate made at start)")
	fs.StringVar(&o.probeAddr, "health-probe-bind-address", ":8081", "address of the /healthz and /readyz endpoints")
	fs.StringVar(&o.pprofAddr, "pprof-bind-address", "", "address of net/http/pprof's /debug/pprof/ endpoints, for profiling (off when empty)")
	fs.BoolVar(&o.leaderElect, "leader-elect", false, "elect a leader so that only one replica reconciles")
	fs.StringVar(&o.leaderElectionNS, "leader-election-namespace", "", "namespace of the leader-election lease (default: the pod's)")
	fs.BoolVar(&o.dev, "dev", false, "embedded mode: start a local control plane (and the MidoNet emulator when --midonet-url is empty)")
	fs.StringVar(&o.devKubeconfig, "dev-kubeconfig", "bin/dev/kubeconfig", "with --dev, where to write the kubeconfig of the local control plane")
	fs.StringVar(&o.devHosts, "dev-hosts", "", "with --dev, a hosts file for the emulator (default: hosts made from the view's nodes, gateways and CLC)")
	fs.StringVar(&o.memoryLimit, "memory-limit", "", "soft memory limit of the Go heap, e.g. 450Mi (0: none; default: GOMEMLIMIT, else 90% of the container's memory limit)")
	showVersion := fs.Bool("version", false, "print the version and exit")
	zopts := &zap.Options{Development: false, TimeEncoder: zapcore.ISO8601TimeEncoder}
	zopts.BindFlags(fs)
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	if *showVersion {
		return nil, nil, errVersion
	}
	if o.midonetInFlight < 1 || o.midonetTimeout <= 0 || o.maxConcurrentReconciles < 0 {
		return nil, nil, fmt.Errorf("--midonet-max-in-flight (%d) and --midonet-timeout (%s) must be positive, --max-concurrent-reconciles (%d) not negative",
			o.midonetInFlight, o.midonetTimeout, o.maxConcurrentReconciles)
	}
	if o.maxConcurrentReconciles == 0 {
		o.maxConcurrentReconciles = workersPerKind(o.midonetInFlight)
	}
	if !o.dev && o.midonetURL == "" {
		return nil, nil, fmt.Errorf("--midonet-url is required (or use --dev for the embedded emulator)")
	}
	return o, zopts, nil
}

func main() {
	o, zopts, err := parseFlags(os.Args[1:])
	if errors.Is(err, errVersion) {
		fmt.Println(buildinfo.String("midovpc-manager"))
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(devLogging(o, zopts))))
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	if err := run(ctx, o); err != nil {
		ctrl.Log.Error(err, "manager stopped")
		os.Exit(1)
	}
}

// errVersion is what parseFlags returns for --version.
var errVersion = errors.New("version requested")

// devLogging makes --dev logs readable on a terminal (console encoding, stack traces only
// for panics) at info level: MidoNet requests are logged at debug level, and with both the
// client and the emulator in one process every request would show twice. --zap-log-level=debug
// brings them back; the --zap-* flags given always win.
func devLogging(o *options, zopts *zap.Options) *zap.Options {
	if !o.dev {
		return zopts
	}
	zopts.Development = true
	if zopts.Level == nil {
		zopts.Level = zapcore.InfoLevel
	}
	if zopts.StacktraceLevel == nil {
		zopts.StacktraceLevel = zapcore.DPanicLevel
	}
	return zopts
}

// workersPerKind sizes the reconcilers of each kind from the MidoNet in-flight bound: a
// reconcile keeps a few requests in flight at a time, so half the bound keeps MidoNet busy
// when one kind has all the work (1,000 new interfaces), and never fewer than 4.
func workersPerKind(maxInFlight int) int { return max(4, maxInFlight/2) }
