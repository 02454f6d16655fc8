package globalview

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// projectFixture parses, validates and projects a testdata document.
func projectFixture(t testing.TB, name string) *Projection {
	t.Helper()
	p, err := Project(parseValid(t, readFixture(t, name)), "eucalyptus-vpc")
	if err != nil {
		t.Fatalf("Project %s: %v", name, err)
	}
	return p
}

// TestProjectGolden pins the projection of each projectable fixture as the YAML that
// kubectl-midovpc import prints (testdata/<name>.projection.golden.yaml; -update rewrites).
func TestProjectGolden(t *testing.T) {
	for _, name := range []string{"example", "single-line", "v44-bgp-gateways", "empty-lists"} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteYAML(&buf, projectFixture(t, name)); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+".projection.golden.yaml")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got := buf.String(); got != string(want) {
				t.Errorf("projection of %s differs from %s (run with -update after checking):\n%s", name, golden, got)
			}
		})
	}
}

func TestProjectExampleFacts(t *testing.T) {
	p := projectFixture(t, "example")
	counts := map[string]int{}
	for _, o := range p.Objects() {
		counts[o.GetObjectKind().GroupVersionKind().Kind]++
	}
	want := map[string]int{
		"CoreNetwork": 1, "Vpc": 2, "Subnet": 3, "SecurityGroup": 2, "NetworkInterface": 5,
		"ElasticIP": 2, "RouteTable": 2, "InternetGateway": 1, "NatGateway": 1, "NetworkAcl": 1,
		"DhcpOptionSet": 1,
	}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("objects per kind = %v, want %v", counts, want)
	}
	for _, o := range p.Objects() {
		if o.GetLabels()[vpcv1.SourceLabel] != vpcv1.SourceGlobalView {
			t.Errorf("%s lacks the source label", o.GetName())
		}
		if o.GetAnnotations()[vpcv1.ViewVersionAnnotation] != "3f9c1e7a" {
			t.Errorf("%s lacks the view version", o.GetName())
		}
		if o.GetName() != vpcv1.CoreNetworkName && (o.GetNamespace() != "eucalyptus-vpc" ||
			o.GetLabels()[vpcv1.OwnerAccountLabel] != "123456789012") {
			t.Errorf("%s: namespace %q, labels %v", o.GetName(), o.GetNamespace(), o.GetLabels())
		}
	}
	// The NAT gateway's public address stays on the gateway, not on an ElasticIP.
	for _, e := range p.ElasticIPs {
		if e.Spec.PublicIP == "10.116.150.20" {
			t.Errorf("the NAT gateway's address became ElasticIP %s", e.Name)
		}
	}
	if got := p.NatGateways[0].Spec.PublicIP; got == nil || *got != "10.116.150.20" {
		t.Errorf("NAT gateway publicIP = %v", got)
	}
	eni := p.NetworkInterfaces[2] // eni-c3c3c3c3, the router
	if eni.Name != "eni-c3c3c3c3" || eni.Spec.SourceDestCheck || eni.Spec.Node != "10.111.5.71" {
		t.Errorf("router ENI = %+v", eni.Spec)
	}
	if n := len(p.NetworkAcls[0].Spec.Ingress); n != 5 {
		t.Errorf("ingress entries = %d, want 5 (the default 32767 deny dropped)", n)
	}
}

// mutateExample projects the example after edit changes the parsed view.
func mutateExample(t *testing.T, edit func(v *View)) (*Projection, error) {
	t.Helper()
	v := parseValid(t, readFixture(t, "example"))
	edit(v)
	return Project(v, "ns")
}

func TestProjectConversions(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(v *View)
		check func(t *testing.T, p *Projection)
	}{{
		name: "protocols by name where standard, by number otherwise",
		edit: func(v *View) {
			rules := v.SecurityGroups[0].IngressRules
			rules[0].Protocol = 17
			rules[1].Protocol = 47
		},
		check: func(t *testing.T, p *Projection) {
			in := p.SecurityGroups[0].Spec.Ingress
			if in[0].Protocol != "udp" || in[0].Ports == nil || in[1].Protocol != "47" || in[1].Ports != nil {
				t.Errorf("rules = %+v, %+v", in[0], in[1])
			}
		},
	}, {
		name: "a rule with neither group nor cidr is 0.0.0.0/0",
		edit: func(v *View) { v.SecurityGroups[0].EgressRules[0].CIDR = "" },
		check: func(t *testing.T, p *Projection) {
			if c := p.SecurityGroups[0].Spec.Egress[0].CIDR; c == nil || *c != "0.0.0.0/0" {
				t.Errorf("cidr = %v", c)
			}
		},
	}, {
		name: "ICMP without type and code means type 0 code 0, as the original",
		edit: func(v *View) {
			r := &v.SecurityGroups[0].IngressRules[2]
			r.ICMPType, r.ICMPCode = nil, nil
		},
		check: func(t *testing.T, p *Projection) {
			if m := p.SecurityGroups[0].Spec.Ingress[2].ICMP; m == nil || *m != (vpcv1.ICMPMatch{}) {
				t.Errorf("icmp = %+v", m)
			}
		},
	}, {
		name: "a group used by two VPCs has no VPC",
		edit: func(v *View) {
			n := &v.Instances[3].NetworkInterfaces[1]
			n.SecurityGroups = append(n.SecurityGroups, "sg-5e5e5e5e")
		},
		check: func(t *testing.T, p *Projection) {
			if p.SecurityGroups[0].Spec.VPC != "" || p.SecurityGroups[1].Spec.VPC != "vpc-4e5f6a7b" {
				t.Errorf("vpcs = %q, %q", p.SecurityGroups[0].Spec.VPC, p.SecurityGroups[1].Spec.VPC)
			}
		},
	}, {
		name: "a missing interface MAC is derived as the CLC does",
		edit: func(v *View) { v.Instances[0].NetworkInterfaces[0].MAC = "" },
		check: func(t *testing.T, p *Projection) {
			if m := p.NetworkInterfaces[0].Spec.MACAddress; m != "d0:0d:a1:a1:a1:a1" {
				t.Errorf("mac = %s", m)
			}
		},
	}, {
		name: "a primary interface without groups has the instance's",
		edit: func(v *View) { v.Instances[0].NetworkInterfaces[0].SecurityGroups = nil },
		check: func(t *testing.T, p *Projection) {
			if g := p.NetworkInterfaces[0].Spec.SecurityGroups; !reflect.DeepEqual(g, []string{"sg-5e5e5e5e"}) {
				t.Errorf("groups = %v", g)
			}
		},
	}, {
		name: "a static gateway routes through externalRouterIP",
		edit: func(v *View) {
			g := &v.Config.Mido.Gateways[0]
			g.BGPPeerIP, g.BGPPeerASN, g.BGPAdRoutes, g.ExternalRouterIP = "", nil, nil, "10.116.133.1"
		},
		check: func(t *testing.T, p *Projection) {
			g := p.CoreNetwork.Spec.Gateways[0]
			if g.ExternalRouterIP == nil || *g.ExternalRouterIP != "10.116.133.1" || g.BGPPeerIP != nil {
				t.Errorf("gateway = %+v", g)
			}
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := mutateExample(t, tt.edit)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, p)
		})
	}
}

func TestProjectRejects(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(v *View)
		wantPath string
	}{{
		name: "an entry 32767 that is not the default deny",
		edit: func(v *View) {
			e := &v.VPCs[0].NetworkACLs[0].EgressEntries[1]
			e.Action = "allow"
		},
		wantPath: "vpcs/vpc[vpc-0a1b2c3d]/networkAcls/networkAcl[acl-3c3c3c3c]/egressEntries/entry[32767]",
	}, {
		name:     "a NAT gateway without MAC",
		edit:     func(v *View) { v.VPCs[0].NatGateways[0].MAC = "" },
		wantPath: "vpcs/vpc[vpc-0a1b2c3d]/natGateways/natGateway[nat-0c1d2e3f4a5b6c7d8]/macAddress",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mutateExample(t, tt.edit)
			var verrs ValidationErrors
			if !errors.As(err, &verrs) || len(verrs) != 1 || verrs[0].Path != tt.wantPath {
				t.Fatalf("error = %v, want one at %s", err, tt.wantPath)
			}
		})
	}
}

func TestProjectLegacyGatewaysNameTheirHost(t *testing.T) {
	p, err := Project(parseValid(t, readFixture(t, "v43-legacy-gateways")), "")
	if err != nil {
		t.Fatal(err)
	}
	gws := p.CoreNetwork.Spec.Gateways
	if len(gws) == 0 {
		t.Fatal("no gateways projected")
	}
	for _, g := range gws {
		if g.HostIP != nil || g.HostName == nil || *g.HostName == "" {
			t.Errorf("legacy gateway %+v: want its host by name", g)
		}
	}
}
