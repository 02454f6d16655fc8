package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/midovpc/midovpc/internal/topoview"
)

func init() {
	register("topology", command{
		Summary: "print the tenant's MidoNet topology with ids resolved to names",
		Run:     runTopology,
	})
}

const topologySynopsis = programName + " topology [RESOURCE-ID] [--midonet-url URL] [--tenant euca_tenant_1] [--token-file F] [--ca-file F] [-o tree|json|yaml] [--ids] [--qps N] [--timeout D]"

func runTopology(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("topology", flag.ContinueOnError)
	var mn midonetFlags
	mn.bind(fs)
	var output string
	fs.StringVar(&output, "o", "tree", "output format: tree (sorted, diff-friendly), json or yaml")
	fs.StringVar(&output, "output", "tree", "same as -o")
	ids := fs.Bool("ids", false, "show MidoNet ids in the tree (json always has them)")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up reading MidoNet after this long")
	fs.String("kubeconfig", "", "kubeconfig to find the manager's MidoNet endpoint with, without --midonet-url (default $KUBECONFIG, ~/.kube/config)")
	resourceIDs, code, done := parseArgs(fs, topologySynopsis, args, stdout, stderr)
	if done {
		return code
	}
	if len(resourceIDs) > 1 {
		return usageError(fs, stderr, fmt.Errorf("want at most one RESOURCE-ID (vpc-…, subnet-…, sg-…, eni-…, i-…, nat-…, acl-…), got %d", len(resourceIDs)))
	}
	if output != "tree" && output != "json" && output != "yaml" {
		return usageError(fs, stderr, fmt.Errorf("-o %q: want tree, json or yaml", output))
	}
	client, code, ok := mn.clientFor(fs, stderr)
	if !ok {
		return code
	}
	ctx, cancel := commandContext(*timeout)
	defer cancel()
	topo, err := topoview.Load(ctx, client, mn.tenant)
	if err != nil {
		fmt.Fprintf(stderr, "%s topology: %s\n", programName, mn.explain(err))
		return exitError
	}

	if len(resourceIDs) == 1 {
		id := resourceIDs[0]
		only := onlyResource(topo, id)
		if empty(only) && strings.HasPrefix(id, "eni-") {
			// A primary interface (device index 0) is named after its instance in MidoNet,
			// as eucanetd named it: find the instance through the cluster.
			name, err := interfaceName(ctx, fs, id)
			if err != nil {
				fmt.Fprintf(stderr, "%s topology: no MidoNet object of tenant %s is named after %s, and its NetworkInterface "+
					"could not be read to find its instance (a primary interface is named after its instance: give its i- id): %v\n",
					programName, mn.tenant, id, err)
				return exitError
			}
			if name != id {
				only = onlyResource(topo, name)
			}
		}
		if empty(only) {
			fmt.Fprintf(stderr, "%s topology: no MidoNet object of tenant %s is named after %s\n", programName, mn.tenant, id)
			return exitError
		}
		topo = only
	}
	switch output {
	case "json":
		err = topo.WriteJSON(stdout)
	case "yaml":
		err = writeYAML(stdout, topo)
	default:
		var opts []topoview.TreeOption
		if *ids {
			opts = append(opts, topoview.WithIDs())
		}
		err = topo.WriteTree(stdout, opts...)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s topology: %v\n", programName, err)
		return exitError
	}
	return exitOK
}

// usageError reports a command-line mistake found after parsing.
func usageError(fs *flag.FlagSet, stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "%s %s: %v\nRun `%s %s -h` for its flags.\n", programName, fs.Name(), err, programName, fs.Name())
	return exitUsage
}

// writeYAML writes the topology as YAML, the JSON form's fields in YAML.
func writeYAML(w io.Writer, topo *topoview.Topology) error {
	data, err := yaml.Marshal(topo)
	if err != nil {
		return fmt.Errorf("encode YAML: %w", err)
	}
	_, err = w.Write(data)
	return err
}
