package ociimage

import (
	"archive/tar"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/midovpc/midovpc/internal/testenv"
)

// TestImageRunsTheStampedManager builds the manager as make image does, writes the image as
// an OCI layout, reads it back as a registry or runtime would, and checks what a cluster
// relies on: the entrypoint, the non-root user, and that the binary in the layer runs and
// reports the version it was stamped with.
func TestImageRunsTheStampedManager(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the manager")
	}
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "manager")
	// make image builds with CGO_ENABLED=0 -trimpath; the test keeps the default build
	// settings so that it reuses the build cache of go test and go vet (a static build of
	// the manager from nothing takes minutes on a small machine). The stamping is the same.
	build := exec.Command("go", "build",
		"-ldflags", "-X github.com/midovpc/midovpc/internal/buildinfo.Version=v9.8.7-test", "-o", bin, "./cmd/manager")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	img, err := Build(Options{Binary: bin, Arch: runtime.GOARCH, Version: "v9.8.7-test"})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "image")
	if err := WriteLayout(out, "midovpc/manager:v9.8.7-test", img); err != nil {
		t.Fatal(err)
	}

	idx, err := layout.ImageIndexFromPath(out)
	if err != nil {
		t.Fatal(err)
	}
	manifest, err := idx.IndexManifest()
	if err != nil || len(manifest.Manifests) != 1 {
		t.Fatalf("index: %v, %v", manifest, err)
	}
	if ref := manifest.Manifests[0].Annotations["org.opencontainers.image.ref.name"]; ref != "midovpc/manager:v9.8.7-test" {
		t.Errorf("ref.name %q", ref)
	}
	read, err := idx.Image(manifest.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := read.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cfg.Config.Entrypoint, " "); got != "/manager" {
		t.Errorf("entrypoint %q", got)
	}
	if cfg.Config.User != "65532:65532" {
		t.Errorf("user %q, want the non-root 65532:65532 that config/manager runs", cfg.Config.User)
	}
	if cfg.OS != "linux" || cfg.Architecture != runtime.GOARCH || cfg.Config.Labels["org.opencontainers.image.version"] != "v9.8.7-test" {
		t.Errorf("platform %s/%s, labels %v", cfg.OS, cfg.Architecture, cfg.Config.Labels)
	}

	// The filesystem a container would see: the binary runs and knows its version.
	fs := tar.NewReader(mutate.Extract(read))
	found := map[string]bool{}
	extracted := filepath.Join(dir, "from-image")
	for {
		h, err := fs.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		// Layers name directories with or without a trailing slash: compare without it.
		name := strings.TrimSuffix(h.Name, "/")
		found[name] = true
		if name == "tmp" && h.Typeflag != tar.TypeDir {
			t.Errorf("tmp is not a directory (type %q)", h.Typeflag)
		}
		if h.Name == "manager" {
			if h.Mode&0o111 == 0 || h.Uid != 0 {
				t.Errorf("manager mode %o uid %d: want executable, owned by root", h.Mode, h.Uid)
			}
			data, err := io.ReadAll(fs)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(extracted, data, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, name := range []string{"manager", "etc/passwd", "tmp"} {
		if !found[name] {
			t.Errorf("image lacks %s (has %v)", name, found)
		}
	}
	version, err := exec.Command(extracted, "--version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(version), "midovpc-manager v9.8.7-test ") {
		t.Errorf("manager --version from the image: %q, %v", version, err)
	}
}
