// Package endpoint tells kubectl-midovpc where the manager's MidoNet is. The manager
// publishes the MidoNet API URL and tenant it uses in the ConfigMap midovpc-midonet of its
// own namespace; the plugin reads it through the user's kubeconfig when --midonet-url is
// not given. A ConfigMap rather than a CoreNetwork status field: it exists before any
// CoreNetwork does, is readable without midovpc's CRDs, and is written by the manager alone.
package endpoint
