package globalview

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr/testr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// A view that drops an interface is acknowledged only once that interface is gone: its
// finalizer (here held by the test, in the manager by the controller while it deletes the
// interface's MidoNet objects) must have let it go. The CLC reads the ack as "MidoNet
// matches this view", and a removed instance's port is part of that.
func TestAckWaitsForDroppedObjectsToGo(t *testing.T) {
	r, c := fastRunner(t, 0)
	ns, path, ctx := r.Namespace, r.Path, context.Background()
	ackPath := AckPath(path)
	example := readFixture(t, "example")
	writeViewFile(t, path, example)
	p := reproject(t, projectFixture(t, "example"), ns)
	waitApplied(t, c, "3f9c1e7a")
	markReady(t, c, p)
	eventually(t, "ack of the first view", func() error {
		if got, err := readAckFile(ackPath); err != nil || got != "3f9c1e7a" {
			return fmt.Errorf("ack file = %q, %v", got, err)
		}
		return nil
	})

	// The interface's finalizer holds it, as the controller's does until MidoNet is clean.
	const hold = "test.midovpc.io/hold"
	eni := &vpcv1.NetworkInterface{}
	mustGet(t, c, ns, "eni-e5e5e5e5", eni)
	controllerutil.AddFinalizer(eni, hold)
	if err := c.Update(ctx, eni); err != nil {
		t.Fatal(err)
	}

	// The next version drops the secondary interface.
	dropped := regexp.MustCompile(`(?s)\s*<networkInterface name="eni-e5e5e5e5">.*?</networkInterface>`).ReplaceAll(example, nil)
	dropped = bytes.Replace(dropped, []byte(`version="3f9c1e7a"`), []byte(`version="5b6c7d8e"`), 1)
	if bytes.Contains(dropped, []byte("eni-e5e5e5e5")) || !bytes.Contains(dropped, []byte("5b6c7d8e")) {
		t.Fatal("edit did not apply to the fixture")
	}
	writeViewFile(t, path, dropped)
	eventually(t, "the dropped interface is being deleted", func() error {
		got := &vpcv1.NetworkInterface{}
		mustGet(t, c, ns, "eni-e5e5e5e5", got)
		if got.DeletionTimestamp.IsZero() {
			return errors.New("not deleted yet")
		}
		return nil
	})
	waitApplied(t, c, "5b6c7d8e")
	markReady(t, c, reproject(t, projectView(t, dropped), ns))
	for i := 0; i < 10; i++ { // ten ack checks at least
		time.Sleep(r.AckInterval)
		if got, _ := readAckFile(ackPath); got != "3f9c1e7a" {
			t.Fatalf("ack file = %q while the dropped interface still exists", got)
		}
	}

	// Its finalizer lets it go: the new version is acknowledged.
	mustGet(t, c, ns, "eni-e5e5e5e5", eni)
	controllerutil.RemoveFinalizer(eni, hold)
	if err := c.Update(ctx, eni); err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
	eventually(t, "ack of the second view", func() error {
		if got, err := readAckFile(ackPath); err != nil || got != "5b6c7d8e" {
			return fmt.Errorf("ack file = %q, %v", got, err)
		}
		return nil
	})
}

// projectView parses, validates and projects a view held in memory.
func projectView(t *testing.T, data []byte) *Projection {
	t.Helper()
	p, err := Project(parseValid(t, data), "eucalyptus-vpc")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The view is the source of truth for what it projects: a projected object deleted or edited
// by hand comes back (a new object, the view's spec) without a new version of the view, the
// ProjectionRepaired event names what was put back, and an object applied by hand beside the
// projection is left alone, even one that carries the projection's label.
func TestRunnerPutsBackDeletedObjects(t *testing.T) {
	r, c := fastRunner(t, 100*time.Millisecond)
	ns, path, ctx := r.Namespace, r.Path, context.Background()
	writeViewFile(t, path, readFixture(t, "example"))
	sg := &vpcv1.SecurityGroup{}
	eventually(t, "view applied", func() error {
		return c.Get(ctx, client.ObjectKey{Namespace: ns, Name: "sg-6f6f6f6f"}, sg)
	})
	mine := &vpcv1.SecurityGroup{}
	mine.Namespace, mine.Name, mine.Spec.VPC = ns, "sg-0c0c0c0c", "vpc-4e5f6a7b"
	if err := c.Create(ctx, mine); err != nil {
		t.Fatal(err)
	}
	// A copy of a projected group, renamed, its labels kept (kubectl get -o yaml, edited):
	// labelled as projected, but the view never applied it.
	copied := &vpcv1.SecurityGroup{}
	copied.Namespace, copied.Name, copied.Spec = ns, "sg-0d0d0d0d", sg.Spec
	copied.Labels = sg.Labels
	if err := c.Create(ctx, copied); err != nil {
		t.Fatal(err)
	}

	edited := &vpcv1.SecurityGroup{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: "sg-5e5e5e5e"}, edited); err != nil {
		t.Fatal(err)
	}
	wantIngress := len(edited.Spec.Ingress)
	edited.Spec.Ingress = append(edited.Spec.Ingress, vpcv1.SecurityGroupRule{Protocol: "tcp",
		Ports: &vpcv1.PortRange{From: 8080, To: 8080}, CIDR: ptrTo(vpcv1.CIDR("0.0.0.0/0"))})
	if err := c.Update(ctx, edited); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, sg); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the edited group put back", func() error {
		back := &vpcv1.SecurityGroup{}
		if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: "sg-5e5e5e5e"}, back); err != nil {
			return err
		}
		if len(back.Spec.Ingress) != wantIngress {
			return fmt.Errorf("%d ingress rules, want %d", len(back.Spec.Ingress), wantIngress)
		}
		return nil
	})
	eventually(t, "ProjectionRepaired names what it put back", func() error {
		events := &corev1.EventList{}
		if err := c.List(ctx, events, client.MatchingFields{"reason": ReasonProjectionRepaired}); err != nil {
			return err
		}
		var msgs []string
		for _, e := range events.Items {
			msgs = append(msgs, e.Message)
		}
		all := strings.Join(msgs, "\n")
		for _, want := range []string{"create SecurityGroup " + ns + "/sg-6f6f6f6f", "update SecurityGroup " + ns + "/sg-5e5e5e5e"} {
			if !strings.Contains(all, want) {
				return fmt.Errorf("no %q in the events: %s", want, all)
			}
		}
		return nil
	})
	eventually(t, "the deleted group put back", func() error {
		back := &vpcv1.SecurityGroup{}
		if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: "sg-6f6f6f6f"}, back); err != nil {
			return err
		}
		if back.UID == sg.UID {
			return errors.New("still the deleted object")
		}
		if len(back.Spec.Ingress) != len(sg.Spec.Ingress) || back.Labels[vpcv1.SourceLabel] != vpcv1.SourceGlobalView {
			return fmt.Errorf("put back as %+v", back)
		}
		return nil
	})
	for _, name := range []string{mine.Name, copied.Name} {
		if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &vpcv1.SecurityGroup{}); err != nil {
			t.Errorf("the hand-applied group %s: %v", name, err)
		}
	}
}

// waitApplied waits until the runner has reported the version applied on the CoreNetwork:
// after that it writes nothing until the acknowledgement, so the test's status updates do not
// conflict with its own.
func waitApplied(t *testing.T, c client.Client, version string) {
	t.Helper()
	eventually(t, "version "+version+" applied", func() error {
		gv, err := globalViewStatus(c)
		if err != nil {
			return err
		}
		if gv.ViewVersion != version {
			return fmt.Errorf("status.globalView.viewVersion = %q", gv.ViewVersion)
		}
		return nil
	})
}

// fastRunner starts a runner with short intervals on a fresh namespace and view path of the
// test (repair 0: the default), and returns it with the control plane's client.
func fastRunner(t *testing.T, repair time.Duration) (*Runner, client.Client) {
	t.Helper()
	env := controlPlane(t)
	deleteCoreNetwork(t, env.Client)
	r := &Runner{
		Client: env.Client, Path: filepath.Join(t.TempDir(), "global_network_info.xml"), Namespace: testNamespace(t),
		Recorder: eventRecorder(t, env), Log: testr.New(t),
		Debounce: 20 * time.Millisecond, Poll: time.Hour, AckInterval: 50 * time.Millisecond, Repair: repair,
	}
	startRunner(t, r)
	return r, env.Client
}
