package sim

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// Seed files (midonet-api.md §2.10 "Emulator: needs a seeding interface for hosts", §6 item 10):
// YAML and JSON parse to the same seed; defaults and derived ids are applied by AddHost.
func TestParseSeedYAMLAndJSON(t *testing.T) {
	yamlDoc := []byte(`
tunnelZones:
  - name: mido-tz
hosts:
  - name: node-1
    interfaces:
      - name: eth0
        addresses: [10.111.1.5]
    tunnelZones: [mido-tz]
`)
	jsonDoc := []byte(`{"tunnelZones":[{"name":"mido-tz"}],"hosts":[{"name":"node-1","interfaces":[{"name":"eth0","addresses":["10.111.1.5"]}],"tunnelZones":["mido-tz"]}]}`)
	fromYAML, err := ParseSeed(yamlDoc)
	if err != nil {
		t.Fatal(err)
	}
	fromJSON, err := ParseSeed(jsonDoc)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromYAML, fromJSON) {
		t.Errorf("YAML %+v != JSON %+v", fromYAML, fromJSON)
	}
	if _, err := ParseSeed([]byte("hosts:\n  - name: a\n    interfacez: []\n")); err == nil {
		t.Error("unknown key accepted")
	}
}

func TestLoadSeedFile(t *testing.T) {
	seed, err := LoadSeed("testdata/hosts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(seed.Hosts) != 3 || len(seed.TunnelZones) != 1 || seed.Hosts[1].ID != node2 || *seed.Hosts[2].Alive {
		t.Errorf("seed %+v", seed)
	}
	if _, err := LoadSeed("testdata/absent.yaml"); err == nil || !strings.Contains(err.Error(), "load seed") {
		t.Errorf("missing file: %v", err)
	}
	bad := t.TempDir() + "/bad.json"
	if err := os.WriteFile(bad, []byte(`{"hosts":[{"name":"x","interfaces":[{"name":"e","addresses":["300.1.1.1"]}]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	seed, err = LoadSeed(bad)
	if err != nil {
		t.Fatal(err)
	}
	if err := New(Options{}).ApplySeed(seed); err == nil {
		t.Error("invalid address accepted")
	}
}

// Host ids are the given UUID or derived from the name, so restarts agree; AddHost is
// idempotent and creates a named tunnel zone that does not exist yet.
func TestAddHost(t *testing.T) {
	a, b := New(Options{}), New(Options{})
	spec := HostSpec{Name: "gw-1", Interfaces: []InterfaceSpec{{Name: "eth1", Addresses: []string{"192.168.1.10"}}}, TunnelZones: []string{"tz"}}
	idA, err := a.AddHost(spec)
	if err != nil {
		t.Fatal(err)
	}
	idB, _ := b.AddHost(spec)
	if idA != idB || idA != HostID("gw-1") {
		t.Errorf("ids %s %s", idA, idB)
	}
	if _, err := a.AddHost(spec); err != nil {
		t.Fatal(err)
	}
	tz := a.st.TunnelZones[TunnelZoneID("tz")]
	if tz == nil || tz.Type != "gre" || len(tz.Members) != 1 || tz.Members[0].IPAddress != "192.168.1.10" {
		t.Errorf("zone %+v", tz)
	}
	h := a.st.Hosts[idA]
	if !h.Alive || h.Interfaces[0].Type != "Physical" || h.Interfaces[0].Endpoint != "PHYSICAL" || h.Interfaces[0].MTU != 1500 {
		t.Errorf("host %+v", h)
	}
	if _, err := a.AddHost(HostSpec{Name: "x", TunnelZones: []string{"tz"}}); err == nil {
		t.Error("zone member without address accepted")
	}
	if _, err := a.AddHost(HostSpec{Name: "y", ID: "not-a-uuid"}); err == nil {
		t.Error("bad id accepted")
	}
}
