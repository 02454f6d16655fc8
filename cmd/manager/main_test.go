package main

import (
	"strings"
	"testing"
	"time"
)

func TestFlagsFollowTheCommandLineContract(t *testing.T) {
	o, _, err := parseFlags([]string{"--midonet-url", "http://10.0.0.5:8181/midonet-api", "--global-view", "/var/run/eucalyptus/global_network_info.xml"})
	if err != nil {
		t.Fatal(err)
	}
	if o.midonetTenant != "euca_tenant_1" || o.namespace != "eucalyptus-vpc" || o.resyncPeriod != 5*time.Minute ||
		o.devKubeconfig != "bin/dev/kubeconfig" || o.leaderElect || o.dev {
		t.Errorf("defaults: %+v", o)
	}
	if _, _, err := parseFlags(nil); err == nil || !strings.Contains(err.Error(), "--midonet-url is required") {
		t.Errorf("no MidoNet and no --dev: err = %v", err)
	}
	o, _, err = parseFlags([]string{"--dev"})
	if err != nil || !o.dev || o.midonetURL != "" {
		t.Errorf("--dev alone runs the embedded emulator: %+v, %v", o, err)
	}
	if _, _, err := parseFlags([]string{"--dev", "--no-such-flag"}); err == nil {
		t.Error("an unknown flag is accepted")
	}
}
