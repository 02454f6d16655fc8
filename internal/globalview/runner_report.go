package globalview

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// Event reasons on the CoreNetwork.
const (
	ReasonInvalidGlobalView = "InvalidGlobalView"
	ReasonApplyFailed       = "GlobalViewApplyFailed"
)

// maxReportedErrors bounds how many field errors an event or status message lists.
const maxReportedErrors = 5

// reject reports a view that does not parse, validate or project. Nothing is applied:
// the last good view stays in force. The same content is not retried; the next change
// of the file is.
func (r *Runner) reject(ctx context.Context, err error) {
	rejectedViews.Inc()
	msg := describeRejection(r.Path, err)
	r.Log.Error(err, "rejected the global network view; the last good view stays in force", "path", r.Path)
	cn, found := r.coreNetwork(ctx)
	if !found {
		return // nothing to report on yet: the log says it
	}
	if r.Recorder != nil {
		r.Recorder.Event(cn, "Warning", ReasonInvalidGlobalView, msg)
	}
	now := metav1.Now()
	r.patchGlobalView(ctx, map[string]any{
		"path":          r.Path,
		"lastError":     msg,
		"lastErrorTime": now.UTC().Format(time.RFC3339),
	})
}

// describeRejection says in one line why a view was rejected, naming the element path,
// object id and problem of the first errors.
func describeRejection(path string, err error) string {
	var verrs ValidationErrors
	if !errors.As(err, &verrs) {
		return fmt.Sprintf("%s rejected: %v", path, err)
	}
	parts := make([]string, 0, maxReportedErrors)
	for i, fe := range verrs {
		if i == maxReportedErrors {
			parts = append(parts, fmt.Sprintf("and %d more", len(verrs)-i))
			break
		}
		s := fe.Error()
		if fe.ID != "" && !strings.Contains(fe.Path, fe.ID) {
			s = fe.ID + ": " + s
		}
		parts = append(parts, s)
	}
	return fmt.Sprintf("%s rejected (%d errors): %s", path, len(verrs), strings.Join(parts, "; "))
}

// reportApplied records a good view in status.globalView, clearing any error. It writes
// only when something there changes, so a view that changed nothing writes nothing.
func (r *Runner) reportApplied(ctx context.Context, version string, wrote bool) {
	fields := map[string]any{"path": r.Path, "viewVersion": version, "lastError": nil, "lastErrorTime": nil}
	if version != "" && version == r.state.acked {
		fields["appliedVersion"] = version
	}
	if cn, found := r.coreNetwork(ctx); found && !wrote {
		gv := cn.Status.GlobalView
		if gv != nil && gv.Path == r.Path && gv.ViewVersion == version && gv.LastError == "" &&
			(fields["appliedVersion"] == nil || gv.AppliedVersion == version) {
			return
		}
	}
	fields["lastAppliedTime"] = metav1.Now().UTC().Format(time.RFC3339)
	r.patchGlobalView(ctx, fields)
}

// reportAcknowledged records the version written to the ack file.
func (r *Runner) reportAcknowledged(ctx context.Context, version string) {
	r.patchGlobalView(ctx, map[string]any{"appliedVersion": version})
}

// patchGlobalView merge-patches status.globalView of the CoreNetwork on the status
// subresource. Only the given fields change: the CoreNetwork reconciler owns the rest
// of the status (conditions, MidoNet ids). A nil value clears a field.
func (r *Runner) patchGlobalView(ctx context.Context, fields map[string]any) {
	body, err := json.Marshal(map[string]any{"status": map[string]any{"globalView": fields}})
	if err != nil {
		r.Log.Error(err, "encoding the CoreNetwork status patch")
		return
	}
	cn := &vpcv1.CoreNetwork{ObjectMeta: metav1.ObjectMeta{Name: vpcv1.CoreNetworkName}}
	err = r.Client.Status().Patch(ctx, cn, client.RawPatch(types.MergePatchType, body))
	switch {
	case apierrors.IsNotFound(err):
		r.Log.V(1).Info("no CoreNetwork to report the global view on")
	case err != nil:
		r.Log.Error(err, "updating the CoreNetwork's status.globalView")
	}
}

// coreNetwork reads the CoreNetwork that reports the view.
func (r *Runner) coreNetwork(ctx context.Context) (*vpcv1.CoreNetwork, bool) {
	cn := &vpcv1.CoreNetwork{}
	err := r.Client.Get(ctx, client.ObjectKey{Name: vpcv1.CoreNetworkName}, cn)
	if err != nil {
		if !apierrors.IsNotFound(err) {
			r.Log.Error(err, "reading the CoreNetwork")
		}
		return nil, false
	}
	return cn, true
}

// event records an event on the CoreNetwork when there is one.
func (r *Runner) event(ctx context.Context, eventType, reason, msg string) {
	if r.Recorder == nil {
		return
	}
	if cn, found := r.coreNetwork(ctx); found {
		r.Recorder.Event(cn, eventType, reason, msg)
	}
}
