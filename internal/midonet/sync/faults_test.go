package sync_test

import (
	"testing"
	"time"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
)

// Under injected failures — 503 before or AFTER the write was applied, dropped connections,
// requests applied and never answered — repeated syncs converge to exactly the desired
// topology: deterministic ids make every lost create find itself again, and a failed write
// makes the next sync re-read just that container.
func TestSyncConvergesUnderFaultsWithoutDuplicates(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		// Two attempts per request only, so that many syncs fail part-way and the engine, not
		// just the client's retries, has to recover.
		e := newEnv(t, sim.Options{}, func(c *midonet.Config) {
			c.Timeout = 250 * time.Millisecond
			c.Retry.Attempts = 2
		})
		e.sim.Server.SetFaults(0, 0, 0.3, seed)
		f := smallTopology()
		var owned []string
		attempts := 0
		for {
			attempts++
			res, err := e.eng.Sync(e.ctx, &f, owned)
			if res != nil {
				owned = res.Owned
			}
			if err == nil {
				break
			}
			if attempts == 60 {
				t.Fatalf("seed %d: no convergence after %d syncs: %v", seed, attempts, err)
			}
		}
		e.sim.Server.SetFaults(0, 0, 0, 0)
		t.Logf("seed %d: converged after %d syncs", seed, attempts)

		c, ctx := e.raw, e.ctx
		routers, _ := c.ListRouters(ctx, tenant)
		bridges, _ := c.ListBridges(ctx, tenant)
		chains, _ := c.ListChains(ctx, tenant)
		if len(routers) != 1 || len(bridges) != 1 || len(chains) != len(f.Chains) {
			t.Fatalf("seed %d: %d routers, %d bridges, %d chains", seed, len(routers), len(bridges), len(chains))
		}
		for _, ch := range f.Chains {
			if n := len(e.chainRules(ch.Name)); n != len(ch.Rules) {
				t.Errorf("seed %d: chain %s has %d rules, want %d", seed, ch.Name, n, len(ch.Rules))
			}
		}
		ports, _ := c.ListBridgePorts(ctx, bridges[0].ID)
		rports, _ := c.ListRouterPorts(ctx, routers[0].ID)
		if len(ports) != 2 || len(rports) != 1 {
			t.Errorf("seed %d: %d bridge ports, %d router ports", seed, len(ports), len(rports))
		}
		routes, _ := c.ListRoutes(ctx, routers[0].ID)
		normal := 0
		for _, r := range routes {
			if r.Type == midonet.RouteTypeNormal {
				normal++
			}
		}
		arp, _ := c.ListARPEntries(ctx, bridges[0].ID)
		macs, _ := c.ListMACEntries(ctx, bridges[0].ID)
		hosts, _ := c.ListDHCPHosts(ctx, bridges[0].ID, "10.0.1.0/24")
		if normal != 1 || len(arp) != 2 || len(macs) != 1 || len(hosts) != 1 {
			t.Errorf("seed %d: %d routes, %d ARP, %d MAC, %d DHCP hosts", seed, normal, len(arp), len(macs), len(hosts))
		}

		// The engine's picture agrees with MidoNet: a restarted manager has nothing to do.
		e.reload()
		e.reset()
		if res := e.sync(f, owned); res.Writes != 0 {
			t.Errorf("seed %d: %d writes after convergence:%s", seed, res.Writes, describe(e.writes()))
		}
	}
}
