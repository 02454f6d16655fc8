package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// exampleView is the shared example view, kept with the globalview package's test data.
const exampleView = "../../internal/globalview/testdata/example.xml"

func TestImport(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.xml")
	if err := os.WriteFile(bad, []byte(`<network-data version="1"><configuration/></network-data>`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string
		wantStderr []string
	}{{
		name:     "the example, one document per object",
		args:     []string{"import", exampleView},
		wantCode: exitOK,
		wantStdout: []string{"# Owner references are omitted", "kind: Namespace\nmetadata:\n  name: eucalyptus-vpc\n",
			"kind: NetworkAcl", "name: eip-10-116-150-11", "namespace: eucalyptus-vpc"},
	}, {
		name:       "flags after the file",
		args:       []string{"import", exampleView, "--namespace", "vpcs"},
		wantCode:   exitOK,
		wantStdout: []string{"namespace: vpcs\n"},
	}, {
		name:       "a bad view lists its errors",
		args:       []string{"import", "-n", "vpcs", bad},
		wantCode:   exitError,
		wantStderr: []string{"is not a usable global network view", "@version:", "configuration/property[enabledCLCIp]: missing IPv4 address"},
	}, {
		name:       "no file",
		args:       []string{"import"},
		wantCode:   exitUsage,
		wantStderr: []string{"want one FILE"},
	}, {
		name:       "a missing file",
		args:       []string{"import", filepath.Join(t.TempDir(), "none.xml")},
		wantCode:   exitError,
		wantStderr: []string{"no such file"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tt.args, &stdout, &stderr); code != tt.wantCode {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", code, tt.wantCode, stderr.String())
			}
			for _, want := range tt.wantStdout {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
			for _, want := range tt.wantStderr {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
				}
			}
			if tt.wantCode != exitOK && stdout.Len() != 0 {
				t.Errorf("a failed import printed objects:\n%s", stdout.String())
			}
		})
	}
}

// TestImportMatchesProjection: import prints exactly the projector's YAML (pinned by
// the globalview golden file), 22 documents for the example.
func TestImportMatchesProjection(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"import", exampleView}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	golden, err := os.ReadFile("../../internal/globalview/testdata/example.projection.golden.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if stdout.String() != string(golden) {
		t.Errorf("import output differs from the projection golden file")
	}
	if n := strings.Count(stdout.String(), "\n---\n"); n != 22 {
		t.Errorf("%d documents, want 22", n)
	}
}
