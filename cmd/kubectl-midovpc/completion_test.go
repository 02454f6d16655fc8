package main

import (
	"context"
	"strings"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
)

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		got := invoke("completion", shell)
		if got.code != exitOK || !strings.Contains(got.stdout, "kubectl-midovpc completion words") {
			t.Errorf("%s: exit %d, %s%s", shell, got.code, got.stdout, got.stderr)
		}
	}
	if got := invoke("completion", "powershell"); got.code != exitUsage || !strings.Contains(got.stderr, "bash|zsh|fish") {
		t.Errorf("unknown shell: exit %d, %s", got.code, got.stderr)
	}
	commands := invoke("completion", "words").stdout
	for _, want := range []string{"topology\n", "import\n", "version\n", "completion\n", "help\n"} {
		if !strings.Contains(commands, want) {
			t.Errorf("command candidates lack %q:\n%s", want, commands)
		}
	}
	flags := invoke("completion", "words", "topology").stdout
	for _, want := range []string{"--midonet-url\n", "--tenant\n", "--kubeconfig\n", "--o\n"} {
		if !strings.Contains(flags, want) {
			t.Errorf("topology flag candidates lack %q:\n%s", want, flags)
		}
	}
}

// TestTopologyOfOneResource: `topology ID` shows what one resource owns, in any format.
func TestTopologyOfOneResource(t *testing.T) {
	url := startMidoNet(t, sim.Options{})
	c, err := midonet.New(midonet.Config{URL: url, Tenant: midonet.DefaultTenant})
	must(t, err)
	ctx := context.Background()
	_, err = c.CreateRouter(ctx, &midonet.Router{Name: "vr_vpc-0a1b2c3d_2"})
	must(t, err)
	_, err = c.CreateBridge(ctx, &midonet.Bridge{Name: "vb_vpc-0a1b2c3d_subnet-11aa22bb"})
	must(t, err)
	_, err = c.CreateChain(ctx, &midonet.Chain{Name: "sc_subnet-11aa22bb_in"})
	must(t, err)

	got := invoke("topology", "vpc-0a1b2c3d", "--midonet-url", url)
	if got.code != exitOK || !strings.Contains(got.stdout, "vr_vpc-0a1b2c3d_2") || !strings.Contains(got.stdout, "vb_vpc-0a1b2c3d_subnet-11aa22bb") ||
		strings.Contains(got.stdout, "eucart") || strings.Contains(got.stdout, "sc_subnet-11aa22bb_in") {
		t.Errorf("vpc: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	got = invoke("topology", "--midonet-url", url, "-o", "yaml", "subnet-11aa22bb")
	if got.code != exitOK || !strings.Contains(got.stdout, "name: vb_vpc-0a1b2c3d_subnet-11aa22bb") ||
		!strings.Contains(got.stdout, "name: sc_subnet-11aa22bb_in") || strings.Contains(got.stdout, "vr_vpc") {
		t.Errorf("subnet as yaml: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
	got = invoke("topology", "sg-99999999", "--midonet-url", url)
	if got.code != exitError || !strings.Contains(got.stderr, "no MidoNet object of tenant euca_tenant_1 is named after sg-99999999") {
		t.Errorf("unknown id: exit %d, %s", got.code, got.stderr)
	}
}
