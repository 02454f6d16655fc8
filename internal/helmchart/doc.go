// Package helmchart generates the Helm chart in dist/chart from the same manifests as
// config/default: it renders config/default with kustomize's library, writes each object as a
// template (the kubebuilder helm plugin's layout: templates/crd, rbac, manager, metrics) and
// replaces the few fields a Helm user sets (image, replicas, resources, node placement, leader
// election, metrics, the MidoNet URL, the resource namespace) with values whose defaults are the
// manifests' own. hack/helm-chart writes it; hack/verify-generated.sh fails when it is stale.
package helmchart
