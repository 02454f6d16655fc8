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
	"github.com/midovpc/midovpc/internal/globalview"
)

func init() {
	register("plan", command{
		Summary: "what a view (or manifests) would change in the cluster, without writing anything",
		Run:     runPlan,
	})
}

const planSynopsis = programName + " plan (--global-view FILE | -f MANIFESTS) [--kubeconfig F] [--namespace " + globalview.DefaultNamespace + "] [-o text|json]\n\n" +
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
	timeout := fs.Duration("timeout", time.Minute, "give up reading the cluster after this long")
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
	if err := writePlan(stdout, output, changes); err != nil {
		fmt.Fprintf(stderr, "%s plan: %v\n", programName, err)
		return exitError
	}
	if len(changes) > 0 {
		return exitChanges
	}
	return exitOK
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

func writePlan(w io.Writer, output string, changes []globalview.Change) error {
	counts := map[string]int{}
	for _, c := range changes {
		counts[c.Action]++
	}
	if output == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Changes []globalview.Change `json:"changes"`
			Create  int                 `json:"create"`
			Update  int                 `json:"update"`
			Delete  int                 `json:"delete"`
		}{append([]globalview.Change{}, changes...), counts["create"], counts["update"], counts["delete"]})
	}
	for _, c := range changes {
		fmt.Fprintf(w, "%-6s %s\n", c.Action, c.Object)
	}
	_, err := fmt.Fprintf(w, "%d to create, %d to update, %d to delete\n", counts["create"], counts["update"], counts["delete"])
	return err
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
