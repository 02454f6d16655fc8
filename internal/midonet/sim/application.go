package sim

import (
	"encoding/base64"
	"net/http"
	"strings"
)

// APIVersion is the root document's "version" (MidoNet 5).
const APIVersion = "v5.0"

// rootCollections are the Application's collection keys and their path segments (spec §1.1).
var rootCollections = map[string]string{
	"bridges": "bridges", "chains": "chains", "healthMonitors": "health_monitors",
	"hosts": "hosts", "ipAddrGroups": "ip_addr_groups", "l2insertions": "l2insertions",
	"loadBalancers": "load_balancers", "mirrors": "mirrors", "neutron": "neutron",
	"poolMembers": "pool_members", "pools": "pools", "portGroups": "port_groups",
	"ports": "ports", "qosPolicies": "qos_policies", "routers": "routers",
	"systemState": "system_state", "tenants": "tenants", "traceRequests": "traces",
	"tunnelZones": "tunnel_zones", "vips": "vips", "vteps": "vteps",
	"serviceContainers": "service_containers", "serviceContainerGroups": "service_container_groups",
}

// rootTemplates are the Application's "…Template" keys and the collections they address.
var rootTemplates = map[string]string{
	"bgpNetworkTemplate": "bgp_networks", "bgpPeerTemplate": "bgp_peers",
	"bridgeTemplate": "bridges", "chainTemplate": "chains",
	"healthMonitorTemplate": "health_monitors", "hostTemplate": "hosts",
	"ipAddrGroupTemplate": "ip_addr_groups", "l2InsertionTemplate": "l2insertions",
	"loadBalancerTemplate": "load_balancers", "mirrorTemplate": "mirrors",
	"poolMemberTemplate": "pool_members", "poolTemplate": "pools",
	"portGroupTemplate": "port_groups", "portTemplate": "ports",
	"qosBwLimitRuleTemplate": "qos_bw_limit_rules", "qosDscpRuleTemplate": "qos_dscp_rules",
	"routeTemplate": "routes", "routerTemplate": "routers", "ruleTemplate": "rules",
	"tenantTemplate": "tenants", "traceRequestTemplate": "traces",
	"tunnelZoneTemplate": "tunnel_zones", "vipTemplate": "vips", "vtepTemplate": "vteps",
	"serviceContainerTemplate": "service_containers", "serviceContainerGroupTemplate": "service_container_groups",
}

// unmodelledRoots are real MidoNet roots that midovpc does not use: they exist (no "Root
// resource not found") but hold nothing.
var unmodelledRoots = map[string]bool{
	"health_monitors": true, "l2insertions": true, "load_balancers": true, "mirrors": true,
	"neutron": true, "pool_members": true, "pools": true, "qos_policies": true,
	"qos_bw_limit_rules": true, "qos_dscp_rules": true, "tenants": true, "traces": true,
	"vips": true, "vteps": true, "service_containers": true, "service_container_groups": true,
}

// serveApplication is GET / (spec §1.1).
func (c *call) serveApplication() (reply, error) {
	if c.method() != http.MethodGet {
		return reply{}, methodNotAllowed()
	}
	mt, err := c.produce(jersey, mtApplication, mediaJSON)
	if err != nil {
		return reply{}, err
	}
	doc := map[string]any{"uri": c.base + "/", "version": APIVersion}
	for key, seg := range rootCollections {
		doc[key] = c.uri(seg)
	}
	for key, seg := range rootTemplates {
		doc[key] = c.uri(seg, "{id}")
	}
	return ok(mt, doc)
}

// serveSystemState is GET /system_state, a constant in MidoNet 5 (spec §1.9).
func (c *call) serveSystemState() (reply, error) {
	if len(c.seg) > 1 {
		return reply{}, bare(http.StatusNotFound)
	}
	if c.method() != http.MethodGet {
		return reply{}, methodNotAllowed()
	}
	mt, err := c.produce(jersey, mtSystemState, mediaJSON)
	if err != nil {
		return reply{}, err
	}
	return ok(mt, map[string]any{
		"state": "ACTIVE", "availability": "READWRITE", "version": "5.0.0", "information": nil,
		"uri": c.uri("system_state"),
	})
}

// serveLogin answers any method on /login with the mock provider's token (spec §2.17): the
// request needs Basic credentials, which are not checked.
func (c *call) serveLogin(strictToken string) (reply, error) {
	auth := c.r.Header.Get("Authorization")
	scheme, cred, _ := strings.Cut(auth, " ")
	decoded, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	if !strings.EqualFold(scheme, "Basic") || err != nil || !strings.Contains(string(decoded), ":") {
		return reply{}, &apiError{Status: http.StatusUnauthorized, Message: "Authorization header is not valid"}
	}
	token := "00000000"
	if strictToken != "" {
		token = strictToken
	}
	rep, err := ok(mtToken, map[string]any{"key": token, "expires": nil})
	rep.header = http.Header{"Set-Cookie": {"sessionId=" + token}}
	return rep, err
}

// serveUnmodelled answers the roots midovpc never uses: empty lists, nothing else.
func (c *call) serveUnmodelled() (reply, error) {
	if len(c.seg) > 1 {
		return reply{}, notFoundMsg("There is no %s with ID %s.", c.seg[0], c.seg[1])
	}
	if c.method() != http.MethodGet {
		return reply{}, methodNotAllowed()
	}
	return ok(mediaJSON, []any{})
}
