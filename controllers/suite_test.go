package controllers_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	"github.com/midovpc/midovpc/internal/testenv"
)

// The controller suites run the real thing end to end: a kube-apiserver and etcd (envtest),
// the controllers in a manager, and the MidoNet emulator over HTTP.
func TestControllers(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Controllers suite")
}

const tenant = "euca_tenant_1"

var (
	env      *testenv.Env
	k8s      client.Client
	mido     *sim.Running
	mn       *midonet.Client
	suiteCtx = context.Background()
	running  *testenv.Manager
)

// hosts are the MidoNet hosts of the test cloud: two nodes, a gateway and the CLC.
var hosts = []sim.HostSpec{
	{Name: "node-70", Interfaces: []sim.InterfaceSpec{{Name: "eth0", Addresses: []string{"10.111.5.70"}}}, TunnelZones: []string{"mido-tz"}},
	{Name: "node-71", Interfaces: []sim.InterfaceSpec{{Name: "eth0", Addresses: []string{"10.111.5.71"}}}, TunnelZones: []string{"mido-tz"}},
	{Name: "gw-22", Interfaces: []sim.InterfaceSpec{{Name: "eth0", Addresses: []string{"10.111.5.22"}}, {Name: "em1.116", Addresses: []string{"10.116.133.11"}}}, TunnelZones: []string{"mido-tz"}},
	{Name: "clc", Interfaces: []sim.InterfaceSpec{{Name: "eth0", Addresses: []string{"10.111.5.11"}}, {Name: "eucamd_mido"}}, TunnelZones: []string{"mido-tz"}},
}

var _ = BeforeSuite(func() {
	logf.SetLogger(zap.New(zap.WriteTo(GinkgoWriter), zap.UseDevMode(true)))
	var err error
	env, err = testenv.Start()
	Expect(err).NotTo(HaveOccurred())
	k8s = env.Client
	mido, err = sim.Start(sim.Options{})
	Expect(err).NotTo(HaveOccurred())
	for _, h := range hosts {
		_, err := mido.Server.AddHost(h)
		Expect(err).NotTo(HaveOccurred())
	}
	mn, err = midonet.New(midonet.Config{URL: mido.URL, Tenant: tenant})
	Expect(err).NotTo(HaveOccurred())
	startManager(time.Second)
})

var _ = AfterSuite(func() {
	stopManager()
	if mido != nil {
		_ = mido.Close()
	}
	if env != nil {
		Expect(env.Stop()).To(Succeed())
	}
})

// startManager runs the controllers with a fresh MidoNet client, index and sync engine, as a
// manager process would after a restart.
func startManager(resync time.Duration) {
	m, err := env.StartManager(testenv.ManagerOptions{MidoNetURL: mido.URL, Tenant: tenant, Resync: resync,
		WrapTransport: func(rt http.RoundTripper) http.RoundTripper { return statusUpdates.wrap(conflictCounter{rt}) }})
	Expect(err).NotTo(HaveOccurred())
	running = m
}

func stopManager() {
	if running != nil {
		Expect(running.Stop()).To(Succeed())
		running = nil
	}
}

// conflicts counts the manager's updates (PUT) the API server refused with 409 Conflict
// (written on a copy older than the object's).
var conflicts atomic.Int64

type conflictCounter struct{ next http.RoundTripper }

func (c conflictCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err == nil && r.Method == http.MethodPut && resp.StatusCode == http.StatusConflict {
		conflicts.Add(1)
	}
	return resp, err
}

// statusUpdates records the status updates (PUT .../status) the API server accepted from the
// manager for the objects of the namespaces it is told to watch.
var statusUpdates = &statusRecorder{}

type statusRecorder struct {
	mu      sync.Mutex
	watched map[string]bool     // namespaces
	updates map[string][][]byte // "<resource>/<name>" → the bodies, in order
}

// watch starts recording the status updates of a namespace's objects.
func (s *statusRecorder) watch(ns string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.watched == nil {
		s.watched, s.updates = map[string]bool{}, map[string][][]byte{}
	}
	s.watched[ns] = true
}

// of returns the bodies of the status updates recorded for an object of namespace ns, named
// "<resource>/<name>" ("networkinterfaces/eni-00000001").
func (s *statusRecorder) of(ns, object string) [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.updates[ns+"/"+object])
}

func (s *statusRecorder) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripperFunc(func(r *http.Request) (*http.Response, error) {
		// .../namespaces/<ns>/<resource>/<name>/status
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		n := len(parts)
		if r.Method != http.MethodPut || n < 5 || parts[n-1] != "status" || parts[n-5] != "namespaces" || r.Body == nil {
			return next.RoundTrip(r)
		}
		s.mu.Lock()
		watched := s.watched[parts[n-4]]
		s.mu.Unlock()
		if !watched {
			return next.RoundTrip(r)
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		resp, err := next.RoundTrip(r)
		if err == nil && resp.StatusCode == http.StatusOK {
			key := strings.Join(parts[n-4:n-1], "/")
			s.mu.Lock()
			s.updates[key] = append(s.updates[key], body)
			s.mu.Unlock()
		}
		return resp, err
	})
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
