// Package mapping knows which interface stands behind each metadata NAT address: MidoNet
// rewrites an instance's source address to 255.0.0.0 + eniid on its way to the metadata
// service (translation.md §6.6), and the manager records that address in the
// NetworkInterface's status.metadataIP. The Table answers the proxy's lookup in constant time
// (the nginx it replaces scanned the whole map file on every request); the Watcher keeps it in
// step with the NetworkInterface and Subnet resources and the CoreNetwork through the API, and
// writes the eucanetd_intip_eni_map file for tools that read it.
package mapping
