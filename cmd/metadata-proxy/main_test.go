package main

import (
	"strings"
	"testing"
)

func TestFlagsKeepTheirNamesAndDefaults(t *testing.T) {
	o, _, err := parseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.namespace != "eucalyptus-vpc" || o.netns != "eucamd" || o.vethHost != "eucamd_host" || o.vethMido != "eucamd_mido" ||
		o.upstream != nil || o.dnsUpstream != "" || o.intipMap != "" || o.cleanup {
		t.Errorf("defaults = %+v", o)
	}
	o, _, err = parseFlags([]string{"--kubeconfig", "/k", "--namespace", "ns", "--netns", "", "--veth-host", "h", "--veth-mido", "m",
		"--upstream", "http://10.111.5.11:8773", "--dns-upstream", "10.111.1.53:53", "--intip-map", "/run/map",
		"--metrics-bind-address", ":9000", "--cleanup"})
	if err != nil {
		t.Fatal(err)
	}
	if o.kubeconfig != "/k" || o.namespace != "ns" || o.netns != "" || o.vethHost != "h" || o.vethMido != "m" ||
		o.upstream.String() != "http://10.111.5.11:8773" || o.dnsUpstream != "10.111.1.53:53" || o.intipMap != "/run/map" ||
		o.metricsAddr != ":9000" || !o.cleanup {
		t.Errorf("parsed = %+v", o)
	}
}

func TestBadFlagsSayWhatIsWrong(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--upstream", "ftp://clc/"}, "--upstream"},
		{[]string{"--upstream", "http://user:pw@clc:8773"}, "without credentials"},
		{[]string{"--dns-upstream", "dns.example.com:53"}, "--dns-upstream"},
		{[]string{"--dns-upstream", "10.0.0.1"}, "ADDR:PORT"},
		{[]string{"stray"}, "unexpected arguments"},
	} {
		_, _, err := parseFlags(c.args)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want it to mention %q", c.args, err, c.want)
		}
	}
}
