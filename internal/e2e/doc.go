// Package e2e holds the end-to-end suites of the main job: the cloud's global network view
// projected into resources, reconciled onto the MidoNet emulator over HTTP by the
// controllers, and acknowledged to the cloud controller, all against a real kube-apiserver.
package e2e
