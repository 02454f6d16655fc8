package benchscale

import (
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Report writes the results as plain-text tables: one per size (a row per phase), then the
// per-interface figures of every size side by side.
func Report(w io.Writer, cfg Config, sizes []Size) {
	conc := "the manager's in-flight limit at the ack (16 when it exports none)"
	if cfg.Concurrency > 0 {
		conc = fmt.Sprint(cfg.Concurrency)
	}
	fmt.Fprintf(w, "emulator latency %s, capacity %s; latency bound = ⌈minimum writes / concurrency⌉ × latency, concurrency: %s\n",
		cfg.Latency, capacityString(cfg.Capacity), conc)
	if cfg.MemoryLimit != "" {
		fmt.Fprintf(w, "manager --memory-limit=%s%s%s\n", cfg.MemoryLimit, inMiB(cfg.MemoryLimit), deployedNote(cfg.MemoryLimit, cfg.ManagerBin))
	}
	if len(cfg.ManagerArgs) > 0 {
		fmt.Fprintf(w, "manager flags: %s\n", strings.Join(cfg.ManagerArgs, " "))
	}
	for _, s := range sizes {
		sh := s.Shape
		fmt.Fprintf(w, "\n%d interfaces: %d VPCs × %d subnets, %d security groups × %d rules, %d elastic IPs, %d nodes; view %.1f MB\n",
			s.Interfaces, sh.VPCs, sh.SubnetsPerVPC, sh.SecurityGroups, sh.RulesPerGroup, sh.ElasticIPs, sh.Nodes, float64(s.ViewBytes)/1e6)
		fmt.Fprintf(w, "manager's soft memory limit: %s\n", memoryLimitString(s.MemoryLimit))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "phase\ts to ack\tcreates\tupdates\tdeletes\treads\tAPI writes\tmin writes\tconcurrency\tbound s\tratio\tup s\tfirst write\tmean in flight\tfailed\tafter ack\tpeak RSS MiB\tCPU s mgr/cp/sim\t")
		for _, p := range s.Phases {
			bound := p.LatencyBound(cfg.Latency, cfg.Concurrency)
			fmt.Fprintf(tw, "%s\t%.2f\t%d\t%d\t%d\t%d\t%d\t%d\t%.0f\t%.2f\t%s\t%s\t%s\t%.1f\t%d\t%s\t%d\t%s\t\n",
				p.Name, p.Seconds, p.Requests.Creates, p.Requests.Updates, p.Requests.Deletes, p.Requests.Reads,
				p.APIWrites, p.MinWrites, p.Concurrency(cfg.Concurrency), bound, ratio(p.Seconds, bound), upString(p.Up), firstWrite(p.FirstWrite), p.MeanInFlight(),
				p.Requests.Failed(), trailing(p), p.PeakRSSKiB/1024, cpuString(p.CPU))
		}
		tw.Flush()
		for _, p := range s.Phases {
			if p.Name == "cold" || strings.HasPrefix(p.Name, "restart") {
				fmt.Fprintln(w, cpuFloor(p, runtime.NumCPU()))
			}
		}
	}
	if len(sizes) == 0 {
		return
	}
	fmt.Fprintln(w, "\nper interface")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "interfaces\tcold ms\tcold writes\tcold reads\tcold CPU ms\tmanager ms\tof it GC ms\tcontrol plane ms\temulator ms\trestart ms\tadopt ms\tpeak RSS KiB\t")
	for _, s := range sizes {
		cold, restart, adopt, rss := phase(s, "cold"), phase(s, "restart"), phase(s, "restart-adopt"), int64(0)
		for _, p := range s.Phases {
			rss = max(rss, p.PeakRSSKiB)
		}
		n := float64(s.Interfaces)
		c := cold.CPU
		gc := "-"
		if cold.ManagerGC >= 0 {
			gc = fmt.Sprintf("%.2f", cold.ManagerGC*1000/n)
		}
		fmt.Fprintf(tw, "%d\t%.2f\t%.1f\t%.1f\t%.2f\t%.2f\t%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.0f\t\n", s.Interfaces, cold.Seconds*1000/n,
			float64(cold.Requests.Writes())/n, float64(cold.Requests.Reads)/n, (c.Manager+c.ControlPlane+c.Emulator)*1000/n,
			c.Manager*1000/n, gc, c.ControlPlane*1000/n, c.Emulator*1000/n,
			restart.Seconds*1000/n, adopt.Seconds*1000/n, float64(rss)/n)
	}
	tw.Flush()
}

// cpuString is a phase's CPU seconds: manager / control plane / emulator.
func cpuString(c CPUTimes) string {
	return fmt.Sprintf("%.1f/%.1f/%.1f", c.Manager, c.ControlPlane, c.Emulator)
}

// cpuFloor says how long a phase must take on this machine for the CPU it used alone: its
// processes share the machine's cores, so no phase ends sooner than their CPU time over the
// cores, and the control plane's share is a floor the manager cannot lower.
func cpuFloor(p Phase, cores int) string {
	all := p.CPU.Manager + p.CPU.ControlPlane + p.CPU.Emulator
	line := fmt.Sprintf("%s: %.1f s of CPU on %d cores, at least %.1f s; the control plane's %.1f s alone (serving the manager), at least %.1f s",
		p.Name, all, cores, all/float64(cores), p.CPU.ControlPlane, p.CPU.ControlPlane/float64(cores))
	if p.ControlPlaneUp > 0 {
		line += fmt.Sprintf("; the fresh control plane started in %.1f s before the manager", p.ControlPlaneUp.Seconds())
	}
	return line
}

func phase(s Size, name string) Phase {
	for _, p := range s.Phases {
		if p.Name == name {
			return p
		}
	}
	return Phase{}
}

// memoryLimitString is the limit the manager logged.
func memoryLimitString(logged string) string {
	if logged == "" {
		return "not logged"
	}
	return logged
}

// deployedNote says when limit is the one the manager sets itself in config/manager's container.
func deployedNote(limit, managerBin string) string {
	if d, err := DeployedSoftLimit(managerBin); err == nil && d == limit {
		return fmt.Sprintf(" (as deployed: what it sets itself in config/manager's %dMi container)", DeployedContainerMemory>>20)
	}
	return ""
}

// inMiB shows a limit given in bytes in MiB too.
func inMiB(limit string) string {
	if n, err := strconv.ParseInt(limit, 10, 64); err == nil && n >= 1<<20 {
		return fmt.Sprintf(" (%.1f MiB)", float64(n)/(1<<20))
	}
	return ""
}

func capacityString(c int) string {
	if c <= 0 {
		return "unlimited"
	}
	return fmt.Sprint(c)
}

func ratio(seconds, bound float64) string {
	if bound <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", seconds/bound)
}

func upString(d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", d.Seconds())
}

func firstWrite(d time.Duration) string {
	if d < 0 {
		return "-"
	}
	return fmt.Sprintf("%dms", d.Milliseconds())
}

// trailing summarises the requests after the ack: writes/reads, and within how long of the
// ack the last came ("+" when MidoNet was still busy when the benchmark stopped waiting).
func trailing(p Phase) string {
	c := p.Trailing
	if c.Requests == 0 {
		return "0"
	}
	busy := ""
	if p.StillBusy {
		busy = "+"
	}
	return fmt.Sprintf("%dw/%dr in %.1fs%s", c.Writes(), c.Reads, p.QuietAfter.Seconds(), busy)
}
