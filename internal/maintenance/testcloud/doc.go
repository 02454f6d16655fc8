// Package testcloud builds a small converged midovpc cloud in the MidoNet emulator for the
// maintenance tests: the same translation and sync the controllers run, without Kubernetes.
// One VPC (router index 2) with two subnets, a network ACL, a security group, an instance with
// an elastic IP, a NAT gateway, the core with a BGP gateway and the metadata switch.
package testcloud
