package globalview

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.golden.json files")

// fixtures are the valid documents in testdata, one per format the CLC wrote.
var fixtures = []string{
	"example",             // the shared 4.3/4.4 example, indented, with comments
	"single-line",         // the example as the CLC writes it: one line, no comments
	"v41-flat",            // 4.1: no mode/version, flat gateway keys, swapped routes
	"v43-legacy-gateways", // 4.2/4.3: gateways list with legacy keys, unknown elements
	"v44-bgp-gateways",    // 4.4: two BGP gateways, 17-digit ids
	"empty-lists",         // configuration only, every list empty
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".xml"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// parseValid parses and validates a document that must be valid.
func parseValid(t testing.TB, data []byte) *View {
	t.Helper()
	v, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if err := Validate(v); err != nil {
		t.Fatalf("Validate:\n%v", err)
	}
	return v
}

func TestParseGolden(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			v := parseValid(t, readFixture(t, name))
			got, err := json.MarshalIndent(v, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", name+".golden.json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("parsed view differs from %s (run go test -update after checking):\n%s", golden, got)
			}
		})
	}
}

func TestParseExampleFacts(t *testing.T) {
	v := parseValid(t, readFixture(t, "example"))
	counts := map[string][2]int{}
	var subnets, acls, rtbs, nats, enis int
	for _, vpc := range v.VPCs {
		subnets += len(vpc.Subnets)
		acls += len(vpc.NetworkACLs)
		rtbs += len(vpc.RouteTables)
		nats += len(vpc.NatGateways)
	}
	for _, in := range v.Instances {
		enis += len(in.NetworkInterfaces)
	}
	for what, c := range map[string][2]int{
		"VPCs": {len(v.VPCs), 2}, "subnets": {subnets, 3}, "ACLs": {acls, 1}, "route tables": {rtbs, 2},
		"NAT gateways": {nats, 1}, "instances": {len(v.Instances), 4}, "interfaces": {enis, 5},
		"IGWs": {len(v.InternetGateways), 1}, "security groups": {len(v.SecurityGroups), 2},
		"DHCP option sets": {len(v.DHCPOptionSets), 1}, "gateways": {len(v.Config.Mido.Gateways), 1},
	} {
		if c[0] != c[1] {
			t.Errorf("%s: got %d, want %d", what, c[0], c[1])
		}
		counts[what] = c
	}
	if v.Version != "3f9c1e7a" || v.Config.Mode != ModeVPCMIDO || v.Config.ModeInferred {
		t.Errorf("version %q mode %q inferred %v", v.Version, v.Config.Mode, v.Config.ModeInferred)
	}
	if len(v.Notes) != 0 {
		t.Errorf("notes for a current-format file: %q", v.Notes)
	}

	routes := v.VPCs[0].RouteTables[0].Routes
	wantTargets := []struct {
		kind RouteTargetKind
		id   string
	}{
		{RouteTargetLocal, "local"},
		{RouteTargetInternetGateway, "igw-7a8b9c0d"},
		{RouteTargetNetworkInterface, "eni-c3c3c3c3"},
		{RouteTargetNatGateway, "nat-0c1d2e3f4a5b6c7d8"},
	}
	for i, w := range wantTargets {
		if kind, id := routes[i].Target(); kind != w.kind || id != w.id {
			t.Errorf("route %d target = %s %s, want %s %s", i, kind, id, w.kind, w.id)
		}
	}

	g := v.Config.Mido.Gateways[0]
	if g.Format != GatewayFormatV44 || g.Host != "10.111.5.22" || g.PeerIP() != "10.116.133.173" ||
		g.BGPPeerASN == nil || *g.BGPPeerASN != 65000 || *v.Config.Mido.BGPASN != 64512 {
		t.Errorf("gateway = %+v", g)
	}

	router := v.Instances[2].NetworkInterfaces[0]
	if router.ID != "eni-c3c3c3c3" || router.SourceDestChecked() || router.SourceDestCheck == nil {
		t.Errorf("router interface %s: sourceDestCheck %v, want explicit false", router.ID, router.SourceDestCheck)
	}
	secondary := v.Instances[3].NetworkInterfaces[1]
	if secondary.Index() != 1 || secondary.IsPrimary() {
		t.Errorf("secondary interface %s has index %d", secondary.ID, secondary.Index())
	}
	if v.Instances[2].PublicIP != "" {
		t.Errorf("private-only instance has public IP %q", v.Instances[2].PublicIP)
	}
	entry := v.VPCs[0].NetworkACLs[0].IngressEntries[2]
	if entry.ICMPType == nil || *entry.ICMPType != -1 || entry.PortRangeFrom != nil {
		t.Errorf("ICMP entry = %+v", entry)
	}
	if got := v.DHCPOptionSets[0].DomainNameServers(); !reflect.DeepEqual(got, []string{"10.111.5.11", "10.111.1.53"}) {
		t.Errorf("domain name servers = %q", got)
	}

	placement := map[string]string{
		"i-01234567": "10.111.5.70", "i-12345678": "10.111.5.70",
		"i-23456789": "10.111.5.71", "i-3456789a": "10.111.5.71", "i-ffffffff": "",
	}
	for id, node := range placement {
		if got := v.NodeOf(id); got != node {
			t.Errorf("NodeOf(%s) = %q, want %q", id, got, node)
		}
		// A hand-built view (no index) answers the same.
		hand := &View{Config: v.Config}
		if got := hand.NodeOf(id); got != node {
			t.Errorf("hand-built NodeOf(%s) = %q, want %q", id, got, node)
		}
	}
}

// The CLC writes one line without indentation; the indented example must read the same.
func TestParseSingleLineEqualsIndented(t *testing.T) {
	indented := parseValid(t, readFixture(t, "example"))
	oneLine := parseValid(t, readFixture(t, "single-line"))
	if !reflect.DeepEqual(indented, oneLine) {
		t.Error("single-line and indented example parse differently")
	}
}

func TestParseV41(t *testing.T) {
	v := parseValid(t, readFixture(t, "v41-flat"))
	if v.Version != "" || v.Config.Mode != ModeVPCMIDO || !v.Config.ModeInferred {
		t.Errorf("version %q, mode %q inferred %v; want no version, VPCMIDO inferred", v.Version, v.Config.Mode, v.Config.ModeInferred)
	}
	want := Gateway{
		Format:           GatewayFormatFlat,
		Host:             "a-35.qa1.eucalyptus-systems.com",
		ExternalCIDR:     "10.116.0.0/17",
		ExternalDevice:   "em1.116",
		ExternalIP:       "10.116.133.77",
		ExternalRouterIP: "10.116.133.67",
	}
	if gws := v.Config.Mido.Gateways; len(gws) != 1 || !sameGateway(gws[0], want) {
		t.Errorf("gateways = %+v, want [%+v]", gws, want)
	}
	wantRoutes := []Route{
		{DestinationCIDR: "10.0.0.0/16", GatewayID: "local"},
		{DestinationCIDR: "0.0.0.0/0", GatewayID: "igw-7a8b9c0d"},
	}
	if got := v.VPCs[0].RouteTables[0].Routes; !reflect.DeepEqual(got, wantRoutes) {
		t.Errorf("routes = %+v, want swapped back to %+v", got, wantRoutes)
	}
	eni := v.Instances[0].NetworkInterfaces[0]
	if eni.VPC != "vpc-0a1b2c3d" || eni.Subnet != "subnet-11aa22bb" {
		t.Errorf("interface placement = %s/%s, want the instance's", eni.VPC, eni.Subnet)
	}
	wantNotes := []string{"mode taken as VPCMIDO", "flat under mido", "swapped back", "took those of their instance"}
	assertNotes(t, v.Notes, wantNotes)
	if n := len(v.SecurityGroups[0].IngressRules); n != 1 {
		t.Errorf("ingress rules = %d, want 1 (legacy rules ignored)", n)
	}
}

func TestParseV43LegacyGateways(t *testing.T) {
	v := parseValid(t, readFixture(t, "v43-legacy-gateways"))
	if v.AppliedVersion != "0badc0de" || v.AppliedTime != "2016-03-01T10:00:00Z" {
		t.Errorf("applied version/time = %q %q", v.AppliedVersion, v.AppliedTime)
	}
	want := []Gateway{
		{Format: GatewayFormatLegacy, Host: "gw-a.qa1.eucalyptus-systems.com", ExternalCIDR: "10.116.0.0/17",
			ExternalDevice: "em1.116", ExternalIP: "10.116.133.77", ExternalRouterIP: "10.116.133.67"},
		{Format: GatewayFormatLegacy, Host: "gw-b.qa1.eucalyptus-systems.com", ExternalCIDR: "10.116.0.0/17",
			ExternalDevice: "em2", ExternalIP: "10.116.133.78", ExternalRouterIP: "10.116.133.67"},
	}
	got := v.Config.Mido.Gateways
	if len(got) != len(want) {
		t.Fatalf("gateways = %+v", got)
	}
	for i := range want {
		if !sameGateway(got[i], want[i]) {
			t.Errorf("gateway %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if got := v.Config.Other["publicGateway"]; !reflect.DeepEqual(got, []string{"10.116.133.1"}) {
		t.Errorf("EDGE publicGateway kept as %q", got)
	}
	if v.NodeOf("i-01234567") != "node-1.qa1.eucalyptus-systems.com" {
		t.Errorf("NodeOf = %q", v.NodeOf("i-01234567"))
	}
	if len(v.Notes) != 0 {
		t.Errorf("notes = %q", v.Notes)
	}
}

func TestParseV44BGPGateways(t *testing.T) {
	v := parseValid(t, readFixture(t, "v44-bgp-gateways"))
	asn := func(n int64) *int64 { return &n }
	want := []Gateway{
		{Format: GatewayFormatV44, Host: "10.111.5.22", ExternalCIDR: "10.116.128.0/17", ExternalDevice: "em1.116",
			ExternalIP: "10.116.133.11", BGPPeerIP: "10.116.133.173", BGPPeerASN: asn(65000),
			BGPAdRoutes: []string{"10.116.150.0/24", "10.116.151.0/24"}},
		// 4.4 keys override the legacy gatewayIP/gatewayInterface; the CIDR comes from mido.
		{Format: GatewayFormatV44, Host: "10.111.5.23", ExternalCIDR: "10.116.128.0/17", ExternalDevice: "em1.117",
			ExternalIP: "10.116.133.12", BGPPeerIP: "10.116.133.174", BGPPeerASN: asn(4200000001),
			BGPAdRoutes: []string{"10.116.150.0/24"}},
	}
	got := v.Config.Mido.Gateways
	if len(got) != 2 {
		t.Fatalf("gateways = %+v", got)
	}
	for i := range want {
		if !sameGateway(got[i], want[i]) {
			t.Errorf("gateway %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if got[1].ExternalRouterIP != "" {
		t.Errorf("BGP gateway got static router %q", got[1].ExternalRouterIP)
	}
	if b := v.Config.Mido.BGPASN; b == nil || *b != 64512 {
		t.Errorf("bgpAsn = %v", b)
	}
	if !v.Instances[0].NetworkInterfaces[0].SourceDestChecked() {
		t.Error("sourceDestCheck TRUE read as false")
	}
}

func TestParseEmptyLists(t *testing.T) {
	v := parseValid(t, readFixture(t, "empty-lists"))
	if len(v.VPCs)+len(v.Instances)+len(v.DHCPOptionSets)+len(v.InternetGateways)+len(v.SecurityGroups) != 0 {
		t.Errorf("empty lists parsed as %+v", v)
	}
	if len(v.Config.Mido.Gateways) != 0 || len(v.Config.Clusters) != 1 || len(v.Config.Clusters[0].Nodes) != 1 ||
		len(v.Config.Clusters[0].Nodes[0].InstanceIDs) != 0 {
		t.Errorf("configuration = %+v", v.Config)
	}
}

// Reading rules for leaves and repeated elements (see doc.go).
func TestParseLeafRules(t *testing.T) {
	base := string(readFixture(t, "single-line"))
	tests := []struct {
		name, old, new string
		check          func(v *View) (got, want any)
	}{
		{"indented leaf text is trimmed",
			`<value>10.111.5.11</value></property><property name="instanceDNSDomain">`,
			"<value>\n\t  10.111.5.11  \n</value></property><property name=\"instanceDNSDomain\">",
			func(v *View) (any, any) { return v.Config.EnabledCLCIP, "10.111.5.11" }},
		{"comment inside a leaf is skipped",
			`<cidr>10.0.0.0/16</cidr>`, `<cidr>10.0.0.0<!-- why -->/16</cidr>`,
			func(v *View) (any, any) { return v.VPCs[0].CIDR, "10.0.0.0/16" }},
		{"empty leaf is absent",
			`<publicIp>10.116.150.11</publicIp>`, `<publicIp/>`,
			func(v *View) (any, any) { return v.Instances[0].PublicIP, "" }},
		{"repeated leaf: last wins",
			`<cidr>10.0.0.0/16</cidr>`, `<cidr>10.9.0.0/16</cidr><cidr>10.0.0.0/16</cidr>`,
			func(v *View) (any, any) { return v.VPCs[0].CIDR, "10.0.0.0/16" }},
		{"repeated section: last wins",
			`<dhcpOptionSets>`, `<dhcpOptionSets><dhcpOptionSet name="dopt-00000000"/></dhcpOptionSets><dhcpOptionSets>`,
			func(v *View) (any, any) { return v.DHCPOptionSets[0].ID, "dopt-4d4d4d4d" }},
		{"unknown elements and attributes are ignored",
			`<vpc name="vpc-4e5f6a7b">`, `<vpc future="x" name="vpc-4e5f6a7b"><future><cidr>1.2.3.0/24</cidr></future>`,
			func(v *View) (any, any) { return v.VPCs[1].CIDR, "172.16.0.0/16" }},
		{"entities are decoded",
			`<value>eucalyptus.internal</value></property><property name="instanceDNSServers">`,
			`<value>eucalyptus&#46;internal</value></property><property name="instanceDNSServers">`,
			func(v *View) (any, any) { return v.Config.InstanceDNSDomain, "eucalyptus.internal" }},
		{"byte order mark before the declaration",
			`<?xml`, "\ufeff<?xml",
			func(v *View) (any, any) { return v.Version, "3f9c1e7a" }},
		{"missing mode is inferred",
			`<property name="mode"><value>VPCMIDO</value></property>`, ``,
			func(v *View) (any, any) { return []any{v.Config.Mode, v.Config.ModeInferred}, []any{"VPCMIDO", true} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := parseValid(t, []byte(replaceOnce(t, base, tt.old, tt.new)))
			if got, want := tt.check(v); !reflect.DeepEqual(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

// Documents that are not readable as a view at all fail with a *ParseError.
func TestParseRejectsDocument(t *testing.T) {
	example := string(readFixture(t, "example"))
	decl, body, _ := strings.Cut(example, "\n")
	deep := "<network-data>" + strings.Repeat("<a>", 10000) + strings.Repeat("</a>", 10000) + "</network-data>"
	tests := []struct {
		name string
		doc  string
		want string
		line int // expected line of the error, 0 = not checked
	}{
		{"empty", "", "empty document", 0},
		{"whitespace only", " \n\t", "no <network-data> root element", 0},
		{"comment before root", "<!-- hello -->\n" + example, "comment before the root element", 1},
		{"comment between declaration and root", decl + "\n<!-- hello -->\n" + body, "comment before the root element", 2},
		{"doctype before root", decl + "\n<!DOCTYPE network-data>\n" + body, "directive <!DOCTYPE> is not allowed", 2},
		{"processing instruction before root", decl + "\n<?xml-stylesheet href=\"a.xsl\"?>\n" + body, "processing instruction <?xml-stylesheet?>", 2},
		{"text before root", decl + "\njunk" + body, "text before the root element", 0},
		{"wrong root", decl + "\n<network-info version=\"3f9c1e7a\"/>", "root element is <network-info>, want <network-data>", 2},
		{"second root", example + "\n<network-data/>", "element <network-data> after the root element", 0},
		{"text after root", example + "\ntrailing", "text after the root element", 0},
		{"not UTF-8", strings.Replace(example, "eucalyptus.internal", "eucalyptus\xff.internal", 1), "invalid UTF-8 byte 0xff at offset", 37},
		{"declared latin-1", strings.Replace(example, `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1), "ISO-8859-1", 0},
		{"mismatched end tag", strings.Replace(example, "</cidr>", "</cird>", 1), "XML syntax error: element <cidr> closed by </cird>", 0},
		{"end tag without start", strings.Replace(example, "</cidr>", "</cidr></cidr>", 1), "XML syntax error: element <vpc> closed by </cidr>", 0},
		{"end tag after the root", example + "</network-data>", "XML syntax error: unexpected end element </network-data>", 0},
		{"end tag of another prefix", strings.Replace(example, "<cidr>", "<a:cidr>", 1), "closed by </cidr>", 0},
		{"undefined entity", strings.Replace(example, "eucalyptus.internal", "eucalyptus&nbsp;internal", 1), "XML syntax error", 0},
		{"control character", strings.Replace(example, "eucalyptus.internal", "eucalyptus\x01internal", 1), "XML syntax error", 0},
		{"deep nesting", deep, "nested deeper than 64 levels", 1},
		{"unclosed root", strings.TrimSuffix(strings.TrimSpace(example), "</network-data>"), "XML syntax error", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error = %v (%T), want *ParseError", err, err)
			}
			if !strings.Contains(pe.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", pe, tt.want)
			}
			if tt.line != 0 && pe.Line != tt.line {
				t.Errorf("error at line %d, want %d: %v", pe.Line, tt.line, pe)
			}
		})
	}
}

// A file cut anywhere (a partial copy) must fail cleanly, never panic or pass.
func TestParseTruncated(t *testing.T) {
	for _, name := range []string{"example", "single-line"} {
		data := readFixture(t, name)
		end := bytes.LastIndexByte(data, '>') // a cut after this byte loses nothing
		for n := 0; n < end; n += 97 {
			v, err := Parse(data[:n])
			if err == nil {
				err = Validate(v)
			}
			if err == nil {
				t.Errorf("%s truncated to %d bytes was accepted", name, n)
			}
		}
	}
}

func TestParseSizeLimit(t *testing.T) {
	example := readFixture(t, "example")
	// About 50 MB: the example with a long comment inside the root.
	const padding = 50 << 20
	open := []byte(`<network-data version="3f9c1e7a">`)
	i := bytes.Index(example, open) + len(open)
	big := make([]byte, 0, len(example)+padding+16)
	big = append(big, example[:i]...)
	big = append(big, "<!--"...)
	big = append(big, bytes.Repeat([]byte("padding "), padding/8)...)
	big = append(big, "-->"...)
	big = append(big, example[i:]...)

	_, err := ParseWith(big, Options{MaxSize: 32 << 20})
	var pe *ParseError
	if !errors.As(err, &pe) || !strings.Contains(pe.Msg, "document is 52") || !strings.Contains(pe.Msg, "limit of 33554432 bytes") {
		t.Errorf("50 MB document with a 32 MiB limit: %v", err)
	}

	huge := make([]byte, DefaultMaxSize+1)
	if _, err := Parse(huge); err == nil || !strings.Contains(err.Error(), "document is 67108865 bytes, larger than the limit of 67108864 bytes") {
		t.Errorf("document over the default limit: %v", err)
	}

	// Under the default limit the same document parses, to the example's view
	// (the slow half of this test: skipped with -short).
	if testing.Short() {
		return
	}
	v, err := Parse(big)
	if err != nil {
		t.Fatalf("50 MB document under the default limit: %v", err)
	}
	if want := parseValid(t, example); !reflect.DeepEqual(v, want) {
		t.Error("padded document parses differently from the example")
	}
}

func TestParseDepthOption(t *testing.T) {
	doc := []byte("<network-data><a><b><c/></b></a></network-data>")
	if _, err := ParseWith(doc, Options{MaxDepth: 3}); err == nil || !strings.Contains(err.Error(), "deeper than 3 levels") {
		t.Errorf("depth 4 with limit 3: %v", err)
	}
	// Depth 4 is fine with limit 4 (the document then fails for lack of configuration).
	_, err := ParseWith(doc, Options{MaxDepth: 4})
	var ve ValidationErrors
	if !errors.As(err, &ve) || ve[0].Path != "configuration" {
		t.Errorf("depth 4 with limit 4: %v", err)
	}
}

func TestHash(t *testing.T) {
	a := Hash([]byte("abc"))
	if a != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("Hash(abc) = %s", a)
	}
	if Hash([]byte("abd")) == a {
		t.Error("different documents hash the same")
	}
}

func BenchmarkParseValidateExample(b *testing.B) {
	data := readFixture(b, "example")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		v, err := Parse(data)
		if err != nil {
			b.Fatal(err)
		}
		if err := Validate(v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseValidateLarge shows that cost grows linearly with the cloud:
// one VPC with 5000 instances (about 4 MB on one line).
func BenchmarkParseValidateLarge(b *testing.B) {
	data := largeView(5000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		v, err := Parse(data)
		if err != nil {
			b.Fatal(err)
		}
		if err := Validate(v); err != nil {
			b.Fatal(err)
		}
	}
}

// largeView generates a valid one-line view with n instances in one VPC.
func largeView(n int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><network-data version="0000abcd"><configuration>` +
		`<property name="mode"><value>VPCMIDO</value></property><property name="enabledCLCIp"><value>10.111.5.11</value></property>` +
		`<property name="instanceDNSDomain"><value>eucalyptus.internal</value></property><property name="instanceDNSServers"><value>10.111.5.11</value></property>` +
		`<property name="clusters"><cluster name="one"><property name="enabledCCIp"><value>10.111.5.12</value></property>` +
		`<property name="macPrefix"><value>d0:0d</value></property><property name="nodes"><node name="10.111.5.70"><instanceIds>`)
	for i := range n {
		fmt.Fprintf(&b, "<value>i-%08x</value>", i)
	}
	b.WriteString(`</instanceIds></node></property></cluster></property></configuration><vpcs><vpc name="vpc-0a1b2c3d">` +
		`<ownerId>123456789012</ownerId><cidr>10.0.0.0/8</cidr><subnets><subnet name="subnet-11aa22bb"><ownerId>123456789012</ownerId>` +
		`<cidr>10.0.0.0/16</cidr><cluster>one</cluster><routeTable>rtb-1a1a1a1a</routeTable></subnet></subnets><networkAcls/>` +
		`<routeTables><routeTable name="rtb-1a1a1a1a"><ownerId>123456789012</ownerId><routes><route><destinationCidr>10.0.0.0/8</destinationCidr>` +
		`<gatewayId>local</gatewayId></route></routes></routeTable></routeTables><natGateways/><internetGateways/></vpc></vpcs><instances>`)
	for i := range n {
		ip := fmt.Sprintf("10.0.%d.%d", i/250, i%250+1)
		fmt.Fprintf(&b, `<instance name="i-%08x"><ownerId>123456789012</ownerId><macAddress>d0:0d:%02x:%02x:%02x:%02x</macAddress>`+
			`<privateIp>%s</privateIp><vpc>vpc-0a1b2c3d</vpc><subnet>subnet-11aa22bb</subnet><networkInterfaces>`+
			`<networkInterface name="eni-%08x"><ownerId>123456789012</ownerId><deviceIndex>0</deviceIndex><attachmentId>eni-attach-%08x</attachmentId>`+
			`<macAddress>d0:0d:%02x:%02x:%02x:%02x</macAddress><privateIp>%s</privateIp><sourceDestCheck>true</sourceDestCheck>`+
			`<vpc>vpc-0a1b2c3d</vpc><subnet>subnet-11aa22bb</subnet><securityGroups><value>sg-5e5e5e5e</value></securityGroups></networkInterface>`+
			`</networkInterfaces><securityGroups><value>sg-5e5e5e5e</value></securityGroups></instance>`,
			i, i>>24, i>>16&0xff, i>>8&0xff, i&0xff, ip, i, i, i>>24, i>>16&0xff, i>>8&0xff, i&0xff, ip)
	}
	b.WriteString(`</instances><dhcpOptionSets/><internetGateways/><securityGroups><securityGroup name="sg-5e5e5e5e"><ownerId>123456789012</ownerId>` +
		`<ingressRules><rule><protocol>-1</protocol><groupId>sg-5e5e5e5e</groupId></rule></ingressRules><egressRules/></securityGroup></securityGroups></network-data>`)
	return []byte(b.String())
}

// sameGateway compares the exported fields of two gateways.
func sameGateway(a, b Gateway) bool {
	a.hostIsIP, a.cidrFromMido, a.routerFromMido = false, false, false
	b.hostIsIP, b.cidrFromMido, b.routerFromMido = false, false, false
	return reflect.DeepEqual(a, b)
}

func assertNotes(t *testing.T, notes, want []string) {
	t.Helper()
	if len(notes) != len(want) {
		t.Errorf("notes = %q, want %d", notes, len(want))
	}
	for _, w := range want {
		found := false
		for _, n := range notes {
			found = found || strings.Contains(n, w)
		}
		if !found {
			t.Errorf("no note mentions %q in %q", w, notes)
		}
	}
}

// replaceOnce replaces the first occurrence of old, which must be present.
func replaceOnce(t testing.TB, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("test document has no %q", old)
	}
	return strings.Replace(s, old, new, 1)
}

// The element tree readTree builds is the one the decoder's Token gives (which also checks
// that end elements match and translates namespace prefixes): the same names, attributes and
// texts, for every fixture.
func TestReadTreeAsTokenReadsIt(t *testing.T) {
	files, err := filepath.Glob("testdata/*.xml")
	if err != nil || len(files) == 0 {
		t.Fatalf("fixtures: %v %v", files, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readTree(data, DefaultMaxDepth)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		want := tokenTree(t, data)
		if w, g := dumpTree(want), dumpTree(got); !slices.Equal(w, g) || len(g) < 10 {
			t.Errorf("%s: the tree differs from Token's:\nToken:\n%s\nreadTree:\n%s", f, strings.Join(w, "\n"), strings.Join(g, "\n"))
		}
	}
}

// tokenTree is readTree as it was written with Token.
func tokenTree(t *testing.T, data []byte) *element {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var root *element
	var stack []*element
	var texts [][]byte
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return root
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			el := &element{name: tk.Name.Local, attrs: tk.Attr}
			if len(stack) == 0 {
				root = el
			} else {
				stack[len(stack)-1].children = append(stack[len(stack)-1].children, el)
			}
			stack, texts = append(stack, el), append(texts, nil)
		case xml.EndElement:
			top := len(stack) - 1
			stack[top].text = strings.TrimSpace(string(texts[top]))
			stack, texts = stack[:top], texts[:top]
		case xml.CharData:
			if len(stack) == 0 {
				continue
			}
			top := len(stack) - 1
			if texts[top] == nil && len(bytes.TrimSpace(tk)) == 0 {
				continue
			}
			texts[top] = append(texts[top], tk...)
		}
	}
}

// dumpTree lists an element tree one element a line: path, attributes (local name = value),
// text.
func dumpTree(e *element) []string {
	var out []string
	var walk func(e *element, path string)
	walk = func(e *element, path string) {
		path += "/" + e.name
		line := path
		for _, a := range e.attrs {
			line += " @" + a.Name.Local + "=" + a.Value
		}
		out = append(out, line+" "+strconv.Quote(e.text))
		for _, c := range e.children {
			walk(c, path)
		}
	}
	walk(e, "")
	return out
}
