package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/midovpc/midovpc/internal/maintenance"
)

func init() {
	register("flush", command{
		Summary: "delete midovpc's MidoNet objects: --dynamic (the VPCs) or --all (also core and metadata)",
		Run:     runFlush,
	})
}

const flushSynopsis = programName + " flush --dynamic|--all --midonet-url URL [--tenant T] [--yes] [--force] [--kubeconfig F] [--lease-namespace NS] [-o text|json]"

// leaderLeaseName is the manager's leader-election lease (cmd/manager: LeaderElectionID).
const leaderLeaseName = "midovpc-manager.vpc.midovpc.io"

func runFlush(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("flush", flag.ContinueOnError)
	var mf maintenanceFlags
	mf.bind(fs)
	dynamic := fs.Bool("dynamic", false, "delete the VPCs' routers, bridges, chains, groups and NAT gateways; keep core and metadata")
	all := fs.Bool("all", false, "delete every object midovpc owns, core (eucart, eucabr, ...) and metadata (eucamdrt, eucamdbr) included")
	yes := fs.Bool("yes", false, "delete; without it, only print what would be deleted")
	force := fs.Bool("force", false, "flush even while a manager holds the leader lease (it will rebuild what is deleted)")
	kubeconfig := fs.String("kubeconfig", "", "kubeconfig of the cluster the manager runs in (default $KUBECONFIG or ~/.kube/config)")
	leaseNS := fs.String("lease-namespace", "midovpc-system", "namespace of the manager's leader-election lease")
	if code, done := parseFlags(fs, flushSynopsis, args, stdout, stderr); done {
		return code
	}
	if *dynamic == *all {
		return usageError(fs, stderr, errors.New("give exactly one of --dynamic and --all"))
	}
	scope := maintenance.FlushDynamic
	if *all {
		scope = maintenance.FlushAll
	}
	s, code, ok := mf.open(fs, stderr)
	if !ok {
		return code
	}
	defer s.cancel()

	lease, err := leaderHolder(s.ctx, *kubeconfig, *leaseNS)
	var note string
	switch {
	case err != nil:
		note = fmt.Sprintf("the manager's leader lease was not checked (%v)", err)
	case lease != "" && !*force:
		fmt.Fprintf(stderr, "%s flush: a manager (%s) holds the leader lease %s/%s and would rebuild what is deleted: stop it first, or give --force\n",
			programName, lease, *leaseNS, leaderLeaseName)
		return exitError
	case lease != "":
		note = fmt.Sprintf("--force: a manager (%s) holds the leader lease and will rebuild what is deleted", lease)
	}

	st, ok := s.state()
	if !ok {
		return exitError
	}
	plan := maintenance.PlanFlush(st, scope)
	if note != "" {
		plan.Notes = append(plan.Notes, note)
	}
	return s.runPlan(stdout, "flush --"+string(scope), plan, *yes)
}

// leaderHolder returns the holder of the manager's leader lease when one holds it now, "" when
// none does. An error means it could not be checked (no kubeconfig, cluster unreachable).
func leaderHolder(ctx context.Context, kubeconfig, namespace string) (string, error) {
	cfg, err := loadKubeconfig(kubeconfig)
	if err != nil {
		if clientcmd.IsEmptyConfig(err) {
			return "", errors.New("no kubeconfig")
		}
		return "", fmt.Errorf("kubeconfig: %w", err)
	}
	cfg.Timeout = 5 * time.Second
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return "", fmt.Errorf("kubeconfig: %w", err)
	}
	lease, err := cs.CoordinationV1().Leases(namespace).Get(ctx, leaderLeaseName, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read lease %s/%s: %w", namespace, leaderLeaseName, err)
	}
	spec := lease.Spec
	if spec.HolderIdentity == nil || *spec.HolderIdentity == "" || spec.RenewTime == nil {
		return "", nil
	}
	duration := 15 * time.Second
	if spec.LeaseDurationSeconds != nil {
		duration = time.Duration(*spec.LeaseDurationSeconds) * time.Second
	}
	if time.Since(spec.RenewTime.Time) > duration {
		return "", nil // expired: its holder is gone
	}
	return *spec.HolderIdentity, nil
}
