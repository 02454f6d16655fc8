package globalview

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// Event reasons on the CoreNetwork.
const (
	ReasonInvalidGlobalView = "InvalidGlobalView"
	ReasonApplyFailed       = "GlobalViewApplyFailed"
	// ReasonProjectionRepaired: projected objects changed or deleted by hand were put back.
	ReasonProjectionRepaired = "ProjectionRepaired"
)

// maxReportedErrors bounds how many field errors an event or status message lists.
const maxReportedErrors = 5

// Event and condition reasons on the CoreNetwork.
const (
	// ReasonViewAccepted is the ViewAccepted=True reason.
	ReasonViewAccepted = "Accepted"
)

// reject reports a view that does not parse, validate or project; version is the view's
// when it got far enough to tell. Nothing is applied: the last good view stays in force.
// The same content is not retried; the next change of the file is.
func (r *Runner) reject(ctx context.Context, version string, err error) {
	rejectedViews.Inc()
	msg := describeRejection(r.Path, err)
	// Info, not Error: a bad view is the cloud's input, not a fault of midovpc, and a stack
	// trace would bury the one line that says what to fix.
	r.Log.Info("rejected the global network view; the last good view stays in force",
		"path", r.Path, "version", version, "errors", errorCount(err), "reason", msg)
	cn, found := r.coreNetwork(ctx)
	if !found {
		return // nothing to report on yet: the log says it
	}
	if r.Recorder != nil {
		r.Recorder.Event(cn, "Warning", ReasonInvalidGlobalView, msg)
	}
	now := metav1.Now()
	r.reportView(ctx, map[string]any{
		"path":            r.Path,
		"rejectedVersion": nilIfEmpty(version),
		"lastError":       msg,
		"lastErrorTime":   now.UTC().Format(time.RFC3339),
	}, metav1.Condition{
		Type:    vpcv1.ConditionViewAccepted,
		Status:  metav1.ConditionFalse,
		Reason:  ReasonInvalidGlobalView,
		Message: rejectedViewMessage(version, cn.Status.GlobalView, err),
	})
}

// rejectedViewMessage is the ViewAccepted=False message: the rejected version, its first
// error, and the version still in force.
func rejectedViewMessage(version string, gv *vpcv1.GlobalViewStatus, err error) string {
	what := "the view"
	if version != "" {
		what = "version " + version
	}
	first := err.Error()
	var verrs ValidationErrors
	if errors.As(err, &verrs) {
		first = firstFieldError(verrs)
		if n := errorCount(err); n > 1 {
			first += fmt.Sprintf(" (and %s)", plural(n-1, "more error"))
		}
	}
	inForce := "no view is in force yet"
	if gv != nil && gv.ViewVersion != "" {
		inForce = "version " + gv.ViewVersion + " stays in force"
	}
	return fmt.Sprintf("%s rejected: %s; %s", what, first, inForce)
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
			parts = append(parts, fmt.Sprintf("and %d more", errorCount(err)-i))
			break
		}
		parts = append(parts, fieldErrorWithID(fe))
	}
	return fmt.Sprintf("%s rejected (%s): %s", path, plural(errorCount(err), "error"), strings.Join(parts, "; "))
}

// fieldErrorWithID is one field error, prefixed by its object id when the path does not
// already name it.
func fieldErrorWithID(fe FieldError) string {
	s := fe.Error()
	if fe.ID != "" && !strings.Contains(fe.Path, fe.ID) {
		s = fe.ID + ": " + s
	}
	return s
}

func firstFieldError(verrs ValidationErrors) string {
	if len(verrs) == 0 {
		return "invalid"
	}
	return fieldErrorWithID(verrs[0])
}

// errorCount is how many problems err reports: the field errors of ValidationErrors
// (counting those beyond MaxErrors that errorList summarised in its last entry), else 1.
func errorCount(err error) int {
	var verrs ValidationErrors
	if !errors.As(err, &verrs) {
		return 1
	}
	n := len(verrs)
	if n > 0 {
		var dropped int
		last := verrs[n-1]
		if last.Path == "" && last.ID == "" {
			if _, scanErr := fmt.Sscanf(last.Message, "%d more errors not shown", &dropped); scanErr == nil {
				n += dropped - 1
			}
		}
	}
	return n
}

// plural writes "1 error", "2 errors".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// reportApplied records a good view in status.globalView and ViewAccepted=True, clearing
// any error. It writes only when something there changes, so a view that changed nothing
// writes nothing.
func (r *Runner) reportApplied(ctx context.Context, version string, wrote bool) {
	fields := map[string]any{"path": r.Path, "viewVersion": version, "rejectedVersion": nil, "lastError": nil, "lastErrorTime": nil}
	if version != "" && version == r.state.acked {
		fields["appliedVersion"] = version
	}
	accepted := metav1.Condition{
		Type:    vpcv1.ConditionViewAccepted,
		Status:  metav1.ConditionTrue,
		Reason:  ReasonViewAccepted,
		Message: "version " + version + " is in force",
	}
	if cn, found := r.coreNetwork(ctx); found && !wrote {
		gv := cn.Status.GlobalView
		c := meta.FindStatusCondition(cn.Status.Conditions, vpcv1.ConditionViewAccepted)
		if gv != nil && gv.Path == r.Path && gv.ViewVersion == version && gv.LastError == "" &&
			(fields["appliedVersion"] == nil || gv.AppliedVersion == version) &&
			c != nil && c.Status == accepted.Status && c.Message == accepted.Message {
			return
		}
	}
	fields["lastAppliedTime"] = metav1.Now().UTC().Format(time.RFC3339)
	r.reportView(ctx, fields, accepted)
}

// reportView patches status.globalView with fields and sets cond among the CoreNetwork's
// conditions. The conditions list is replaced whole by a merge patch, so the patch carries
// the resourceVersion it was computed from: a concurrent status write by the CoreNetwork
// reconciler makes it conflict and be computed again, never lose that write.
func (r *Runner) reportView(ctx context.Context, fields map[string]any, cond metav1.Condition) {
	reader := r.APIReader
	if reader == nil {
		reader = r.Client
	}
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		cn := &vpcv1.CoreNetwork{}
		if err := reader.Get(ctx, client.ObjectKey{Name: vpcv1.CoreNetworkName}, cn); err != nil {
			return err
		}
		cond.ObservedGeneration = cn.Generation
		conditions := slices.Clone(cn.Status.Conditions)
		if !meta.SetStatusCondition(&conditions, cond) {
			return r.patchStatus(ctx, cn, map[string]any{"status": map[string]any{"globalView": fields}})
		}
		return r.patchStatus(ctx, cn, map[string]any{
			"metadata": map[string]any{"resourceVersion": cn.ResourceVersion},
			"status":   map[string]any{"globalView": fields, "conditions": conditions},
		})
	})
	r.logStatusError(err)
}

// patchStatus merge-patches the CoreNetwork's status subresource with body.
func (r *Runner) patchStatus(ctx context.Context, cn *vpcv1.CoreNetwork, body map[string]any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encode the CoreNetwork status patch: %w", err)
	}
	return r.Client.Status().Patch(ctx, cn, client.RawPatch(types.MergePatchType, data))
}

// reportAcknowledged records the version written to the ack file.
func (r *Runner) reportAcknowledged(ctx context.Context, version string) {
	r.patchGlobalView(ctx, map[string]any{"appliedVersion": version})
}

// patchGlobalView merge-patches status.globalView of the CoreNetwork on the status
// subresource. Only the given fields change: the CoreNetwork reconciler owns the rest
// of the status (conditions, MidoNet ids). A nil value clears a field.
func (r *Runner) patchGlobalView(ctx context.Context, fields map[string]any) {
	cn := &vpcv1.CoreNetwork{ObjectMeta: metav1.ObjectMeta{Name: vpcv1.CoreNetworkName}}
	r.logStatusError(r.patchStatus(ctx, cn, map[string]any{"status": map[string]any{"globalView": fields}}))
}

// logStatusError logs a failed status write; a missing CoreNetwork is not worth more than
// a debug line (the view creates it).
func (r *Runner) logStatusError(err error) {
	switch {
	case apierrors.IsNotFound(err):
		r.Log.V(1).Info("no CoreNetwork to report the global view on")
	case err != nil:
		r.Log.Error(err, "updating the CoreNetwork's status")
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
