package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/dryrun"
	"github.com/midovpc/midovpc/internal/globalview"
	"github.com/midovpc/midovpc/internal/topoview"
)

func init() {
	register("plan", command{
		Summary: "what a view (or manifests) would change in the cluster, without writing anything",
		Run:     runPlan,
	})
}

const planSynopsis = programName + " plan (--global-view FILE | -f MANIFESTS) [--kubeconfig F] [--namespace " + globalview.DefaultNamespace + "]\n" +
	"    [--snapshot FILE | --midonet-url URL [--tenant T] [--token-file F] [--ca-file F]] [-o text|json]\n\n" +
	"  Lists the Kubernetes objects the change creates, updates and deletes, and under each the MidoNet\n" +
	"  writes the controllers would then make (predicted against MidoNet's current state, live or from a\n" +
	"  snapshot file; nothing is written to either). Without --midonet-url or --snapshot, MidoNet is the\n" +
	"  one the manager publishes; when none is found, only Kubernetes objects are listed.\n" +
	"  Exit 0 when nothing would change, 2 when something would, 1 on failure."

// exitChanges is plan's answer "something would change".
const exitChanges = 2

func runPlan(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	view := fs.String("global-view", "", "a global_network_info.xml, projected as the manager would")
	manifests := fs.String("f", "", "a YAML file of midovpc objects (as `import` prints them); nothing is pruned")
	kubeconfig := fs.String("kubeconfig", "", "kubeconfig of the cluster (default: $KUBECONFIG, in-cluster, ~/.kube/config)")
	namespace := fs.String("namespace", globalview.DefaultNamespace, "namespace of the projected objects")
	var output string
	fs.StringVar(&output, "o", "text", "output format: text or json")
	fs.StringVar(&output, "output", "text", "same as -o")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up reading the cluster and MidoNet after this long")
	var src sourceFlags
	src.bind(fs)
	if code, done := parseFlags(fs, planSynopsis, args, stdout, stderr); done {
		return code
	}
	if (*view == "") == (*manifests == "") {
		return usageError(fs, stderr, errors.New("give exactly one of --global-view FILE and -f MANIFESTS"))
	}
	if output != "text" && output != "json" {
		return usageError(fs, stderr, fmt.Errorf("-o %q: want text or json", output))
	}
	p, prune, err := planInput(*view, *manifests, *namespace)
	if err != nil {
		fmt.Fprintf(stderr, "%s plan: %v\n", programName, err)
		return exitError
	}
	cfg, err := ctrl.GetConfig()
	if *kubeconfig != "" {
		cfg, err = clientcmd.BuildConfigFromFlags("", *kubeconfig)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s plan: kubeconfig: %v\n", programName, err)
		return exitError
	}
	scheme, err := vpcv1.SchemeBuilder.Build()
	if err != nil {
		fmt.Fprintf(stderr, "%s plan: %v\n", programName, err)
		return exitError
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		fmt.Fprintf(stderr, "%s plan: %v\n", programName, err)
		return exitError
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	// A dry-run-only client: whatever Plan does, nothing reaches the cluster.
	changes, err := (&globalview.Applier{Client: client.NewDryRunClient(c)}).Plan(ctx, p, prune)
	if err != nil {
		fmt.Fprintf(stderr, "%s plan: %v\n", programName, err)
		return exitError
	}
	predicted, err := predictMidoNet(ctx, &src, c, p, changes)
	if err != nil {
		fmt.Fprintf(stderr, "%s plan: %v\n", programName, err)
		return exitError
	}
	if err := writePlan(stdout, output, changes, predicted); err != nil {
		fmt.Fprintf(stderr, "%s plan: %v\n", programName, err)
		return exitError
	}
	if predicted.note != "" {
		fmt.Fprintf(stderr, "%s plan: %s\n", programName, predicted.note)
	}
	if len(changes) > 0 || (predicted.result != nil && predicted.result.Create+predicted.result.Update+predicted.result.Delete > 0) {
		return exitChanges
	}
	return exitOK
}

// midonetPlan is the MidoNet side of a plan: the prediction, or why there is none.
type midonetPlan struct {
	source string
	result *dryrun.Result
	note   string // why nothing was predicted
}

// predictMidoNet reads MidoNet's state (the --snapshot file, else the live API, found as
// every command finds it) and predicts the writes of applying p. When no MidoNet was named
// and none is published, it says so and predicts nothing.
func predictMidoNet(ctx context.Context, src *sourceFlags, c client.Client, p *globalview.Projection, changes []globalview.Change) (midonetPlan, error) {
	var snap *topoview.Snapshot
	var err error
	mp := midonetPlan{}
	if src.snapshotFile != "" {
		if snap, err = topoview.ReadSnapshotFile(src.snapshotFile); err != nil {
			return mp, err
		}
	} else {
		explicit := src.url != ""
		mn, err := src.client()
		if err != nil {
			if !explicit && errors.Is(err, errNoURL) {
				mp.note = "MidoNet writes not predicted: " + err.Error()
				return mp, nil
			}
			return mp, err
		}
		if snap, err = topoview.ReadSnapshot(ctx, mn, src.tenant); err != nil {
			return mp, errors.New(src.explain(err))
		}
	}
	mp.source = src.describe()
	live, err := dryrun.LiveObjects(ctx, c)
	if err != nil {
		return mp, err
	}
	pruned, err := dryrun.Pruned(live, changes)
	if err != nil {
		return mp, err
	}
	mp.result, err = dryrun.Run(ctx, dryrun.Input{Tenant: snap.Tenant, MidoNet: dryrun.ContentsOf(snap), Live: live, Apply: p.Objects(), Delete: pruned})
	if err != nil {
		return mp, fmt.Errorf("predict the MidoNet writes: %w", err)
	}
	return mp, nil
}

// planInput projects the view (pruning what left it) or reads the manifests (no pruning).
func planInput(view, manifests, namespace string) (*globalview.Projection, bool, error) {
	if view != "" {
		data, err := os.ReadFile(view)
		if err != nil {
			return nil, false, err
		}
		p, err := globalview.ProjectDocument(data, namespace)
		return p, true, err
	}
	data, err := os.ReadFile(manifests)
	if err != nil {
		return nil, false, err
	}
	p, err := readManifests(data, namespace)
	return p, false, err
}

// readManifests reads YAML documents of midovpc objects into a projection; an object without
// a namespace goes to namespace.
func readManifests(data []byte, namespace string) (*globalview.Projection, error) {
	scheme, err := vpcv1.SchemeBuilder.Build()
	if err != nil {
		return nil, err
	}
	if err := corev1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	decode := serializer.NewCodecFactory(scheme).UniversalDeserializer().Decode
	p := &globalview.Projection{Namespace: namespace}
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for n := 1; ; n++ {
		doc, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", n, err)
		}
		if onlyComments(doc) {
			continue
		}
		obj, _, err := decode(doc, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", n, err)
		}
		if _, cluster := obj.(*vpcv1.CoreNetwork); cluster {
			// cluster-scoped
		} else if o, ok := obj.(client.Object); ok && o.GetNamespace() == "" {
			o.SetNamespace(namespace)
		}
		switch o := obj.(type) {
		case *corev1.Namespace:
			// Apply creates the namespace when missing; it is no object of ours to plan.
		case *vpcv1.CoreNetwork:
			p.CoreNetwork = o
		case *vpcv1.Vpc:
			p.Vpcs = append(p.Vpcs, o)
		case *vpcv1.Subnet:
			p.Subnets = append(p.Subnets, o)
		case *vpcv1.SecurityGroup:
			p.SecurityGroups = append(p.SecurityGroups, o)
		case *vpcv1.NetworkInterface:
			p.NetworkInterfaces = append(p.NetworkInterfaces, o)
		case *vpcv1.ElasticIP:
			p.ElasticIPs = append(p.ElasticIPs, o)
		case *vpcv1.RouteTable:
			p.RouteTables = append(p.RouteTables, o)
		case *vpcv1.InternetGateway:
			p.InternetGateways = append(p.InternetGateways, o)
		case *vpcv1.NatGateway:
			p.NatGateways = append(p.NatGateways, o)
		case *vpcv1.NetworkAcl:
			p.NetworkAcls = append(p.NetworkAcls, o)
		case *vpcv1.DhcpOptionSet:
			p.DhcpOptionSets = append(p.DhcpOptionSets, o)
		default:
			return nil, fmt.Errorf("document %d: %T is not a midovpc object", n, obj)
		}
	}
	return p, nil
}

// planEntry is one Kubernetes object of a plan with the MidoNet writes its reconciles would
// make. Action is create, update or delete for a changed object, "" for an unchanged object
// whose writes follow from the changes (a route table's routes live on its subnets) or repair
// drift.
type planEntry struct {
	Action string               `json:"action,omitempty"`
	Object globalview.ObjectRef `json:"object"`
	// MidoNet are the writes, in the order the controllers make them.
	MidoNet []dryrun.Write `json:"midonet,omitempty"`
	// Error says why the object would not be Ready once the controllers settle (its writes
	// stop there), or why its reconcile failed.
	Error string `json:"error,omitempty"`
}

func writePlan(w io.Writer, output string, changes []globalview.Change, mp midonetPlan) error {
	counts := map[string]int{}
	var entries []planEntry
	at := map[globalview.ObjectRef]int{}
	for _, c := range changes {
		counts[c.Action]++
		at[c.Object] = len(entries)
		entries = append(entries, planEntry{Action: c.Action, Object: c.Object})
	}
	if mp.result != nil {
		for _, o := range mp.result.Objects {
			ref := globalview.ObjectRef{Kind: o.Kind, Namespace: o.Namespace, Name: o.Name}
			i, ok := at[ref]
			if !ok {
				i = len(entries)
				at[ref] = i
				entries = append(entries, planEntry{Object: ref})
			}
			entries[i].MidoNet = append(entries[i].MidoNet, o.Writes...)
			entries[i].Error = o.Error
		}
	}
	if output == "json" {
		type midonetTotals struct {
			Source string `json:"source"`
			Create int    `json:"create"`
			Update int    `json:"update"`
			Delete int    `json:"delete"`
		}
		doc := struct {
			Changes []planEntry    `json:"changes"`
			Create  int            `json:"create"`
			Update  int            `json:"update"`
			Delete  int            `json:"delete"`
			MidoNet *midonetTotals `json:"midonet,omitempty"`
			Note    string         `json:"note,omitempty"`
		}{Changes: append([]planEntry{}, entries...), Create: counts["create"], Update: counts["update"], Delete: counts["delete"], Note: mp.note}
		if r := mp.result; r != nil {
			doc.MidoNet = &midonetTotals{mp.source, r.Create, r.Update, r.Delete}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	}
	for _, e := range entries {
		action := e.Action
		if action == "" {
			action = "also" // unchanged in Kubernetes, written in MidoNet
		}
		fmt.Fprintf(w, "%-6s %s\n", action, e.Object)
		for _, mw := range e.MidoNet {
			fmt.Fprintf(w, "         %-6s %s\n", mw.Action, mw.What)
		}
		if e.Error != "" {
			fmt.Fprintf(w, "         ! %s\n", e.Error)
		}
	}
	fmt.Fprintf(w, "%d to create, %d to update, %d to delete\n", counts["create"], counts["update"], counts["delete"])
	if r := mp.result; r != nil {
		fmt.Fprintf(w, "MidoNet (%s): %d to create, %d to update, %d to delete\n", mp.source, r.Create, r.Update, r.Delete)
	}
	return nil
}

// onlyComments reports whether a YAML document holds nothing but comments and blank lines.
func onlyComments(doc []byte) bool {
	for _, line := range bytes.Split(doc, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) > 0 && line[0] != '#' && !bytes.Equal(line, []byte("---")) {
			return false
		}
	}
	return true
}
