package translate

import (
	"testing"
)

func TestNameRoundTrips(t *testing.T) {
	const (
		vpcS, vpcL = "vpc-1a2b3c4d", "vpc-0123456789abcdef0"
		subS, subL = "subnet-11112222", "subnet-0123456789abcdef1"
		natL       = "nat-0c1d2e3f4a5b6c7d8"
		ifI, ifE   = "i-0000aaaa", "eni-0a1b2c3d4e5f60718"
		sgS, sgL   = "sg-55556666", "sg-0aaaaaaaaaaaaaaaa"
		aclS, aclL = "acl-77778888", "acl-0123456789abcdef0"
	)
	tests := []struct {
		name string
		want Name
	}{
		{VPCRouterName(vpcS, 2), Name{Kind: NameVPCRouter, Object: ObjectRouter, VPC: vpcS, RouterIndex: 2}},
		{VPCRouterName(vpcL, 10239), Name{Kind: NameVPCRouter, Object: ObjectRouter, VPC: vpcL, RouterIndex: 10239}},
		{VPCPreChainName(vpcL), Name{Kind: NameVPCChain, Object: ObjectChain, VPC: vpcL, Variant: "prechain"}},
		{VPCPreElipChainName(vpcS), Name{Kind: NameVPCChain, Object: ObjectChain, VPC: vpcS, Variant: "preelip"}},
		{VPCPostChainName(vpcS), Name{Kind: NameVPCChain, Object: ObjectChain, VPC: vpcS, Variant: "postchain"}},
		{VPCMetadataInChainName(vpcL), Name{Kind: NameVPCChain, Object: ObjectChain, VPC: vpcL, Variant: "mdulin"}},
		{VPCMetadataOutChainName(vpcL), Name{Kind: NameVPCChain, Object: ObjectChain, VPC: vpcL, Variant: "mdulout"}},
		{SubnetBridgeName(vpcL, subL), Name{Kind: NameSubnetBridge, Object: ObjectBridge, VPC: vpcL, Subnet: subL}},
		{SubnetBridgeName(vpcS, subS), Name{Kind: NameSubnetBridge, Object: ObjectBridge, VPC: vpcS, Subnet: subS}},
		{SubnetInChainName(subL), Name{Kind: NameSubnetChain, Object: ObjectChain, Subnet: subL, Variant: "in"}},
		{SubnetOutChainName(subS), Name{Kind: NameSubnetChain, Object: ObjectChain, Subnet: subS, Variant: "out"}},
		{NATRouterName(natL, subL, 301), Name{Kind: NameNATRouter, Object: ObjectRouter, NAT: natL, Subnet: subL, RouterIndex: 301}},
		{NATInChainName(natL), Name{Kind: NameNATChain, Object: ObjectChain, NAT: natL, Variant: "rtin"}},
		{NATOutChainName(natL), Name{Kind: NameNATChain, Object: ObjectChain, NAT: natL, Variant: "rtout"}},
		{ElipPreGroupName(ifI), Name{Kind: NameElipPreGroup, Object: ObjectAddrGroup, Interface: ifI}},
		{ElipPreGroupName(natL), Name{Kind: NameElipPreGroup, Object: ObjectAddrGroup, NAT: natL}},
		{ElipPostGroupName(ifE), Name{Kind: NameElipPostGroup, Object: ObjectAddrGroup, Interface: ifE}},
		{InterfacePreChainName(ifE), Name{Kind: NameInterfaceChain, Object: ObjectChain, Interface: ifE, Variant: "prechain"}},
		{InterfacePostChainName(ifI), Name{Kind: NameInterfaceChain, Object: ObjectChain, Interface: ifI, Variant: "postchain"}},
		{SGIngressChainName(sgL), Name{Kind: NameSGChain, Object: ObjectChain, SecurityGroup: sgL, Variant: "ingress"}},
		{SGEgressChainName(sgS), Name{Kind: NameSGChain, Object: ObjectChain, SecurityGroup: sgS, Variant: "egress"}},
		{SGPrivGroupName(sgS), Name{Kind: NameSGGroup, Object: ObjectAddrGroup, SecurityGroup: sgS, Variant: "priv"}},
		{SGPubGroupName(sgL), Name{Kind: NameSGGroup, Object: ObjectAddrGroup, SecurityGroup: sgL, Variant: "pub"}},
		{SGAllGroupName(sgL), Name{Kind: NameSGGroup, Object: ObjectAddrGroup, SecurityGroup: sgL, Variant: "all"}},
		{ACLIngressChainName(vpcL, aclL), Name{Kind: NameACLChain, Object: ObjectChain, VPC: vpcL, ACL: aclL, Variant: "ingress"}},
		{ACLEgressChainName(vpcS, aclS), Name{Kind: NameACLChain, Object: ObjectChain, VPC: vpcS, ACL: aclS, Variant: "egress"}},
		{"eucart", Name{Kind: NameCore, Object: ObjectRouter, Variant: "eucart"}},
		{"eucabr_infilter", Name{Kind: NameCore, Object: ObjectChain, Variant: "eucabr_infilter"}},
		{"euca_version", Name{Kind: NameCore, Object: ObjectAddrGroup, Variant: "euca_version"}},
		{"eucapg", Name{Kind: NameCore, Object: ObjectPortGroup, Variant: "eucapg"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseName(tt.name)
			if !ok || got != tt.want {
				t.Fatalf("ParseName = %+v, %v; want %+v", got, ok, tt.want)
			}
			if !IsOwnedName(tt.name) {
				t.Error("IsOwnedName = false")
			}
		})
	}

	if vpc, rtid, ok := ParseVPCRouterName("vr_vpc-0123456789abcdef0_300"); !ok || vpc != vpcL || rtid != 300 {
		t.Errorf("ParseVPCRouterName = %q %d %v", vpc, rtid, ok)
	}
	if vpc, sub, ok := ParseSubnetBridgeName(SubnetBridgeName(vpcL, subL)); !ok || vpc != vpcL || sub != subL {
		t.Errorf("ParseSubnetBridgeName = %q %q %v", vpc, sub, ok)
	}
	if nat, sub, rtid, ok := ParseNATRouterName("natr_nat-0c1d2e3f4a5b6c7d8_subnet-11aa22bb_3"); !ok || nat != natL || sub != "subnet-11aa22bb" || rtid != 3 {
		t.Errorf("ParseNATRouterName = %q %q %d %v", nat, sub, rtid, ok)
	}
	if ifn, v, ok := ParseInterfaceChainName("ic_eni-e5e5e5e5_postchain"); !ok || ifn != "eni-e5e5e5e5" || v != "postchain" {
		t.Errorf("ParseInterfaceChainName = %q %q %v", ifn, v, ok)
	}
	if o, v, ok := ParseElipGroupName(ElipPreGroupName(natL)); !ok || o != natL || v != "pre" {
		t.Errorf("ParseElipGroupName = %q %q %v", o, v, ok)
	}
	if vpc, acl, v, ok := ParseACLChainName(ACLEgressChainName(vpcL, aclS)); !ok || vpc != vpcL || acl != aclS || v != "egress" {
		t.Errorf("ParseACLChainName = %q %q %q %v", vpc, acl, v, ok)
	}
	// A parser for one kind rejects names of another.
	if _, _, ok := ParseVPCRouterName(SubnetBridgeName(vpcS, subS)); ok {
		t.Error("ParseVPCRouterName accepted a bridge name")
	}
}

func TestNameRejections(t *testing.T) {
	for _, name := range []string{
		"vr_vpc-x_1",                           // id too short, not hex
		"vr_vpc-1a2b3c4d_",                     // no rtid
		"vr_vpc-1a2b3c4d_02",                   // non-canonical rtid
		"vr_vpc-1a2b3c4d_+2",                   // sign
		"vr_vpc-1a2b3c4d_2x",                   // trailing garbage
		"vr_vpc-1a2b3c4d_32750",                // rtid at the limit
		"vr_vpc-1A2B3C4D_2",                    // uppercase hex
		"vr_vpc-1a2b3c4_2",                     // 7 hex
		"vr_vpc-1a2b3c4d5_2",                   // 9 hex
		"vr_vpc-0123456789abcdef_2",            // 16 hex
		"vr_vpc-0123456789abcdef01_2",          // 18 hex
		"vr_vpc-1a2b_3c4d_2",                   // "_" inside an id
		"vr_subnet-11112222_2",                 // wrong id kind
		"vb_vpc-1a2b3c4d_subnet-1111222",       // truncated subnet id
		"vb_vpc-0123456789abcdef0_subnet-0123", // 31-character cut of a long-id name
		"vb_vpc-1a2b3c4d_subnet-11112222_",     // trailing separator
		"vb_vpc-1a2b3c4d_subnet-11112222_x",    // extra part
		"vc_vpc-1a2b3c4d_prechai",              // truncated suffix
		"vc_vpc-1a2b3c4d_Prechain",             // case
		"vc_vpc-0123456789abcdef0_postcha",     // 31-character cut
		"sc_subnet-11112222_inn",               // wrong suffix
		"natr_nat-0c1d2e3f_subnet-11aa22bb_3",  // short NAT id (nat is always 17)
		"natc_nat-0c1d2e3f4a5b6c7d8_rt",        // bad suffix
		"elip_pre_i-0000aaa",                   // 7 hex
		"elip_pre_vpc-1a2b3c4d",                // not an interface or NAT
		"elip_post_nat-0c1d2e3f4a5b6c7d8",      // post is interfaces only
		"elip_post_i-0000aaaa_x",               // extra part
		"ic_i-0000aaaa_chain",                  // bad suffix
		"ic_sg-55556666_prechain",              // wrong id kind
		"sg_ingress_sg-5555666",                // 7 hex (an 11-char %11s cut)
		"sg_ingress_sg-0aaaaaaaaaaaaaaa",       // 16 hex
		"sg_other_sg-55556666",                 // unknown variant
		"sg_all_sg-55556666 ",                  // trailing space
		"acl_ingress_vpc-1a2b3c4d_acl-7777888", // truncated ACL id
		"acl_ingress_acl-77778888_vpc-1a2b3c4d",
		"eucart2", "eucabr_infilte", "EUCART", "mido-tz", "vn_i-0000aaaa", "vn0_11112222", "", "_", "vr__2",
	} {
		if n, ok := ParseName(name); ok {
			t.Errorf("ParseName(%q) = %+v, want rejection", name, n)
		}
		if IsOwnedName(name) {
			t.Errorf("IsOwnedName(%q) = true", name)
		}
	}
}

func TestShortIDAndInterfaceNames(t *testing.T) {
	tests := []struct{ in, want string }{
		{"i-0123456789abcdef0", "i-01234567"},
		{"eni-0a1b2c3d4e5f60718", "eni-0a1b2c3d"},
		{"i-0000aaaa", "i-0000aaaa"},
		{"eni-e5e5e5e5", "eni-e5e5e5e5"},
		{"I-0123456789ABCDEF0", "I-0123456789ABCDEF0"}, // not an id: unchanged
		{"nat-0c1d2e3f4a5b6c7d8", "nat-0c1d2e3f"},
		{"garbage", "garbage"},
	}
	for _, tt := range tests {
		if got := ShortID(tt.in); got != tt.want {
			t.Errorf("ShortID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := TapName("i-0123456789abcdef0"); got != "vn_i-01234567" {
		t.Errorf("TapName = %q", got)
	}
	if got := InterfaceName("eni-0000bbbb", "i-0000aaaa", 0); got != "i-0000aaaa" {
		t.Errorf("primary ENI name = %q", got)
	}
	if got := InterfaceName("eni-0000cccc", "i-0000aaaa", 1); got != "eni-0000cccc" {
		t.Errorf("secondary ENI name = %q", got)
	}
	if got := InterfaceName("eni-0000cccc", "", 0); got != "eni-0000cccc" {
		t.Errorf("detached ENI name = %q", got)
	}
	for _, z := range TunnelZoneNames {
		if !IsTunnelZoneName(z) || IsOwnedName(z) {
			t.Errorf("tunnel zone %q: recognised %v, owned %v", z, IsTunnelZoneName(z), IsOwnedName(z))
		}
	}
	if IsTunnelZoneName("mido") || IsTunnelZoneName("tz") {
		t.Error("substring of the tunnel-zone list accepted")
	}
}

func TestUsedRouterIndexes(t *testing.T) {
	got := UsedRouterIndexes([]string{"eucart", "vr_vpc-1a2b3c4d_2", "natr_nat-0c1d2e3f4a5b6c7d8_subnet-11aa22bb_3",
		"vr_vpc-x_4", "vr_vpc-0123456789abcdef0_2", "vr_vpc-1a2b3c4d_12", "eucamdrt"})
	want := []int{2, 3, 12}
	if len(got) != len(want) {
		t.Fatalf("UsedRouterIndexes = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("UsedRouterIndexes = %v, want %v", got, want)
		}
	}
}
