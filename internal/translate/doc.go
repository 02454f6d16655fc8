// Package translate turns a VPC resource and its resolved dependencies into the MidoNet
// objects it owns (a topology.Fragment), exactly as spec/translation.md names and fills them.
// It is pure: no I/O, no clock, no randomness; the same input always gives the same fragment.
//
// One function per kind: CoreNetwork, VPC, Subnet, NetworkInterface, SecurityGroup, ElasticIP,
// NatGateway, NetworkAcl, and RouteTable, InternetGateway, DhcpOptionSet (which own nothing).
// Inputs are plain structs defined here, not the CRD types; controllers resolve references and
// map CRDs to them. Settings carries the cloud-wide switches (metadata, ARP table, L2
// isolation) and the global DNS defaults.
//
// Ownership decisions (ARCHITECTURE.md decision 2):
//
//   - Route-table routes live in the Subnet fragment (source-routed on the subnet CIDR, §9);
//     RouteTable owns nothing. Unresolvable targets are returned as Skipped, never an error.
//   - The Vpc owns vc_<vpc>_preelip, _postchain, _mdulin and _mdulout as Shared chains; the
//     ElasticIP contributes its DNAT/SNAT rules, each NetworkInterface its metadata DNAT/SNAT.
//   - The NetworkInterface owns elip_pre_<if> (Shared, no own address) and elip_post_<if>
//     (its private IP). The public IP in elip_pre_<if> is contributed by the ElasticIP, with
//     the rest of the association (DNAT, SNAT, eucart /32 route), so that associating or
//     moving an elastic IP touches one fragment.
//   - The SecurityGroup owns sg_priv_/sg_pub_/sg_all_ with their exact members; its controller
//     passes the member interfaces' private and public IPs. SG jumps are rules of the
//     interface's ic_ chains and belong to the interface.
//   - The Subnet owns the sc_ chains including the jump to its ACL's chains; the NetworkAcl
//     owns only the acl_ chains.
//   - NAT gateways own their router, both links, the subnet-bridge port, all their routes
//     (also the eucart /32), chains and elip_pre_<natg>.
//
// Naming (names.go, naming.go) builds every name of §15 and parses it exactly (decision (d)):
// split on "_", literal parts must match, ids are <prefix>-<8|17 lowercase hex> (nat-: 17),
// rtid canonical decimal. The address plan (addressplan.go) and rtid / eniid allocation
// (ids.go) are here too, as pure functions.
package translate
