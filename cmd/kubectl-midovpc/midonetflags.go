package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

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
}

func (m *midonetFlags) bind(fs *flag.FlagSet) {
	fs.StringVar(&m.url, "midonet-url", os.Getenv(midonetURLEnv),
		"MidoNet API base, e.g. http://127.0.0.1:8181/midonet-api (default $"+midonetURLEnv+")")
	fs.StringVar(&m.tenant, "tenant", midonet.DefaultTenant, "MidoNet tenant whose topology is read")
	fs.StringVar(&m.tokenFile, "token-file", "", "file holding the X-Auth-Token to send")
	fs.StringVar(&m.caFile, "ca-file", "", "PEM bundle that verifies the API's TLS certificate")
	fs.Float64Var(&m.qps, "qps", 200, "client-side limit of MidoNet requests per second (negative: none)")
}

// errNoURL is a command-line error: the caller prints it with the usage.
var errNoURL = errors.New("--midonet-url is required (or set $" + midonetURLEnv + ")")

// client builds the MidoNet client. A CLI answers an operator: it retries a transient failure
// twice rather than the controller's four times, so that an unreachable MidoNet is reported
// within a second or so, and it reads faster than the controller's 50 requests per second
// (a cloud with a thousand chains needs a few thousand reads).
func (m *midonetFlags) client() (*midonet.Client, error) {
	if m.url == "" {
		return nil, errNoURL
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
