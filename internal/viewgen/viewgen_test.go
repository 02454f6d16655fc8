package viewgen

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/midovpc/midovpc/internal/globalview"
	"github.com/midovpc/midovpc/internal/midonet/sim"
)

// generate writes the view of s as XML and reads it back through the project's parser and
// validator, as the manager will.
func generate(t *testing.T, s Shape) (*globalview.View, []byte) {
	t.Helper()
	v, err := Generate(s)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteXML(&buf, v); err != nil {
		t.Fatal(err)
	}
	parsed, err := globalview.Parse(buf.Bytes())
	if err != nil {
		t.Fatalf("parse the generated view: %v", err)
	}
	if err := globalview.Validate(parsed); err != nil {
		t.Fatalf("the generated view does not validate: %v", err)
	}
	return parsed, buf.Bytes()
}

func TestDefaultShapeOf1000IsTheIssuesCloud(t *testing.T) {
	v, data := generate(t, DefaultShape(1000))
	var subnets, acls, rtbs, nats, eips, groupRefs, rules int
	for _, vpc := range v.VPCs {
		subnets += len(vpc.Subnets)
		acls += len(vpc.NetworkACLs)
		rtbs += len(vpc.RouteTables)
		nats += len(vpc.NatGateways)
		if len(vpc.InternetGateways) != 1 {
			t.Errorf("%s has %d internet gateways, want 1", vpc.ID, len(vpc.InternetGateways))
		}
	}
	interfaces, nodes := 0, 0
	for _, in := range v.Instances {
		interfaces += len(in.NetworkInterfaces)
		if in.PublicIP != "" {
			eips++
		}
		if v.NodeOf(in.ID) == "" {
			t.Errorf("instance %s is on no node", in.ID)
		}
	}
	for _, c := range v.Config.Clusters {
		nodes += len(c.Nodes)
	}
	for _, g := range v.SecurityGroups {
		n := len(g.IngressRules) + len(g.EgressRules)
		rules += n
		refs := 0
		for _, r := range append(g.IngressRules, g.EgressRules...) {
			if r.GroupID != "" {
				refs++
			}
		}
		if n != 6 || refs != 1 {
			t.Errorf("%s has %d rules and %d group references, want 6 and 1", g.ID, n, refs)
		}
		groupRefs += refs
	}
	got := map[string]int{
		"vpcs": len(v.VPCs), "subnets": subnets, "instances": len(v.Instances), "interfaces": interfaces,
		"security groups": len(v.SecurityGroups), "rules": rules, "elastic IPs": eips, "NAT gateways": nats,
		"internet gateways": len(v.InternetGateways), "route tables": rtbs, "network ACLs": acls, "nodes": nodes,
	}
	want := map[string]int{
		"vpcs": 20, "subnets": 100, "instances": 1000, "interfaces": 1000, "security groups": 40, "rules": 240,
		"elastic IPs": 100, "NAT gateways": 20, "internet gateways": 20, "route tables": 40, "network ACLs": 20, "nodes": 50,
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %d, want %d", k, got[k], w)
		}
	}

	p, err := globalview.Project(v, "ns")
	if err != nil {
		t.Fatalf("project: %v", err)
	}
	if len(p.NetworkInterfaces) != 1000 || len(p.ElasticIPs) != 100 || len(p.Subnets) != 100 || len(p.SecurityGroups) != 40 {
		t.Errorf("projection has %d interfaces, %d elastic IPs, %d subnets, %d groups; want 1000, 100, 100, 40",
			len(p.NetworkInterfaces), len(p.ElasticIPs), len(p.Subnets), len(p.SecurityGroups))
	}
	t.Logf("1,000 interfaces: %d bytes of XML", len(data))
}

func TestTenThousandInterfacesValidate(t *testing.T) {
	v, _ := generate(t, DefaultShape(10000))
	if len(v.Instances) != 10000 || len(v.VPCs) != 200 || len(v.SecurityGroups) != 400 {
		t.Errorf("got %d instances, %d VPCs, %d groups; want 10000, 200, 400", len(v.Instances), len(v.VPCs), len(v.SecurityGroups))
	}
}

func TestOddShapesValidate(t *testing.T) {
	for _, s := range []Shape{
		DefaultShape(1), DefaultShape(7), DefaultShape(20), DefaultShape(333),
		{Interfaces: 600, VPCs: 300, SubnetsPerVPC: 1, SecurityGroups: 900, RulesPerGroup: 2, ElasticIPs: 600, Nodes: 3, Seed: 9},
	} {
		v, _ := generate(t, s)
		if len(v.Instances) != s.Interfaces {
			t.Errorf("%+v: %d instances", s, len(v.Instances))
		}
	}
}

func TestSameSeedSameViewOtherSeedOtherIDs(t *testing.T) {
	_, a := generate(t, DefaultShape(50))
	_, b := generate(t, DefaultShape(50))
	if !bytes.Equal(a, b) {
		t.Error("two views of the same shape and seed differ")
	}
	s := DefaultShape(50)
	s.Seed = 2
	other, _ := generate(t, s)
	first, _ := generate(t, DefaultShape(50))
	if other.VPCs[0].ID == first.VPCs[0].ID || other.Instances[0].ID == first.Instances[0].ID {
		t.Errorf("seeds 1 and 2 share ids %s, %s", other.VPCs[0].ID, other.Instances[0].ID)
	}
}

func TestShapeErrorsNameTheField(t *testing.T) {
	for _, c := range []struct {
		edit func(*Shape)
		want string
	}{
		{func(s *Shape) { s.Interfaces = 0 }, "interfaces"},
		{func(s *Shape) { s.VPCs, s.SubnetsPerVPC = 1, 1 }, "per /24 subnet"},
		{func(s *Shape) { s.SecurityGroups = 1 }, "security groups"},
		{func(s *Shape) { s.RulesPerGroup = 1 }, "rules per group"},
		{func(s *Shape) { s.ElasticIPs = 5000 }, "elastic IPs"},
		{func(s *Shape) { s.Nodes = 0 }, "nodes"},
	} {
		s := DefaultShape(1000)
		c.edit(&s)
		if _, err := Generate(s); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one naming %q", err, c.want)
		}
	}
}

func TestFilesHoldTheViewAndItsHosts(t *testing.T) {
	v, err := Generate(DefaultShape(100))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteFiles(dir, v, true); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, ViewFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := globalview.ProjectDocument(data, "ns"); err != nil {
		t.Fatalf("the written view: %v", err)
	}
	seed, err := sim.LoadSeed(filepath.Join(dir, HostsFile))
	if err != nil {
		t.Fatal(err)
	}
	// The CLC, the gateway and 5 nodes, every node with its address on eth0.
	if len(seed.Hosts) != 7 {
		t.Fatalf("%d hosts, want 7", len(seed.Hosts))
	}
	srv := sim.New(sim.Options{})
	if err := srv.ApplySeed(seed); err != nil {
		t.Fatalf("the emulator refuses the hosts: %v", err)
	}
	for _, n := range v.Config.Clusters[0].Nodes {
		found := false
		for _, h := range seed.Hosts {
			found = found || (h.Name == n.Name && len(h.Interfaces) == 1 && h.Interfaces[0].Addresses[0] == n.Name)
		}
		if !found {
			t.Errorf("node %s has no host with its address", n.Name)
		}
	}
}

func TestEditsChangeOneRuleAndTheVersion(t *testing.T) {
	v, err := Generate(DefaultShape(20))
	if err != nil {
		t.Fatal(err)
	}
	before := len(v.SecurityGroups[0].IngressRules)
	versions := map[string]bool{v.Version: true}
	for _, step := range []struct {
		name  string
		edit  func(*globalview.View) error
		rules int
		port  int
	}{
		{"add", AddRule, before + 1, benchPort},
		{"change", ChangeRule, before + 1, benchPort + 1},
		{"remove", RemoveRule, before, 0},
	} {
		if err := step.edit(v); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if versions[v.Version] {
			t.Errorf("%s: version %s was used before", step.name, v.Version)
		}
		versions[v.Version] = true
		var buf bytes.Buffer
		if err := WriteXML(&buf, v); err != nil {
			t.Fatal(err)
		}
		if _, err := globalview.ProjectDocument(buf.Bytes(), "ns"); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		rules := v.SecurityGroups[0].IngressRules
		if len(rules) != step.rules {
			t.Errorf("%s: %d rules, want %d", step.name, len(rules), step.rules)
		}
		if step.port != 0 && *rules[len(rules)-1].FromPort != step.port {
			t.Errorf("%s: last rule on port %d, want %d", step.name, *rules[len(rules)-1].FromPort, step.port)
		}
	}
	if err := RemoveRule(v); err == nil {
		t.Error("removing a rule that is not there succeeded")
	}
}
