package mapping

import (
	"fmt"
	"net/netip"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/translate"
)

// Build lists the interfaces that have a metadata address: those whose status.metadataIP the
// manager has recorded and that are not being deleted. An interface whose addresses do not
// parse is left out, with an error naming it and the field.
func Build(enis []vpcv1.NetworkInterface, subnets []vpcv1.Subnet) ([]Interface, []error) {
	vpcOf := make(map[string]string, len(subnets))
	for _, sn := range subnets {
		vpcOf[sn.Namespace+"/"+sn.Name] = sn.Spec.VPC
	}
	var out []Interface
	var errs []error
	for i := range enis {
		eni := &enis[i]
		if eni.DeletionTimestamp != nil || eni.Status.MetadataIP == "" {
			continue
		}
		md, err := netip.ParseAddr(eni.Status.MetadataIP)
		if err != nil || !md.Is4() || !translate.MetadataNATNetwork.Contains(md) {
			errs = append(errs, fmt.Errorf("networkinterface %s/%s: status.metadataIP %q is not an address in %s", eni.Namespace, eni.Name, eni.Status.MetadataIP, translate.MetadataNATNetwork))
			continue
		}
		private, err := netip.ParseAddr(string(eni.Spec.PrivateIP))
		if err != nil || !private.Is4() {
			errs = append(errs, fmt.Errorf("networkinterface %s/%s: spec.privateIP %q is not an IPv4 address", eni.Namespace, eni.Name, eni.Spec.PrivateIP))
			continue
		}
		out = append(out, Interface{
			MetadataIP: md,
			Name:       translate.InterfaceName(eni.Name, eni.Spec.InstanceID, int(eni.Spec.DeviceIndex)),
			ENI:        eni.Name,
			PrivateIP:  private,
			VPC:        vpcOf[eni.Namespace+"/"+eni.Spec.Subnet],
			Subnet:     eni.Spec.Subnet,
		})
	}
	return out, errs
}
