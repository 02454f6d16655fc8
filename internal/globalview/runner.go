package globalview

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/record"
	crcache "sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"
)

// Defaults of Runner.
const (
	DefaultAckInterval = time.Second
	// ackPoll is how often a version waiting for its acknowledgement is checked.
	ackPoll = 50 * time.Millisecond
	// maxRetryDelay caps the back-off of a view whose apply failed.
	maxRetryDelay = time.Minute
	// DefaultRepair is how often the last applied view is compared with the cluster, so that
	// projected objects deleted or edited by hand are put back.
	DefaultRepair = 30 * time.Second
)

// Runner keeps the cluster in step with the view file: it watches Path, projects each
// new content into Namespace, applies it, reports rejected views and acknowledges
// applied versions to the CLC. Add it to a manager (mgr.Add); it runs on the leader
// only, after the caches have started.
type Runner struct {
	// Client is the manager's client (reads from the cache, writes to the API server).
	Client client.Client
	// APIReader reads the namespace uncached (mgr.GetAPIReader()); defaults to Client.
	APIReader client.Reader
	// Path is the view file, global_network_info.xml.
	Path string
	// Namespace receives the projected objects; DefaultNamespace when empty.
	Namespace string
	// Recorder reports rejected views as events on the CoreNetwork; nil: log only.
	Recorder record.EventRecorder
	Log      logr.Logger
	// Debounce, Poll and AckInterval default to DefaultDebounce, DefaultPoll and
	// DefaultAckInterval (how often pending acknowledgements and retries are checked).
	Debounce    time.Duration
	Poll        time.Duration
	AckInterval time.Duration
	// Repair is how often the last applied view is applied again (DefaultRepair): the view
	// is the source of truth for what it projects, and a projected object deleted or edited
	// by hand is put back. With nothing to put back it costs a comparison and no write.
	Repair time.Duration
	// Finalizers go on every projected object it applies (Applier.Finalizers): the
	// manager's controllers' finalizer. Empty when no controllers run (tests of the
	// projection alone), or nothing would ever let the objects go.
	Finalizers []string
	// Informers are the informers of the cache Client reads from (Applier.Informers); nil:
	// the applier lists through Client.
	Informers crcache.Informers

	state runnerState
	// afterSync, when set (by tests), is called after every look at the file.
	afterSync func()
}

var (
	_ manager.Runnable               = (*Runner)(nil)
	_ manager.LeaderElectionRunnable = (*Runner)(nil)
)

// runnerState is owned by the Start goroutine.
type runnerState struct {
	applier       Applier
	lastHash      string // content last handled (applied or rejected)
	missingLogged bool
	readErrLogged string
	retryAt       time.Time   // non-zero: apply again then
	last          *Projection // the last view applied, repaired every Repair
	retryDelay    time.Duration
	pending       *pendingAck
	acked         string // last version written to the ack file
	ackedHash     string // hash of the view file last acknowledged (AcknowledgedFileName)
}

// pendingAck is a version waiting for its objects to become Ready.
type pendingAck struct {
	version     string
	hash        string // of the view file applied
	generations map[ObjectRef]int64
	order       []ObjectRef
	waitingFor  ObjectRef
	// pruned are the objects the view dropped that must be gone (their MidoNet objects
	// deleted by their finalizers) before the version is acknowledged.
	pruned map[ObjectRef]types.UID
	// from is where the next check resumes in order: the objects before it were Ready when
	// last looked at. Checking every object on every tick costs O(objects) a second for the
	// whole converge (13,600 cache reads a second at 10,000 interfaces).
	from int
}

// firstNotReady is the first object of the version that is not Ready, ok when there is none.
// It resumes where the last check stopped; once the rest are Ready it checks those before
// again, so the version is acknowledged only when every object is Ready at once.
func (pa *pendingAck) firstNotReady(ctx context.Context, c client.Reader) (ObjectRef, bool, error) {
	i, err := indexNotReady(ctx, c, pa.generations, pa.order[pa.from:])
	if err != nil {
		return ObjectRef{}, false, err
	}
	if i += pa.from; i < len(pa.order) {
		pa.from = i
		return pa.order[i], false, nil
	}
	if pa.from == 0 {
		return ObjectRef{}, true, nil
	}
	j, err := indexNotReady(ctx, c, pa.generations, pa.order[:pa.from])
	if err != nil {
		return ObjectRef{}, false, err
	}
	if j < pa.from {
		pa.from = j
		return pa.order[j], false, nil
	}
	pa.from = 0
	return ObjectRef{}, true, nil
}

// NewRunner returns a Runner wired to mgr's client, API reader, event recorder and logger.
func NewRunner(mgr manager.Manager, path, namespace string) *Runner {
	return &Runner{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Informers: mgr.GetCache(),
		Path:      path,
		Namespace: namespace,
		Recorder:  mgr.GetEventRecorderFor(FieldManager),
		Log:       mgr.GetLogger().WithName("globalview"),
	}
}

// NeedLeaderElection is true: two managers must not both write the projection and the
// ack file.
func (r *Runner) NeedLeaderElection() bool { return true }

// Start runs until ctx ends.
func (r *Runner) Start(ctx context.Context) error {
	if r.Namespace == "" {
		r.Namespace = DefaultNamespace
	}
	if r.AckInterval <= 0 {
		r.AckInterval = DefaultAckInterval
	}
	reader := r.APIReader
	if reader == nil {
		reader = r.Client
	}
	r.state = runnerState{applier: Applier{Client: r.Client, Reader: reader, Finalizers: r.Finalizers, Informers: r.Informers}}
	acked, err := ReadAck(AckPath(r.Path))
	if err != nil {
		r.Log.Error(err, "reading the ack file; every version will be acknowledged anew")
	}
	r.state.acked = acked
	if r.state.ackedHash, err = ReadAcknowledged(AcknowledgedPath(r.Path)); err != nil {
		r.Log.Error(err, "reading the record of the acknowledged view; the view is applied with its dry run")
	}
	r.Log.Info("watching the global network view", "path", r.Path, "namespace", r.Namespace, "acknowledged", acked)

	changes := make(chan struct{}, 1)
	created := make(chan struct{}, 1)
	w := &Watcher{Path: r.Path, Debounce: r.Debounce, Poll: r.Poll, Log: r.Log, Created: func() {
		select {
		case created <- struct{}{}:
		default:
		}
	}}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		w.Run(ctx, func() {
			select {
			case changes <- struct{}{}:
			default: // one pending signal is enough: sync reads the newest file
			}
		})
	}()
	defer wg.Wait()

	ticker := time.NewTicker(r.AckInterval)
	defer ticker.Stop()
	// While a version waits for its acknowledgement it is checked more often: an edit's
	// objects are Ready a few tens of milliseconds after the apply, and waiting for the next
	// AckInterval tick added up to a second to the ack. A check resumes at the first object
	// not Ready yet, so it costs about one cache read.
	pending := time.NewTicker(min(r.AckInterval, ackPoll))
	defer pending.Stop()
	if r.Repair <= 0 {
		r.Repair = DefaultRepair
	}
	repair := time.NewTicker(r.Repair)
	defer repair.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-pending.C:
			if r.state.pending != nil {
				r.checkAck(ctx)
			}
		case <-repair.C:
			r.repair(ctx)
		case <-created:
			r.sync(ctx, false)
		case <-changes:
			r.sync(ctx, true)
			if r.afterSync != nil {
				r.afterSync()
			}
		case now := <-ticker.C:
			if !r.state.retryAt.IsZero() && !now.Before(r.state.retryAt) {
				r.state.lastHash = "" // apply the file again even if unchanged
				r.sync(ctx, true)
			}
			r.checkAck(ctx)
		}
	}
}

// sync reads the file and, when its content changed, parses, validates, projects and
// applies it. Unchanged content costs one read and a hash. settled is false for a look
// right after the file was created (a rename into place, or the first write of a new
// file): then a view that does not parse or validate is left to the settled look.
func (r *Runner) sync(ctx context.Context, settled bool) {
	data, err := os.ReadFile(r.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if !r.state.missingLogged {
			r.Log.Info("waiting for the global network view file", "path", r.Path)
			r.state.missingLogged = true
		}
		return
	case err != nil:
		if err.Error() != r.state.readErrLogged {
			r.Log.Error(err, "reading the global network view")
			r.state.readErrLogged = err.Error()
		}
		return
	}
	r.state.missingLogged, r.state.readErrLogged = false, ""
	hash := Hash(data)
	if hash == r.state.lastHash {
		return
	}
	r.state.lastHash = hash
	r.state.retryAt = time.Time{}

	start := time.Now()
	v, err := Parse(data)
	version := "" // the version of a view that does not parse is unknown
	if err == nil {
		version = v.Version
		err = Validate(v)
	}
	if err != nil && !settled {
		// Seen early (the file was just created): it may still be being written. The
		// settled look after the burst of events decides.
		r.state.lastHash = ""
		return
	}
	if err != nil {
		r.reject(ctx, version, err)
		return
	}
	parsed := time.Since(start)
	start = time.Now()
	p, err := Project(v, r.Namespace)
	if err != nil {
		r.reject(ctx, v.Version, err)
		return
	}
	r.apply(ctx, p, parsed, time.Since(start))
}

// ProjectDocument parses, validates and projects the bytes of a view file. The error is
// a *ParseError or ValidationErrors (whose FieldErrors name the element path and id).
func ProjectDocument(data []byte, namespace string) (*Projection, error) {
	v, err := Parse(data)
	if err != nil {
		return nil, err
	}
	if err := Validate(v); err != nil {
		return nil, err
	}
	return Project(v, namespace)
}

// apply writes a good view and prepares its acknowledgement. parsed and projected are the
// times taken to parse and validate, and to project, for the log.
func (r *Runner) apply(ctx context.Context, p *Projection, parsed, projected time.Duration) {
	// The content's hash (sync set lastHash to it): a view acknowledged before, with this very
	// content, is applied without the dry run (ApplyOptions.Acknowledged).
	hash := r.state.lastHash
	known := hash != "" && hash == r.state.ackedHash
	res, err := r.state.applier.ApplyWith(ctx, p, ApplyOptions{Acknowledged: known})
	var refused *RefusedError
	if errors.As(err, &refused) {
		// The API server's validation says no: the same content would fail again.
		r.reject(ctx, p.Version, err)
		return
	}
	if err != nil {
		r.retryLater()
		r.Log.Error(err, "applying the global network view; retrying", "version", p.Version,
			"retryIn", r.state.retryDelay, "writes", res.Writes)
		r.event(ctx, "Warning", ReasonApplyFailed, "apply global view "+p.Version+": "+err.Error())
		return
	}
	r.state.retryDelay = 0
	r.state.last = p
	appliedViews.Inc()
	lastAppliedTimestamp.SetToCurrentTime()
	t := res.Timings
	r.Log.Info("applied the global network view", "version", p.Version, "created", res.Created,
		"updated", res.Updated, "deleted", res.Deleted, "unchanged", res.Unchanged,
		"parseMs", parsed.Milliseconds(), "projectMs", projected.Milliseconds(), "listMs", t.List.Milliseconds(),
		"compareMs", t.Compare.Milliseconds(), "dryRunMs", t.DryRun.Milliseconds(), "applyMs", t.Apply.Milliseconds(),
		"pruneMs", t.Prune.Milliseconds(), "acknowledgedBefore", known)
	r.state.pending = nil
	if len(res.Terminating) > 0 {
		// Objects the view still holds are being deleted; apply again once they are gone,
		// and only then can the version be acknowledged.
		r.Log.Info("waiting for objects being deleted before applying them again", "objects", len(res.Terminating),
			"first", res.Terminating[0].String())
		r.state.retryAt = time.Now().Add(r.AckInterval)
	} else if p.Version != "" && (p.Version != r.state.acked || hash != r.state.ackedHash) {
		// A version acknowledged already but without the record of its file (by a manager
		// from before the record, or of other content under the same version) waits for its
		// objects again, so that the record is written once they are Ready.
		r.state.pending = &pendingAck{version: p.Version, hash: hash, generations: res.Generations, order: refsOf(p), pruned: res.Pruned}
	}
	r.reportApplied(ctx, p.Version, res.Writes > 0)
	r.checkAck(ctx)
}

// retryLater schedules another apply of the file with exponential back-off.
func (r *Runner) retryLater() {
	d := r.state.retryDelay * 2
	if d == 0 {
		d = r.AckInterval
	}
	r.state.retryDelay = min(d, maxRetryDelay)
	r.state.retryAt = time.Now().Add(r.state.retryDelay)
}

// repair applies the last applied view again, so that projected objects deleted or edited
// outside the view come back (a version waiting for its acknowledgement then waits for them
// to be Ready too). Nothing is done while an apply waits for its retry.
func (r *Runner) repair(ctx context.Context) {
	p := r.state.last
	if p == nil || !r.state.retryAt.IsZero() {
		return
	}
	res, err := r.state.applier.Apply(ctx, p)
	if err != nil {
		r.Log.Error(err, "putting back the projection of the global network view", "version", p.Version)
		return
	}
	if res.Created+res.Updated+res.Deleted == 0 {
		return
	}
	msg := fmt.Sprintf("put back what was changed outside version %s of the view: %d created, %d updated, %d deleted (%s)",
		p.Version, res.Created, res.Updated, res.Deleted, describeChanges(res.Changes, maxNamedChanges))
	r.Log.Info(msg)
	r.event(ctx, "Warning", ReasonProjectionRepaired, msg)
}

// maxNamedChanges bounds the objects a repair names in its event and log line.
const maxNamedChanges = 10

// describeChanges names the changes, sorted, at most max of them: "update SecurityGroup
// ns/sg-6f6f6f6f, create Subnet ns/subnet-11aa22bb and 3 more".
func describeChanges(changes []Change, max int) string {
	names := make([]string, 0, len(changes))
	for _, c := range changes {
		names = append(names, c.Action+" "+c.Object.String())
	}
	slices.Sort(names)
	if len(names) <= max {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:max], ", "), len(names)-max)
}

// checkAck writes the ack file once every object of the pending version is Ready.
func (r *Runner) checkAck(ctx context.Context) {
	pa := r.state.pending
	if pa == nil {
		return
	}
	checks := []struct {
		waitsFor string
		first    func() (ObjectRef, bool, error)
	}{
		{"to be Ready", func() (ObjectRef, bool, error) { return pa.firstNotReady(ctx, r.Client) }},
		{"the view dropped to be deleted", func() (ObjectRef, bool, error) { return firstNotGone(ctx, r.Client, pa.pruned) }},
	}
	for _, c := range checks {
		ref, done, err := c.first()
		if err != nil {
			r.Log.Error(err, "checking the acknowledgement", "version", pa.version)
			return
		}
		if !done {
			if ref != pa.waitingFor {
				r.Log.V(1).Info("acknowledgement waits for an object "+c.waitsFor, "version", pa.version, "object", ref.String())
				pa.waitingFor = ref
			}
			return
		}
	}
	if err := WriteAck(AckPath(r.Path), pa.version); err != nil {
		r.Log.Error(err, "writing the ack file", "version", pa.version)
		return
	}
	r.state.acked, r.state.pending = pa.version, nil
	r.Log.Info("acknowledged the global network view", "version", pa.version, "file", AckPath(r.Path))
	if pa.hash != "" {
		if err := WriteAcknowledged(AcknowledgedPath(r.Path), pa.version, pa.hash); err != nil {
			r.Log.Error(err, "recording the acknowledged view; a fresh start applies it with its dry run")
		} else {
			r.state.ackedHash = pa.hash
		}
	}
	r.reportAcknowledged(ctx, pa.version)
}

// refsOf lists the projected objects in apply order.
func refsOf(p *Projection) []ObjectRef {
	objs := p.Objects()
	refs := make([]ObjectRef, len(objs))
	for i, o := range objs {
		refs[i] = refOf(o)
	}
	return refs
}
