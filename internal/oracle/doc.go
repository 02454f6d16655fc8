// Package oracle answers "does this packet arrive, and where" from the Kubernetes objects
// alone, by the AWS VPC rules, without looking at MidoNet: security groups stateful with group
// references (members' private addresses), network ACLs stateless, ordered by rule number and
// denying by default, not crossed by traffic inside a subnet; route tables by longest prefix
// with the implicit local route of the VPC and one target each (internet gateway, NAT gateway,
// network interface); the internet reached only with a public address (an elastic IP, or the
// NAT gateway's), and entering only through an elastic IP.
//
// It exists to check internal/trace (and through it the translation): the property test
// builds random clouds, converges them into the MidoNet emulator, and asks both.
package oracle
