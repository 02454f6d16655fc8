// Command image writes the manager's container image as an OCI layout, without a container
// engine (make image):
//
//	go run ./hack/image --binary bin/linux_amd64/manager --arch amd64 --version v0.1.0 --out bin/image
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/midovpc/midovpc/internal/ociimage"
)

func main() {
	var o ociimage.Options
	flag.StringVar(&o.Binary, "binary", "", "the static manager binary")
	flag.StringVar(&o.Arch, "arch", "amd64", "its GOARCH")
	flag.StringVar(&o.Version, "version", "devel", "the version it was stamped with")
	flag.StringVar(&o.CABundle, "ca-bundle", "/etc/ssl/certs/ca-certificates.crt", "CA bundle to include (empty: none)")
	out := flag.String("out", "bin/image", "the OCI layout folder to (re)write")
	ref := flag.String("ref", "", "the image's ref.name annotation (default midovpc/manager:VERSION)")
	flag.Parse()
	if *ref == "" {
		*ref = "midovpc/manager:" + o.Version
	}
	if o.CABundle != "" {
		if _, err := os.Stat(o.CABundle); err != nil {
			o.CABundle = "" // the build machine has none: the image goes without
		}
	}
	img, err := ociimage.Build(o)
	if err == nil {
		err = ociimage.WriteLayout(*out, *ref, img)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
	d, _ := img.Digest()
	fmt.Printf("wrote %s (%s) into %s\n", *ref, d, *out)
}
