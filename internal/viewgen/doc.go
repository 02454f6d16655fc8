// Package viewgen generates large, valid 4.4 global network views for scale benchmarks: N
// instances with one interface each, spread over VPCs, subnets, security groups, elastic IPs,
// NAT and internet gateways, route tables, network ACLs and nodes in the proportions of a
// real cloud (Shape), deterministic for a seed. It also lists the MidoNet hosts such a cloud
// registers, as a seed file for the emulator (cmd/midonet-sim --hosts).
//
// The views are built as a globalview.View and written as the CLC writes them (WriteXML), so
// that what the benchmark feeds the manager goes through the real parser and validator.
package viewgen
