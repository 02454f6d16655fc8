// Command helm-chart writes the Helm chart generated from config/default (make helm):
//
//	go run ./hack/helm-chart --out dist/chart
//
// It replaces the folder's generated files and removes files it no longer generates.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/midovpc/midovpc/internal/helmchart"
)

func main() {
	out := flag.String("out", "dist/chart", "the chart folder to (re)write")
	root := flag.String("root", ".", "the repository root (config/default is read from there)")
	flag.Parse()
	if err := write(*root, *out); err != nil {
		fmt.Fprintln(os.Stderr, "helm-chart:", err)
		os.Exit(1)
	}
}

func write(root, out string) error {
	files, err := helmchart.Generate(root)
	if err != nil {
		return err
	}
	// Everything in the chart is generated: start from an empty folder so that a file whose
	// object left config/default goes too.
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	for _, name := range helmchart.Files(files) {
		p := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}
