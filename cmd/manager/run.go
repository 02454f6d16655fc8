package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/midovpc/midovpc/internal/globalview"
	"github.com/midovpc/midovpc/internal/testenv"
)

// defaultDevView is the view --dev projects when no --global-view is given.
const defaultDevView = "config/samples/global_network_info.xml"

func run(ctx context.Context, o *options) error {
	log := ctrl.Log.WithName("setup")
	exe, err := os.Executable()
	if err != nil {
		exe = "/proc/self/exe"
	}
	limit, err := memoryLimit(o.memoryLimit, cgroupMemoryMax, exe)
	if err != nil {
		return err
	}
	log.Info("soft memory limit", "limit", limit)
	if o.dev && o.globalView == "" {
		o.globalView = defaultDevView
	}
	// MidoNet first: its index loads while the control plane starts (or is reached).
	parts, err := newMidoNet(o)
	if err != nil {
		return err
	}
	loadIndexEarly(ctx, o, parts)
	var cfg *rest.Config
	if o.dev {
		env, err := startDevControlPlane(o)
		if err != nil {
			return err
		}
		defer func() {
			if err := env.Stop(); err != nil {
				log.Error(err, "stop the local control plane")
			}
		}()
		cfg = env.Config
	} else {
		var err error
		if cfg, err = ctrl.GetConfig(); err != nil {
			return fmt.Errorf("kubeconfig: %w", err)
		}
	}

	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                  testenv.Scheme(),
		Metrics:                 metricsOptions(o),
		HealthProbeBindAddress:  o.probeAddr,
		PprofBindAddress:        o.pprofAddr,
		LeaderElection:          o.leaderElect,
		LeaderElectionID:        "midovpc-manager.vpc.midovpc.io",
		LeaderElectionNamespace: o.leaderElectionNS,
		// The cache keeps of managedFields only the entry the view's applier compares with,
		// and the client's updates leave managedFields to the API server (cachetrim.go).
		Cache: cache.Options{DefaultTransform: globalview.TrimManagedFields()},
		NewClient: func(cfg *rest.Config, opts client.Options) (client.Client, error) {
			c, err := client.New(cfg, opts)
			if err != nil {
				return nil, err
			}
			return globalview.KeepServerManagedFields(c), nil
		},
	})
	if err != nil {
		return fmt.Errorf("create manager: %w", err)
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return err
	}
	if err := setupComponents(ctx, mgr, o, parts); err != nil {
		return err
	}
	log.Info("starting manager", "midonet", o.midonetURL, "globalView", o.globalView, "namespace", o.namespace)
	return mgr.Start(ctx)
}

// startDevControlPlane starts kube-apiserver and etcd with the CRDs installed, writes an
// administrator kubeconfig and tells the user how to reach it.
func startDevControlPlane(o *options) (*testenv.Env, error) {
	env, err := testenv.Start()
	if err != nil {
		return nil, fmt.Errorf("start the local control plane: %w", err)
	}
	kc, err := env.Kubeconfig()
	if err != nil {
		_ = env.Stop()
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(o.devKubeconfig), 0o755); err != nil {
		_ = env.Stop()
		return nil, err
	}
	if err := os.WriteFile(o.devKubeconfig, kc, 0o600); err != nil {
		_ = env.Stop()
		return nil, err
	}
	abs, _ := filepath.Abs(o.devKubeconfig)
	fmt.Fprintf(os.Stderr, "\nmidovpc dev control plane is up at %s\n  export KUBECONFIG=%s\n  kubectl get vpc,sn,sg,eni,eip,rtb,igw,ngw,nacl,dopt -A\n  kubectl explain vpc.spec\n\n", env.Config.Host, abs)
	return env, nil
}

// metricsOptions serves /metrics over HTTPS to callers that the API server authenticates
// (TokenReview) and authorizes for get on the non-resource URL /metrics (SubjectAccessReview;
// the metrics-reader ClusterRole grants it), as kubebuilder v4 does. --metrics-secure=false
// serves plain HTTP to anyone, for make run on loopback.
func metricsOptions(o *options) metricsserver.Options {
	if !o.metricsSecure {
		return metricsserver.Options{BindAddress: o.metricsAddr}
	}
	return metricsserver.Options{
		BindAddress:    o.metricsAddr,
		SecureServing:  true,
		FilterProvider: filters.WithAuthenticationAndAuthorization,
		CertDir:        o.metricsCertDir,
		// HTTP/1.1 only, as kubebuilder scaffolds: HTTP/2 stream resets (CVE-2023-44487)
		// are a cheap denial of service.
		TLSOpts: []func(*tls.Config){func(c *tls.Config) { c.NextProtos = []string{"http/1.1"} }},
	}
}
