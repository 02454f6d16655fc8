package globalview

import (
	"fmt"
	"io"

	"sigs.k8s.io/yaml"
)

// yamlHeader opens WriteYAML's output; it tells the reader what was left out and why.
const yamlHeader = `# Objects projected from a Eucalyptus global network view by kubectl-midovpc import.
# View version: %s. Apply with: kubectl apply -f FILE (server-side apply works too).
#
# Owner references are omitted: they need the UIDs the API server gives the parent
# objects; midovpc's controllers add them once the objects are applied. Deleting a Vpc
# deletes its subnets, security groups, route tables and network ACLs, and deleting a
# Subnet its network interfaces and NAT gateways, as owner references cascade in Kubernetes
# (the parent records a DeletingChildren event naming them). kubectl delete --cascade=orphan
# deletes the parent only: its children stay, and so do its MidoNet objects while they do.
# The label vpc.midovpc.io/source=global-view is kept: a midovpc that reads the same
# view treats these objects as its own and prunes those that leave the view. Remove
# the label from objects you want to keep by hand.
`

// WriteYAML writes the projection as YAML documents separated by "---": the namespace,
// then every object in apply order, with apiVersion and kind, without status and
// server-set metadata, and without owner references (see yamlHeader).
func WriteYAML(w io.Writer, p *Projection) error {
	version := p.Version
	if version == "" {
		version = "(none)"
	}
	if _, err := fmt.Fprintf(w, yamlHeader, version); err != nil {
		return err
	}
	docs := []map[string]any{{
		"apiVersion": "v1",
		"kind":       "Namespace",
		"metadata":   map[string]any{"name": p.Namespace},
	}}
	for _, obj := range p.Objects() {
		m, err := manifest(obj)
		if err != nil {
			return err
		}
		if md, ok := m["metadata"].(map[string]any); ok {
			delete(md, "ownerReferences")
		}
		docs = append(docs, m)
	}
	for _, doc := range docs {
		out, err := yaml.Marshal(doc)
		if err != nil {
			return fmt.Errorf("write YAML: %w", err)
		}
		if _, err := fmt.Fprintf(w, "---\n%s", out); err != nil {
			return err
		}
	}
	return nil
}
