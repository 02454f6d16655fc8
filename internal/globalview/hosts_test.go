package globalview

import (
	"reflect"
	"testing"
)

func TestHostsFromView(t *testing.T) {
	tz := []string{SeedTunnelZone}
	want := []SeedHost{
		{Name: "10.111.5.11", TunnelZones: tz, Interfaces: []SeedInterface{
			{Name: "eth0", Addresses: []string{"10.111.5.11"}}, {Name: "eucamd_mido"}}},
		{Name: "10.111.5.22", TunnelZones: tz, Interfaces: []SeedInterface{
			{Name: "eth0", Addresses: []string{"10.111.5.22"}}, {Name: "em1.116", Addresses: []string{"10.116.133.11"}}}},
		{Name: "10.111.5.70", TunnelZones: tz, Interfaces: []SeedInterface{{Name: "eth0", Addresses: []string{"10.111.5.70"}}}},
		{Name: "10.111.5.71", TunnelZones: tz, Interfaces: []SeedInterface{{Name: "eth0", Addresses: []string{"10.111.5.71"}}}},
	}
	if got := HostsFromView(parseValid(t, readFixture(t, "example"))); !reflect.DeepEqual(got, want) {
		t.Errorf("HostsFromView(example) =\n%+v\nwant\n%+v", got, want)
	}
}

func TestHostsFromViewMergesRolesAndNames(t *testing.T) {
	v := parseValid(t, readFixture(t, "example"))
	// A gateway on the CLC host, and a node registered by name.
	v.Config.Mido.Gateways[0].Host = v.Config.EnabledCLCIP
	v.Config.Clusters[0].Nodes[0].Name = "node-a.cloud"
	got := HostsFromView(v)
	if len(got) != 3 {
		t.Fatalf("hosts = %+v, want 3", got)
	}
	clc := got[0]
	wantCLC := []SeedInterface{
		{Name: "eth0", Addresses: []string{"10.111.5.11"}}, {Name: "eucamd_mido"},
		{Name: "em1.116", Addresses: []string{"10.116.133.11"}},
	}
	if !reflect.DeepEqual(clc.Interfaces, wantCLC) {
		t.Errorf("CLC+gateway interfaces = %+v", clc.Interfaces)
	}
	if got[1].Name != "node-a.cloud" || len(got[1].Interfaces[0].Addresses) != 0 {
		t.Errorf("named node = %+v", got[1])
	}
}
