// Package testenv starts the control plane that integration tests and the manager's --dev
// mode run against: a real kube-apiserver and etcd (built by hack/setup-envtest.sh), with the
// project's CRDs installed.
package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// Scheme knows the built-in kinds and the vpc.midovpc.io kinds.
func Scheme() *runtime.Scheme {
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		panic(err)
	}
	if err := vpcv1.AddToScheme(s); err != nil {
		panic(err)
	}
	return s
}

// RepoRoot finds the module root by walking up from the working directory to go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// Assets returns the folder holding kube-apiserver and etcd: $KUBEBUILDER_ASSETS when set,
// else what hack/setup-envtest.sh prints (building the binaries on first use).
func Assets() (string, error) {
	if dir := os.Getenv("KUBEBUILDER_ASSETS"); dir != "" {
		return dir, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	cmd := exec.Command(filepath.Join(root, "hack", "setup-envtest.sh"))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("hack/setup-envtest.sh: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Env is a running control plane with the CRDs installed.
type Env struct {
	Config *rest.Config
	Client client.Client
	Scheme *runtime.Scheme

	env *envtest.Environment
}

// Start starts kube-apiserver and etcd and installs the CRDs of config/crd/bases.
func Start() (*Env, error) {
	assets, err := Assets()
	if err != nil {
		return nil, err
	}
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	scheme := Scheme()
	env := &envtest.Environment{
		BinaryAssetsDirectory: assets,
		CRDDirectoryPaths:     []string{filepath.Join(root, "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		Scheme:                scheme,
		// envtest's 20 s default is too short for a 2-core machine running
		// several suites at once: the API server's start is slow, not broken.
		ControlPlaneStartTimeout: 2 * time.Minute,
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("start control plane from %s: %w", assets, err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		_ = env.Stop()
		return nil, fmt.Errorf("client for the control plane: %w", err)
	}
	warmUp(c, scheme)
	return &Env{Config: cfg, Client: c, Scheme: scheme, env: env}, nil
}

// warmUp has the API server build the storage of every vpc.midovpc.io kind before anything
// else asks for it. The first request for a custom resource creates its storage, whose watch
// cache is not ready at once: that request is refused (429, retry after 1 s), and the
// manager's informers, the view runner and the first requests of every test waited that
// second (1.36 s for the eleven kinds listed at once, 0.12 s once warmed up). Here each kind is
// asked with a short timeout until it answers; best effort, bounded by warmUpTimeout.
func warmUp(c client.Client, scheme *runtime.Scheme) {
	ctx, cancel := context.WithTimeout(context.Background(), warmUpTimeout)
	defer cancel()
	var wg sync.WaitGroup
	for kind := range scheme.KnownTypes(vpcv1.GroupVersion) {
		if !strings.HasSuffix(kind, "List") {
			continue
		}
		obj, err := scheme.New(vpcv1.GroupVersion.WithKind(kind))
		if err != nil {
			continue
		}
		l, ok := obj.(client.ObjectList)
		if !ok {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				attempt, stop := context.WithTimeout(ctx, warmUpAttempt)
				err := c.List(attempt, l, client.Limit(1))
				stop()
				if err == nil {
					return
				}
			}
		}()
	}
	wg.Wait()
}

// warmUpAttempt is how long one request of warmUp waits: far less than the 1 s retry of a
// storage not ready yet, far more than a list of nothing.
const (
	warmUpAttempt = 100 * time.Millisecond
	warmUpTimeout = 10 * time.Second
)

// Kubeconfig returns a kubeconfig for an administrator of the control plane.
func (e *Env) Kubeconfig() ([]byte, error) {
	user, err := e.env.AddUser(envtest.User{Name: "midovpc-dev", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return nil, fmt.Errorf("add admin user: %w", err)
	}
	return user.KubeConfig()
}

// Stop stops the control plane.
func (e *Env) Stop() error {
	return e.env.Stop()
}
