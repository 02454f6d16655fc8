package midonet

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite golden files in testdata/")

// TestDecodeStringlyRuleGolden decodes a rule whose scalars are all strings, as eucanetd writes
// them (and a lenient server may echo them), and compares the canonical re-encoding with the
// golden file.
func TestDecodeStringlyRuleGolden(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("testdata", "rule_stringly.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r Rule
	if err := decodeJSON(in, &r); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if r.Position != 3 || r.NwProto != nil || r.DlType == nil || *r.DlType != DlTypeIPv4 ||
		!r.InvNwSrc || r.TpDst == nil || r.TpDst.Start != 80 || r.Vlan != nil || !r.MatchForwardFlow {
		t.Errorf("decoded rule = %+v", r)
	}
	got, err := json.MarshalIndent(&r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "rule_stringly.golden.json")
	if *updateGolden {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("re-encoded rule differs from %s:\n%s", golden, got)
	}
}

func TestDecodeLenientScalars(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		into any
		want any
	}{
		{"proper JSON takes the fast path", `{"type":"Router","networkLength":24,"adminStateUp":false}`,
			&Port{}, &Port{Type: "Router", NetworkLength: 24, AdminStateUp: Bool(false)}},
		{"numbers and booleans as strings", `{"type":"Router","networkLength":"24","adminStateUp":"false","tunnelKey":"7"}`,
			&Port{}, &Port{Type: "Router", NetworkLength: 24, AdminStateUp: Bool(false), TunnelKey: 7}},
		{"null text for a nullable number", `{"type":"accept","nwProto":"null","dlType":"2054"}`,
			&Rule{}, &Rule{Type: "accept", DlType: Int(DlTypeARP)}},
		{"explicit zero stays apart from null", `{"type":"accept","nwProto":"0"}`,
			&Rule{}, &Rule{Type: "accept", NwProto: Int(0)}},
		{"number where a string is expected", `{"addr":"10.0.0.1","version":4}`,
			&IPAddrGroupAddr{}, &IPAddrGroupAddr{Addr: "10.0.0.1", Version: "4"}},
		{"nested lists", `[{"subnetPrefix":"10.0.1.0","subnetLength":"24","opt121Routes":[{"destinationPrefix":"169.254.169.254","destinationLength":"32","gatewayAddr":"10.0.1.1"}],"enabled":"true"}]`,
			&[]DHCPSubnet{}, &[]DHCPSubnet{{SubnetPrefix: "10.0.1.0", SubnetLength: 24, Enabled: Bool(true),
				Opt121Routes: []Opt121Route{{DestinationPrefix: "169.254.169.254", DestinationLength: 32, GatewayAddr: "10.0.1.1"}}}}},
		{"host with interfaces", `{"id":"h","alive":"true","hostInterfaces":[{"name":"eth1","mtu":"1500","status":"3"}]}`,
			&Host{}, &Host{ID: "h", Alive: true, HostInterfaces: []HostInterface{{Name: "eth1", MTU: 1500, Status: 3}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := decodeJSON([]byte(tc.in), tc.into); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !reflect.DeepEqual(tc.into, tc.want) {
				t.Errorf("got %+v, want %+v", tc.into, tc.want)
			}
		})
	}

	var p Port
	if err := decodeJSON([]byte(`{"networkLength":"twenty"}`), &p); err == nil {
		t.Error("a non-numeric string for a number decoded without error")
	}
	if err := decodeJSON([]byte(`{"type":`), &p); err == nil {
		t.Error("truncated JSON decoded without error")
	}
}

// TestEncodeOmitsUnsetFields checks what a create sends: unset optional fields are left out
// (MidoNet then applies its defaults), pointers keep an explicit false or zero.
func TestEncodeOmitsUnsetFields(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   any
		want string
	}{
		{"router", &Router{Name: "eucart", TenantID: "t"}, `{"tenantId":"t","name":"eucart"}`},
		{"admin down is sent", &Bridge{Name: "b", AdminStateUp: Bool(false)}, `{"name":"b","adminStateUp":false}`},
		{"route keeps zero lengths and weight", &Route{SrcNetworkAddr: "0.0.0.0", DstNetworkAddr: "10.0.0.0", DstNetworkLength: 16, Type: "Normal", NextHopPort: Ref("p")},
			`{"srcNetworkAddr":"0.0.0.0","srcNetworkLength":0,"dstNetworkAddr":"10.0.0.0","dstNetworkLength":16,"type":"Normal","nextHopPort":"p","weight":0}`},
		{"rule with nwProto 0", &Rule{Type: "accept", NwProto: Int(0), TpDst: &PortRange{Start: 22, End: 22}},
			`{"type":"accept","nwProto":0,"tpDst":{"start":22,"end":22}}`},
		{"link", PortLink{PeerID: "b"}, `{"peerId":"b"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := json.Marshal(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
