package ociimage

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// NonRootUser is the image's user, as in distroless' nonroot: config/manager runs it so.
const NonRootUser = "65532:65532"

// Options describe the image.
type Options struct {
	// Binary is the static manager binary, built for Arch.
	Binary string
	// Arch is the GOARCH of Binary (amd64, arm64).
	Arch string
	// Version labels the image (org.opencontainers.image.version).
	Version string
	// CABundle is copied to /etc/ssl/certs/ca-certificates.crt when set, for a MidoNet
	// behind TLS without --midonet-ca-file.
	CABundle string
}

// epoch is every file's time: the same inputs make the same image digest.
var epoch = time.Unix(0, 0).UTC()

// Build makes the image.
func Build(o Options) (v1.Image, error) {
	files := []file{
		{name: "etc/passwd", mode: 0o644, data: []byte("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n")},
		{name: "etc/group", mode: 0o644, data: []byte("root:x:0:\nnonroot:x:65532:\n")},
	}
	bin, err := os.ReadFile(o.Binary)
	if err != nil {
		return nil, fmt.Errorf("read the manager binary: %w", err)
	}
	files = append(files, file{name: "manager", mode: 0o755, data: bin})
	if o.CABundle != "" {
		ca, err := os.ReadFile(o.CABundle)
		if err != nil {
			return nil, fmt.Errorf("read the CA bundle: %w", err)
		}
		files = append(files, file{name: "etc/ssl/certs/ca-certificates.crt", mode: 0o644, data: ca})
	}
	data, err := tarOf(files)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, fmt.Errorf("make the layer: %w", err)
	}
	img, err := mutate.AppendLayers(mutate.MediaType(mutate.ConfigMediaType(empty.Image, types.OCIConfigJSON), types.OCIManifestSchema1), layer)
	if err != nil {
		return nil, fmt.Errorf("add the layer: %w", err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture, cfg.Created = "linux", o.Arch, v1.Time{Time: epoch}
	cfg.Config.Entrypoint = []string{"/manager"}
	cfg.Config.User = NonRootUser
	cfg.Config.WorkingDir = "/"
	cfg.Config.Labels = map[string]string{
		"org.opencontainers.image.title":   "midovpc-manager",
		"org.opencontainers.image.version": o.Version,
	}
	return mutate.ConfigFile(img, cfg)
}

// WriteLayout writes img as the only image of a fresh OCI layout in dir, tagged ref.
func WriteLayout(dir, ref string, img v1.Image) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return fmt.Errorf("create the OCI layout %s: %w", dir, err)
	}
	if err := p.AppendImage(img, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": ref})); err != nil {
		return fmt.Errorf("write the image into %s: %w", dir, err)
	}
	return nil
}

type file struct {
	name string
	mode int64
	data []byte
}

// tarOf makes the layer's tar, folders first, owned by root.
func tarOf(files []file) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, dir := range []string{"etc/", "etc/ssl/", "etc/ssl/certs/", "home/", "home/nonroot/", "tmp/"} {
		mode := int64(0o755)
		uid := 0
		switch dir {
		case "tmp/":
			mode = 0o1777
		case "home/nonroot/":
			uid = 65532
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: dir, Mode: mode, Uid: uid, Gid: uid, ModTime: epoch}); err != nil {
			return nil, err
		}
	}
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: f.name, Mode: f.mode, Size: int64(len(f.data)), ModTime: epoch}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
