package main

import (
	"errors"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zapcore"
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
	if o.midonetQPS != 0 || o.midonetInFlight != 64 || o.midonetTimeout != 5*time.Second || o.maxConcurrentReconciles != 32 {
		t.Errorf("MidoNet flow control defaults: qps %v, in flight %d, timeout %s, workers per kind %d; want no QPS cap, 64, 5s, 32",
			o.midonetQPS, o.midonetInFlight, o.midonetTimeout, o.maxConcurrentReconciles)
	}
	if o, _, err := parseFlags([]string{"--dev", "--midonet-max-in-flight", "4", "--max-concurrent-reconciles", "0"}); err != nil || o.maxConcurrentReconciles != 4 {
		t.Errorf("workers per kind from a small in-flight bound: %+v, %v", o, err)
	}
	if _, _, err := parseFlags([]string{"--dev", "--midonet-timeout", "0s"}); err == nil {
		t.Error("a zero --midonet-timeout is accepted")
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

func TestDevModeLogsAtInfo(t *testing.T) {
	o, zopts, err := parseFlags([]string{"--dev"})
	if err != nil {
		t.Fatal(err)
	}
	z := devLogging(o, zopts)
	if z.Level == nil || z.Level.Enabled(zapcore.DebugLevel) || !z.Level.Enabled(zapcore.InfoLevel) {
		t.Errorf("--dev logs at %v, want info", z.Level)
	}
	o, zopts, err = parseFlags([]string{"--dev", "--zap-log-level=debug"})
	if err != nil {
		t.Fatal(err)
	}
	if z := devLogging(o, zopts); !z.Level.Enabled(zapcore.DebugLevel) {
		t.Error("--zap-log-level=debug is not honoured in --dev")
	}
	if _, _, err := parseFlags([]string{"--version"}); !errors.Is(err, errVersion) {
		t.Errorf("--version: %v", err)
	}
}
