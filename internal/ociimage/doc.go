// Package ociimage builds the manager's container image without a container engine: one
// layer with the static binary, a passwd entry for the non-root user and the CA bundle,
// written as an OCI image layout (`make image`, into bin/image). The layout can be pushed
// with any OCI tool (crane push, skopeo copy oci:bin/image docker://…).
package ociimage
