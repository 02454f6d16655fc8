// Package proxy is the metadata HTTP service on 169.254.169.254:80: it maps the NATed source
// address of each request to the interface behind it and forwards the request to the cloud
// controller's metadata service with Euca-Instance-Id (the interface's name) and
// X-Forwarded-For (its private IP), as eucanetd's nginx did.
//
// It is not a general proxy: requests go only to the configured upstream, whatever Host or
// absolute URL they carry; only GET and HEAD pass, and PUT on the token path
// (/latest/api/token, IMDSv2 style) for an upstream that answers it; a source that maps to no
// interface gets 403 and never reaches the upstream; headers, URLs, bodies and waits are all
// bounded.
package proxy
