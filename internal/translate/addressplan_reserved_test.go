package translate

import (
	"net/netip"
	"testing"
)

func TestReservedAddress(t *testing.T) {
	sub := netip.MustParsePrefix("10.0.1.0/24")
	for ip, want := range map[string]string{
		"10.0.1.0": "the subnet's network address", "10.0.1.1": "the VPC router's port (the subnet's gateway)",
		"10.0.1.2": "answered by the VPC router (DNS)", "10.0.1.3": "reserved", "10.0.1.255": "the subnet's broadcast address",
		"10.0.1.4": "", "10.0.1.254": "", "10.0.2.1": "",
	} {
		if got := ReservedAddress(sub, netip.MustParseAddr(ip)); got != want {
			t.Errorf("ReservedAddress(%s, %s) = %q, want %q", sub, ip, got, want)
		}
	}
	if got := LastAddress(netip.MustParsePrefix("172.16.8.0/21")); got != netip.MustParseAddr("172.16.15.255") {
		t.Errorf("LastAddress(172.16.8.0/21) = %s", got)
	}
	if got := ReservedAddress(netip.MustParsePrefix("10.0.0.16/28"), netip.MustParseAddr("10.0.0.31")); got != "the subnet's broadcast address" {
		t.Errorf("broadcast of a /28: %q", got)
	}
}

func TestSpecialNetwork(t *testing.T) {
	for cidr, want := range map[string]string{
		"169.254.0.0/16": "169.254.0.0/16", "169.254.169.0/24": "169.254.0.0/16", "255.0.0.0/16": "240.0.0.0/4",
		"224.1.0.0/16": "224.0.0.0/4", "127.0.0.0/16": "127.0.0.0/8", "0.0.0.0/16": "0.0.0.0/8", "0.0.0.0/0": "0.0.0.0/8",
		"10.0.0.0/16": "", "172.16.0.0/12": "", "192.168.0.0/16": "", "100.64.0.0/10": "", "10.116.150.11/32": "",
	} {
		got, _, ok := SpecialNetwork(netip.MustParsePrefix(cidr))
		if (want == "") == ok || (ok && got.String() != want) {
			t.Errorf("SpecialNetwork(%s) = %s, %v; want %q", cidr, got, ok, want)
		}
	}
}
