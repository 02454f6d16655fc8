package viewgen

import (
	"fmt"
	"os"
	"path/filepath"

	"sigs.k8s.io/yaml"

	"github.com/midovpc/midovpc/internal/globalview"
	"github.com/midovpc/midovpc/internal/midonet/sim"
)

// Hosts is the emulator seed of the MidoNet hosts the cloud of v has (its CLC, gateway and
// nodes, in tunnel zone mido-tz), the same hosts `manager --dev` seeds its embedded emulator
// with: what cmd/midonet-sim --hosts needs to serve that view.
func Hosts(v *globalview.View) *sim.Seed {
	seed := &sim.Seed{TunnelZones: []sim.TunnelZoneSpec{{Name: globalview.SeedTunnelZone, Type: "gre"}}}
	for _, h := range globalview.HostsFromView(v) {
		spec := sim.HostSpec{Name: h.Name, TunnelZones: h.TunnelZones}
		for _, in := range h.Interfaces {
			spec.Interfaces = append(spec.Interfaces, sim.InterfaceSpec{Name: in.Name, Addresses: in.Addresses})
		}
		seed.Hosts = append(seed.Hosts, spec)
	}
	return seed
}

// File names WriteFiles writes.
const (
	ViewFile  = "global_network_info.xml"
	HostsFile = "midonet-hosts.yaml"
)

// WriteFiles writes the view (ViewFile, through a temporary file renamed over it, as the CLC
// does, so that a watcher never reads half a view) and, when hosts is true, the emulator's
// hosts seed (HostsFile) into dir.
func WriteFiles(dir string, v *globalview.View, hosts bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if hosts {
		data, err := yaml.Marshal(Hosts(v))
		if err != nil {
			return fmt.Errorf("hosts seed: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dir, HostsFile), data, 0o644); err != nil {
			return err
		}
	}
	return WriteView(filepath.Join(dir, ViewFile), v)
}

// WriteView writes v to path atomically (temporary file in the same folder, then rename).
func WriteView(path string, v *globalview.View) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write view %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := WriteXML(tmp, v); err != nil {
		tmp.Close()
		return fmt.Errorf("write view %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write view %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write view %s: %w", path, err)
	}
	return nil
}
