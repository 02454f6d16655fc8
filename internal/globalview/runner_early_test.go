package globalview

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-logr/logr/testr"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/midovpc/midovpc/internal/testenv"
)

// A look right after the file was created may meet a view still being written: one that
// does not parse is then left to the settled look, which rejects it if it is still bad.
func TestEarlyLookLeavesAnIncompleteViewToTheSettledLook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "global_network_info.xml")
	full := readFixture(t, "example")
	if err := os.WriteFile(path, full[:len(full)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	r := &Runner{Client: fake.NewClientBuilder().WithScheme(testenv.Scheme()).Build(), Path: path,
		Namespace: DefaultNamespace, Log: testr.New(t)}
	ctx := context.Background()
	rejected := testutil.ToFloat64(rejectedViews)

	r.sync(ctx, false)
	if got := testutil.ToFloat64(rejectedViews); got != rejected {
		t.Fatalf("the early look at half a view rejected it (rejections %v → %v)", rejected, got)
	}
	if r.state.lastHash != "" {
		t.Fatal("the early look recorded half a view as handled: the settled look would skip it")
	}
	r.sync(ctx, true)
	if got := testutil.ToFloat64(rejectedViews); got != rejected+1 {
		t.Fatalf("the settled look did not reject half a view (rejections %v → %v)", rejected, got)
	}
}
