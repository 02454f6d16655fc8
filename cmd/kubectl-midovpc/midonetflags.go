package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"

	"github.com/midovpc/midovpc/internal/endpoint"
	"github.com/midovpc/midovpc/internal/midonet"
)

// midonetURLEnv, when set, is the default of --midonet-url, so that `kubectl midovpc` needs no
// flag in a shell set up for one cloud.
const midonetURLEnv = "MIDOVPC_MIDONET_URL"

// midonetFlags are the flags of every subcommand that talks to MidoNet, named as the manager's
// (ARCHITECTURE.md, command-line contracts) without its "midonet-" prefix where the context
// makes it plain.
type midonetFlags struct {
	url, tenant, tokenFile, caFile string
	qps                            float64
	// Where to find the manager's published endpoint when --midonet-url is not given; the
	// kubeconfig is the command's --kubeconfig when it has one (flush, plan, topology).
	managerNamespace string
	fs               *flag.FlagSet
}

func (m *midonetFlags) bind(fs *flag.FlagSet) {
	fs.StringVar(&m.url, "midonet-url", os.Getenv(midonetURLEnv),
		"MidoNet API base, e.g. http://127.0.0.1:8181/midonet-api (default $"+midonetURLEnv+", else the one the manager publishes)")
	fs.StringVar(&m.tenant, "tenant", "", "MidoNet tenant whose topology is read (default: the manager's, else "+midonet.DefaultTenant+")")
	m.fs = fs
	fs.StringVar(&m.managerNamespace, "manager-namespace", endpoint.DefaultNamespace, "namespace of the midovpc manager, whose ConfigMap "+endpoint.ConfigMapName+" names its MidoNet")
	fs.StringVar(&m.tokenFile, "token-file", "", "file holding the X-Auth-Token to send")
	fs.StringVar(&m.caFile, "ca-file", "", "PEM bundle that verifies the API's TLS certificate")
	fs.Float64Var(&m.qps, "qps", 200, "client-side limit of MidoNet requests per second (negative: none)")
}

// errNoURL is a command-line error: the caller prints it with the usage.
var errNoURL = errors.New("--midonet-url is required (or set $" + midonetURLEnv + ")")

// discover fills in the URL and tenant the manager published, read through the kubeconfig,
// for what the command line left out.
func (m *midonetFlags) discover() error {
	cfg, err := loadKubeconfig(kubeconfigFlag(m.fs))
	if err != nil {
		return fmt.Errorf("%w; no kubeconfig to find the manager's endpoint with: %v", errNoURL, err)
	}
	cfg.Timeout = 10 * time.Second
	cs, err := corev1client.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("%w; kubeconfig: %v", errNoURL, err)
	}
	e, err := endpoint.Read(context.Background(), cs, m.managerNamespace)
	if err != nil {
		return fmt.Errorf("%w; the manager's endpoint is not readable at %s: %v", errNoURL, cfg.Host, err)
	}
	m.url = e.URL
	if m.tenant == "" {
		m.tenant = e.Tenant
	}
	return nil
}

// client builds the MidoNet client. A CLI answers an operator: it retries a transient failure
// twice rather than the controller's four times, so that an unreachable MidoNet is reported
// within a second or so, and it reads faster than the controller's 50 requests per second
// (a cloud with a thousand chains needs a few thousand reads).
func (m *midonetFlags) client() (*midonet.Client, error) {
	if m.url == "" {
		if err := m.discover(); err != nil {
			return nil, err
		}
	}
	if m.tenant == "" {
		m.tenant = midonet.DefaultTenant
	}
	c, err := midonet.New(midonet.Config{
		URL: m.url, Tenant: m.tenant, TokenFile: m.tokenFile, CAFile: m.caFile,
		QPS: m.qps, Burst: max(1, int(m.qps)),
		Retry:     midonet.RetryConfig{Attempts: 3},
		UserAgent: programName,
	})
	if err != nil {
		return nil, fmt.Errorf("configure the MidoNet client: %w", err)
	}
	return c, nil
}

// clientFor builds the client for the command fs parses; when ok is false, code is the exit
// code and the reason is printed: a missing URL is a command-line error, shown with the usage.
func (m *midonetFlags) clientFor(fs *flag.FlagSet, stderr io.Writer) (c *midonet.Client, code int, ok bool) {
	c, err := m.client()
	if errors.Is(err, errNoURL) {
		return nil, usageError(fs, stderr, err), false
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s %s: %v\n", programName, fs.Name(), err)
		return nil, exitError, false
	}
	return c, exitOK, true
}

// commandContext is a command's context with MidoNet: it ends on Ctrl-C or after timeout,
// whichever comes first.
func commandContext(timeout time.Duration) (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	return ctx, func() { cancel(); stop() }
}

// explain turns a MidoNet failure into a sentence an operator can act on.
func (m *midonetFlags) explain(err error) string {
	var transport *midonet.TransportError
	switch {
	case errors.As(err, &transport):
		return fmt.Sprintf("cannot reach MidoNet at %s (is the API up, and --midonet-url right?): %v", m.url, err)
	case midonet.IsUnauthorized(err):
		return fmt.Sprintf("MidoNet at %s rejected the request as unauthorized (check --token-file): %v", m.url, err)
	case midonet.IsNotFound(err):
		return fmt.Sprintf("MidoNet at %s answered 404 (does --midonet-url end in /midonet-api?): %v", m.url, err)
	}
	return err.Error()
}
