package globalview

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr/testr"
	"github.com/prometheus/client_golang/prometheus/testutil"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/tools/record"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/testenv"
)

// writeViewFile replaces the view the way the CLC does: a temporary file in the same
// folder, renamed over the view.
func writeViewFile(t *testing.T, path string, data []byte) {
	t.Helper()
	tmp := path + ".temp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// startRunner runs r until the test ends.
func startRunner(t *testing.T, r *Runner) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- r.Start(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("runner: %v", err)
		}
	})
}

// eventRecorder records events into the control plane, as the manager's recorder does.
func eventRecorder(t *testing.T, env *testenv.Env) record.EventRecorder {
	cs, err := kubernetes.NewForConfig(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	b := record.NewBroadcaster()
	b.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: cs.CoreV1().Events("")})
	t.Cleanup(b.Shutdown)
	return b.NewRecorder(env.Scheme, corev1.EventSource{Component: FieldManager})
}

// markReady reports Ready=True for the current generation of every object of p except
// those named in except, as the reconcilers would.
func markReady(t *testing.T, c client.Client, p *Projection, except ...string) {
	t.Helper()
	for _, ref := range refsOf(p) {
		if slices.Contains(except, ref.Name) {
			continue
		}
		obj, err := newObjectOfKind(ref.Kind)
		if err != nil {
			t.Fatal(err)
		}
		mustGet(t, c, ref.Namespace, ref.Name, obj)
		setReady(t, c, obj)
	}
}

func getCoreNetwork(t *testing.T, c client.Client) *vpcv1.CoreNetwork {
	t.Helper()
	cn := &vpcv1.CoreNetwork{}
	mustGet(t, c, "", vpcv1.CoreNetworkName, cn)
	return cn
}

// globalViewStatus returns the CoreNetwork's status.globalView, or an error while there
// is none.
func globalViewStatus(c client.Client) (*vpcv1.GlobalViewStatus, error) {
	cn := &vpcv1.CoreNetwork{}
	if err := c.Get(context.Background(), client.ObjectKey{Name: vpcv1.CoreNetworkName}, cn); err != nil {
		return nil, err
	}
	if cn.Status.GlobalView == nil {
		return nil, errors.New("no status.globalView")
	}
	return cn.Status.GlobalView, nil
}

func readAckFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	return string(data), err
}

// TestRunner follows one view file through its life: missing at start, appearing,
// acknowledged once Ready, replaced by a bad view, by a changed one, by the same
// content and by the same content laid out differently.
func TestRunner(t *testing.T) {
	env := controlPlane(t)
	c, writes := countingClient(t, env)
	deleteCoreNetwork(t, env.Client)
	ns := testNamespace(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "global_network_info.xml")
	ackPath := AckPath(path)
	example := readFixture(t, "example")

	var syncs atomic.Int64
	r := &Runner{
		Client: c, Path: path, Namespace: ns, Recorder: eventRecorder(t, env),
		Log:      testr.New(t),
		Debounce: 20 * time.Millisecond, Poll: time.Hour, AckInterval: 50 * time.Millisecond,
		afterSync: func() { syncs.Add(1) },
	}
	startRunner(t, r)

	// Missing at start: the runner waits (the first look happens at once).
	eventually(t, "first look at the missing file", func() error {
		if syncs.Load() == 0 {
			return errors.New("no look yet")
		}
		return nil
	})
	if n := writes.Load(); n != 0 {
		t.Fatalf("%d writes without a view file", n)
	}

	// The file appears (renamed into place; only inotify can tell, the poll is an hour).
	writeViewFile(t, path, example)
	eventually(t, "view applied", func() error {
		gv, err := globalViewStatus(c)
		if err != nil {
			return err
		}
		if gv.ViewVersion != "3f9c1e7a" || gv.Path != path || gv.LastAppliedTime == nil {
			return fmt.Errorf("status.globalView = %+v", gv)
		}
		return nil
	})
	p := projectFixture(t, "example")
	p = reproject(t, p, ns)
	mustGet(t, c, ns, "eni-e5e5e5e5", &vpcv1.NetworkInterface{})

	// Acknowledged only once every object is Ready.
	markReady(t, c, p, "eni-e5e5e5e5")
	for i := 0; i < 10; i++ { // ten ack checks at least
		time.Sleep(r.AckInterval)
		if _, err := os.Stat(ackPath); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("ack file written while eni-e5e5e5e5 is not Ready (%v)", err)
		}
	}
	markReady(t, c, p)
	eventually(t, "ack file", func() error {
		got, err := readAckFile(ackPath)
		if err != nil || got != "3f9c1e7a" {
			return fmt.Errorf("ack file = %q, %v", got, err)
		}
		gv, err := globalViewStatus(c)
		if err != nil || gv.AppliedVersion != "3f9c1e7a" {
			return fmt.Errorf("status.globalView = %+v, %v", gv, err)
		}
		return nil
	})

	// A bad view changes nothing and is reported: status, event, metric, log.
	rvs := resourceVersions(t, c, ns)
	generation := getCoreNetwork(t, c).Generation
	rejected := testutil.ToFloat64(rejectedViews)
	writesBefore := writes.Load()
	bad := bytes.Replace(example, []byte("<routeTable>rtb-2b2b2b2b</routeTable>"), []byte("<routeTable>rtb-99999999</routeTable>"), 1)
	writeViewFile(t, path, bad)
	eventually(t, "bad view reported", func() error {
		gv, err := globalViewStatus(c)
		if err != nil {
			return err
		}
		if !strings.Contains(gv.LastError, "subnet-55ee66ff") || !strings.Contains(gv.LastError, "rtb-99999999") ||
			gv.LastErrorTime == nil || gv.ViewVersion != "3f9c1e7a" {
			return fmt.Errorf("status.globalView = %+v", gv)
		}
		if gv.RejectedVersion != "3f9c1e7a" {
			return fmt.Errorf("status.globalView.rejectedVersion = %q", gv.RejectedVersion)
		}
		if got := testutil.ToFloat64(rejectedViews); got != rejected+1 {
			return fmt.Errorf("rejected metric = %v, want %v", got, rejected+1)
		}
		return nil
	})
	// kubectl get cn shows VIEW-ACCEPTED False; describe shows why, in one condition.
	accepted := meta.FindStatusCondition(getCoreNetwork(t, c).Status.Conditions, vpcv1.ConditionViewAccepted)
	if accepted == nil || accepted.Status != metav1.ConditionFalse || accepted.Reason != ReasonInvalidGlobalView ||
		!strings.HasPrefix(accepted.Message, "version 3f9c1e7a rejected: ") || !strings.Contains(accepted.Message, "rtb-99999999") ||
		!strings.HasSuffix(accepted.Message, "; version 3f9c1e7a stays in force") {
		t.Errorf("ViewAccepted = %+v", accepted)
	}
	eventually(t, "InvalidGlobalView event", func() error {
		events := &corev1.EventList{}
		if err := c.List(ctx, events, client.MatchingFields{"involvedObject.name": vpcv1.CoreNetworkName, "reason": ReasonInvalidGlobalView}); err != nil {
			return err
		}
		for _, e := range events.Items {
			if e.InvolvedObject.Kind == "CoreNetwork" && strings.Contains(e.Message, "routeTable") {
				return nil
			}
		}
		return fmt.Errorf("no event among %d", len(events.Items))
	})
	if after := resourceVersions(t, c, ns); !mapsEqualExcept(rvs, after, "default") {
		created, deleted, updated := changedRefs(rvs, after)
		t.Errorf("a bad view changed objects: created %v deleted %v updated %v", created, deleted, updated)
	}
	if g := getCoreNetwork(t, c).Generation; g != generation {
		t.Errorf("CoreNetwork generation %d -> %d", generation, g)
	}
	if n := writes.Load() - writesBefore; n != 1 {
		t.Errorf("a bad view made %d writes, want 1 (the status)", n)
	}

	// The next good view is applied and clears the error.
	good := bytes.Replace(example, []byte("<fromPort>80</fromPort>\n                    <toPort>80</toPort>"),
		[]byte("<fromPort>8080</fromPort>\n                    <toPort>8080</toPort>"), 1)
	good = bytes.Replace(good, []byte(`version="3f9c1e7a"`), []byte(`version="4a0b1c2d"`), 1)
	if bytes.Equal(good, example) {
		t.Fatal("edit did not apply to the fixture")
	}
	writeViewFile(t, path, good)
	eventually(t, "changed view applied", func() error {
		gv, err := globalViewStatus(c)
		if err != nil {
			return err
		}
		if gv.ViewVersion != "4a0b1c2d" || gv.LastError != "" || gv.LastErrorTime != nil || gv.RejectedVersion != "" {
			return fmt.Errorf("status.globalView = %+v", gv)
		}
		accepted := meta.FindStatusCondition(getCoreNetwork(t, c).Status.Conditions, vpcv1.ConditionViewAccepted)
		if accepted == nil || accepted.Status != metav1.ConditionTrue || accepted.Message != "version 4a0b1c2d is in force" {
			return fmt.Errorf("ViewAccepted = %+v", accepted)
		}
		sg := &vpcv1.SecurityGroup{}
		mustGet(t, c, ns, "sg-5e5e5e5e", sg)
		if sg.Spec.Ingress[1].Ports.From != 8080 {
			return fmt.Errorf("rule = %+v", sg.Spec.Ingress[1])
		}
		return nil
	})
	markReady(t, c, p)
	eventually(t, "ack of the changed view", func() error {
		if got, err := readAckFile(ackPath); err != nil || got != "4a0b1c2d" {
			return fmt.Errorf("ack file = %q, %v", got, err)
		}
		// The runner reports the ack on the CoreNetwork right after writing the file: wait
		// for that write too, so it is not counted against the unchanged content below.
		if gv, err := globalViewStatus(c); err != nil || gv.AppliedVersion != "4a0b1c2d" {
			return fmt.Errorf("status.globalView = %+v, %v", gv, err)
		}
		return nil
	})

	// The same bytes again: not even parsed. The same content laid out differently:
	// parsed and projected, and nothing written.
	applied := testutil.ToFloat64(appliedViews)
	writesBefore, syncsBefore := writes.Load(), syncs.Load()
	writeViewFile(t, path, good)
	eventually(t, "same file looked at", func() error {
		if syncs.Load() == syncsBefore {
			return errors.New("not yet")
		}
		return nil
	})
	writeViewFile(t, path, append(bytes.Clone(good), "\n\n"...))
	eventually(t, "re-laid-out file projected", func() error {
		if got := testutil.ToFloat64(appliedViews); got != applied+1 {
			return fmt.Errorf("applied metric = %v, want %v", got, applied+1)
		}
		return nil
	})
	if n := writes.Load() - writesBefore; n != 0 {
		t.Errorf("unchanged content made %d writes", n)
	}
}

// mapsEqualExcept compares resourceVersions, ignoring the object named skip (the
// CoreNetwork, whose status reports the rejection).
func mapsEqualExcept(a, b map[ObjectRef]string, skip string) bool {
	if len(a) != len(b) {
		return false
	}
	for ref, rv := range a {
		if ref.Name != skip && b[ref] != rv {
			return false
		}
	}
	return true
}

// TestRunnerRejectsBeforeAnyCoreNetwork: with no CoreNetwork to report on, a bad view
// is logged and counted, and nothing at all is written.
func TestRunnerRejectsBeforeAnyCoreNetwork(t *testing.T) {
	env := controlPlane(t)
	c, writes := countingClient(t, env)
	deleteCoreNetwork(t, env.Client)
	path := filepath.Join(t.TempDir(), "global_network_info.xml")
	writeViewFile(t, path, []byte(`<network-data version="1"><configuration/></network-data>`))
	rejected := testutil.ToFloat64(rejectedViews)
	startRunner(t, &Runner{Client: c, Path: path, Namespace: testNamespace(t), Log: testr.New(t),
		Recorder: eventRecorder(t, env), Poll: time.Hour})
	eventually(t, "rejection counted", func() error {
		if got := testutil.ToFloat64(rejectedViews); got != rejected+1 {
			return fmt.Errorf("rejected metric = %v", got)
		}
		return nil
	})
	if n := writes.Load(); n != 0 {
		t.Errorf("%d writes for a rejected first view", n)
	}
	if _, err := globalViewStatus(env.Client); err == nil {
		t.Error("a CoreNetwork appeared")
	}
}

// dryRunCounter wraps c and counts the server-side applies made as dry runs.
func dryRunCounter(c client.Client) (client.Client, *atomic.Int64) {
	n := &atomic.Int64{}
	return interceptor.NewClient(c.(client.WithWatch), interceptor.Funcs{
		Apply: func(ctx context.Context, c client.WithWatch, obj runtime.ApplyConfiguration, opts ...client.ApplyOption) error {
			ao := &client.ApplyOptions{}
			ao.ApplyOptions(opts)
			if len(ao.DryRun) > 0 {
				n.Add(1)
			}
			return c.Apply(ctx, obj, opts...)
		},
	}), n
}

// TestRunnerAppliesAnAcknowledgedViewWithoutItsDryRun: once a view is acknowledged, the runner
// records its hash beside the ack file; a manager that starts on a fresh control plane (here a
// new namespace and no CoreNetwork) with that very file applies it without the dry run, and a
// view of other content (another version) still gets one.
func TestRunnerAppliesAnAcknowledgedViewWithoutItsDryRun(t *testing.T) {
	env := controlPlane(t)
	base, _ := countingClient(t, env)
	deleteCoreNetwork(t, env.Client)
	path := filepath.Join(t.TempDir(), "global_network_info.xml")
	example := readFixture(t, "example")
	writeViewFile(t, path, example)

	start := func(ns string) (*atomic.Int64, context.CancelFunc) {
		c, dryRuns := dryRunCounter(base)
		r := &Runner{Client: c, Path: path, Namespace: ns, Log: testr.New(t),
			Debounce: 20 * time.Millisecond, Poll: time.Hour, AckInterval: 50 * time.Millisecond}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- r.Start(ctx) }()
		stop := sync.OnceFunc(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("runner: %v", err)
			}
		})
		t.Cleanup(stop)
		return dryRuns, stop
	}
	acknowledged := func(ns string) {
		t.Helper()
		p := reproject(t, projectFixture(t, "example"), ns)
		eventually(t, "view applied in "+ns, func() error {
			return base.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "eni-e5e5e5e5"}, &vpcv1.NetworkInterface{})
		})
		markReady(t, base, p)
		eventually(t, "ack file", func() error {
			if got, err := readAckFile(AckPath(path)); err != nil || got != "3f9c1e7a" {
				return fmt.Errorf("ack file = %q, %v", got, err)
			}
			return nil
		})
	}

	// First start: the ack file holds the version already, as a manager from before the
	// record left it, but nothing recorded the file: the view is dry-run, and recorded once
	// Ready.
	if err := WriteAck(AckPath(path), "3f9c1e7a"); err != nil {
		t.Fatal(err)
	}
	ns1 := testNamespace(t)
	dryRuns, stop := start(ns1)
	acknowledged(ns1)
	if dryRuns.Load() == 0 {
		t.Error("a view never acknowledged was applied without its dry run")
	}
	eventually(t, "record of the acknowledged view", func() error {
		if h, err := ReadAcknowledged(AcknowledgedPath(path)); err != nil || h != Hash(example) {
			return fmt.Errorf("recorded hash %q, %v; want the file's %s", h, err, Hash(example))
		}
		return nil
	})
	stop()

	// A fresh control plane (its CoreNetwork and namespace gone), the same file, an ack file
	// removed: every object is created again, without a dry run.
	deleteCoreNetwork(t, env.Client)
	if err := os.Remove(AckPath(path)); err != nil {
		t.Fatal(err)
	}
	ns2 := testNamespace(t)
	dryRuns, _ = start(ns2)
	acknowledged(ns2)
	if n := dryRuns.Load(); n != 0 {
		t.Errorf("the acknowledged view was applied again with %d dry-run applies, want none", n)
	}

	// Other content: the dry run again.
	edited := bytes.Replace(example, []byte(`version="3f9c1e7a"`), []byte(`version="3f9c1e7b"`), 1)
	edited = bytes.Replace(edited, []byte("<fromPort>80</fromPort>"), []byte("<fromPort>79</fromPort>"), 1)
	writeViewFile(t, path, edited)
	eventually(t, "the edited view dry-run", func() error {
		if dryRuns.Load() == 0 {
			return errors.New("no dry run yet")
		}
		return nil
	})
}
