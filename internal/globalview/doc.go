// Package globalview reads the Eucalyptus cloud controller's global network view
// (global_network_info.xml, spec/global-network-xml.md): the XML model, the parser
// and the validator; the projector that turns a view into midovpc's resources; the
// applier that writes them; and the Runner that watches the file, applies each new
// view and writes the ack file.
//
// # Projection and apply
//
// Project maps a valid view onto the CoreNetwork "default" and, in one namespace, one
// Vpc, Subnet, SecurityGroup, NetworkInterface (named by ENI id), ElasticIP (eip-a-b-c-d
// per associated public address), RouteTable, InternetGateway, NatGateway, NetworkAcl
// and DhcpOptionSet per object of the view, each labelled vpc.midovpc.io/source=
// global-view and with its owner account. Network ACLs lose their implicit
// "32767 deny all" entries: midovpc adds the final deny itself.
//
// Applier.Apply writes a projection with server-side apply (field manager
// midovpc-globalview), parents before children so that owner references carry the
// parents' UIDs, skipping every object the cluster already holds as projected, then
// deletes the labelled objects the view dropped. Objects without the label, applied
// by hand, are never touched.
//
// Runner (a controller-runtime Runnable) watches the file's folder, ignores content it
// has seen (hash), rejects bad views whole (event, CoreNetwork status, metric, log: the
// last good view stays in force), and writes global_network_info.version once every
// object of a version is Ready.
//
// # Parsing
//
// Parse accepts every layout the CLC has written for VPCMIDO:
//
//   - 4.1: no root version, no mode property (the mode is taken to be VPCMIDO and
//     View.Notes says so), gateway settings flat under the mido property, and the
//     values of route destinationCidr and gatewayId swapped by the writer;
//   - 4.2/4.3: a gateways list of legacy gateways (gatewayHost, gatewayIP,
//     gatewayInterface) with mido-level publicNetworkCidr and publicGatewayIP;
//   - 4.4 and later: static and BGP gateways (ip, external*, bgp*) and bgpAsn.
//
// All gateway formats are normalised into one Gateway shape; 4.4 keys override
// legacy keys of the same gateway, as in the original reader. Swapped routes
// (a gatewayId that looks like an address and a destinationCidr that is "local"
// or an igw- id) are swapped back. Network interfaces without vpc/subnet (4.1,
// 4.2) inherit those of their instance.
//
// Decisions that differ from the original reader (eucanetd), on purpose:
//
//   - Leaf text is the concatenation of the leaf's character data with
//     surrounding whitespace trimmed, so indented files read the same as the
//     one-line files the CLC writes. A comment inside a leaf is skipped rather
//     than hiding the value. Whitespace inside a value is kept, so such a value
//     fails validation. An empty leaf counts as absent.
//   - The root element must be network-data and must be the first node:
//     only whitespace, a UTF-8 byte order mark and the XML declaration may
//     come before it; comments, processing instructions and DOCTYPE may not.
//     Nothing but whitespace, comments and processing instructions may follow it.
//   - Bytes that are not UTF-8 are rejected with their position; so are
//     documents larger than Options.MaxSize and elements nested deeper than
//     Options.MaxDepth (the CLC writes at most 8 levels).
//   - An integer or boolean leaf that does not convert is an error (the
//     original silently reads 0 / false).
//   - A simple property meant to carry one value (mode, enabledCLCIp, ...)
//     that carries several is an error.
//
// The parser tokenises with encoding/xml into a small element tree (bounded by
// the size limit), then maps the tree onto the model; unknown elements and
// attributes are ignored, and for a repeated single-valued element the last
// occurrence wins, as in the original.
//
// # Validation
//
// Validate checks everything the original rejects a whole document for
// (spec §6.1) and more: strict IPv4, CIDR, MAC and id syntax (an unparsable
// address is an error, never 127.0.0.1; a CIDR needs its /n), every
// cross-reference resolves (subnet → route table and ACL of the same VPC, route
// → local / attached IGW / ENI or NAT gateway of the same VPC, interface → VPC,
// subnet and groups, rule → group, VPC → DHCP option set and IGWs, node →
// instances), no id is used twice anywhere, the mode is VPCMIDO, ACL rule
// numbers are 1..32767 and unique per direction, protocols are -1 or 1..255,
// port ranges are 0..65535 and ordered, ids are <prefix>-<8 or 17 lowercase hex
// digits> (NAT gateways: 17). Also rejected, where the original would apply
// something surprising: an ACL action other than allow/deny, a route with two
// targets, a VPC with two IGWs or an IGW in two VPCs, network CIDRs (VPC,
// subnet, route destination) with host bits set, addresses outside their
// subnet, an elastic IP held twice, a private IP used twice in a VPC, an
// instance listed on two nodes. An instance listed on no node is not an error
// (NodeOf returns ""); neither is a view without gateways (the original only
// logs it). Gateway addresses are checked against the external CIDR only when
// both come from 4.4 keys: legacy setups used publicNetworkCidr loosely.
//
// Validate collects up to MaxErrors errors, each naming the element path and
// the object id, in document order.
package globalview
