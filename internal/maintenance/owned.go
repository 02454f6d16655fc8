package maintenance

import "github.com/midovpc/midovpc/internal/translate"

// Layer says which part of midovpc's topology an owned name belongs to.
type Layer string

const (
	// LayerCore is the cloud-wide core: eucart, eucabr, eucabr_infilter, eucapg, euca_version.
	LayerCore Layer = "core"
	// LayerMetadata is the metadata switch: eucamdrt, eucamdbr, eucamdrt_extportout, metadata_ip.
	LayerMetadata Layer = "metadata"
	// LayerDynamic is everything of the VPCs: routers, bridges, chains and groups of VPCs,
	// subnets, interfaces, security groups, ACLs and NAT gateways.
	LayerDynamic Layer = "dynamic"
)

var metadataNames = map[string]bool{
	translate.MetadataRouterName:    true,
	translate.MetadataBridgeName:    true,
	translate.MetadataExtFilterName: true,
	translate.MetadataGroupName:     true,
}

// OwnedName parses a name exactly under the naming scheme and says which layer it is in.
// ok is false for every name midovpc does not own.
func OwnedName(name string) (translate.Name, Layer, bool) {
	n, ok := translate.ParseName(name)
	switch {
	case !ok:
		return n, "", false
	case n.Kind != translate.NameCore:
		return n, LayerDynamic, true
	case metadataNames[name]:
		return n, LayerMetadata, true
	}
	return n, LayerCore, true
}

// ownedIn reports whether a named object of the given type is ours: its name parses to that
// type (a chain named like a router is not ours) and, for tenant-scoped types, it is in the
// tenant (the State holds only the tenant's, so that is given).
func ownedIn(name string, obj translate.ObjectType, layers ...Layer) bool {
	n, layer, ok := OwnedName(name)
	if !ok || n.Object != obj {
		return false
	}
	for _, l := range layers {
		if l == layer {
			return true
		}
	}
	return false
}
