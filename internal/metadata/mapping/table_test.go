package mapping_test

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/metadata/mapping"
)

func eniWith(name, instance string, device int32, private, md string) vpcv1.NetworkInterface {
	return vpcv1.NetworkInterface{
		ObjectMeta: metav1.ObjectMeta{Namespace: "eucalyptus-vpc", Name: name},
		Spec:       vpcv1.NetworkInterfaceSpec{Subnet: "subnet-11aa22bb", InstanceID: instance, DeviceIndex: device, PrivateIP: vpcv1.IPv4(private)},
		Status:     vpcv1.NetworkInterfaceStatus{MetadataIP: md},
	}
}

func TestBuildNamesInterfacesAsTheMapFileDoes(t *testing.T) {
	now := metav1.Now()
	deleting := eniWith("eni-dddddddd", "i-dddddddd", 0, "10.0.1.14", "255.0.0.14")
	deleting.DeletionTimestamp = &now
	enis := []vpcv1.NetworkInterface{
		eniWith("eni-a1a1a1a1", "i-01234567", 0, "10.0.1.11", "255.0.0.12"),
		eniWith("eni-b2b2b2b2", "i-01234567", 1, "10.0.1.12", "255.0.0.13"),
		eniWith("eni-c3c3c3c3", "", 0, "10.0.1.13", ""), // no metadata address yet
		deleting,
		eniWith("eni-e5e5e5e5", "i-e5e5e5e5", 0, "10.0.1.15", "10.0.0.1"),
		eniWith("eni-f6f6f6f6", "i-f6f6f6f6", 0, "not-an-ip", "255.0.0.16"),
	}
	subnets := []vpcv1.Subnet{{ObjectMeta: metav1.ObjectMeta{Namespace: "eucalyptus-vpc", Name: "subnet-11aa22bb"}, Spec: vpcv1.SubnetSpec{VPC: "vpc-0a1b2c3d"}}}
	list, errs := mapping.Build(enis, subnets)
	if len(errs) != 2 ||
		!strings.Contains(errs[0].Error(), "networkinterface eucalyptus-vpc/eni-e5e5e5e5: status.metadataIP \"10.0.0.1\"") ||
		!strings.Contains(errs[1].Error(), "networkinterface eucalyptus-vpc/eni-f6f6f6f6: spec.privateIP \"not-an-ip\"") {
		t.Errorf("errors = %v", errs)
	}
	tb := &mapping.Table{}
	tb.Replace(list)
	got := string(mapping.IntipMap(tb.All()))
	want := "255.0.0.12 i-01234567 vpc-0a1b2c3d subnet-11aa22bb\n255.0.0.13 eni-b2b2b2b2 vpc-0a1b2c3d subnet-11aa22bb\n"
	if got != want {
		t.Errorf("map file:\n%s\nwant:\n%s", got, want)
	}
}

func TestAnAddressClaimedTwiceMapsToNeither(t *testing.T) {
	tb := &mapping.Table{}
	md := netip.MustParseAddr("255.0.0.12")
	errs := tb.Replace([]mapping.Interface{{MetadataIP: md, ENI: "eni-a1a1a1a1"}, {MetadataIP: md, ENI: "eni-b2b2b2b2"}})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "[eni-a1a1a1a1 eni-b2b2b2b2]") {
		t.Errorf("errors = %v", errs)
	}
	if i, ok := tb.Lookup(md); ok {
		t.Errorf("%s maps to %s", md, i.ENI)
	}
}

func TestWriteFileAtomicWritesOnlyChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "eucanetd_intip_eni_map")
	for i, c := range []struct {
		data  string
		wrote bool
	}{{"a\n", true}, {"a\n", false}, {"b\n", true}} {
		wrote, err := mapping.WriteFileAtomic(path, []byte(c.data))
		if err != nil || wrote != c.wrote {
			t.Errorf("write %d: wrote=%v err=%v, want wrote=%v", i, wrote, err, c.wrote)
		}
		if b, _ := os.ReadFile(path); string(b) != c.data {
			t.Errorf("write %d: file holds %q", i, b)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}
