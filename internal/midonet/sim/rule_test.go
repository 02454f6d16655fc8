package sim

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"testing"

	"github.com/google/uuid"
)

// midonet-api.md §2.7: position defaults to 1, 0 means 1, 1..n+1 inserts and shifts later rules,
// beyond n+1 is 400 "Position exceeds number of rules in chain", negative is a violation; on read
// position is the current index; deletes renumber.
func TestRulePositions(t *testing.T) {
	c := newSim(t, Options{})
	ch := c.chain("c")
	a := c.rule(ch, map[string]any{"type": "accept"})                  // [a]
	b := c.rule(ch, map[string]any{"type": "drop"})                    // default 1: [b a]
	d := c.rule(ch, map[string]any{"type": "drop", "position": 0})     // 0 → 1: [d b a]
	e := c.rule(ch, map[string]any{"type": "drop", "position": 4})     // n+1: [d b a e]
	f := c.rule(ch, map[string]any{"type": "return", "position": "2"}) // [d f b a e]
	if got, want := c.ruleIDs(ch), []string{d, f, b, a, e}; !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	c.expect(c.do(http.MethodPost, "/chains/"+ch+"/rules", tRule, map[string]any{"type": "accept", "position": 7}),
		http.StatusBadRequest, "Position exceeds number of rules in chain")
	if v := violationsOf(t, c.do(http.MethodPost, "/chains/"+ch+"/rules", tRule, map[string]any{"type": "accept", "position": -1})); v["position"] == "" {
		t.Errorf("violations %v", v)
	}
	c.expect(c.do(http.MethodDelete, "/rules/"+f, "", nil), http.StatusNoContent, "")
	if got, want := c.ruleIDs(ch), []string{d, b, a, e}; !slices.Equal(got, want) {
		t.Fatalf("after delete %v, want %v", got, want)
	}
	if r := c.get("/rules/"+e, tRule); r["position"] != float64(4) || r["chainId"] != ch {
		t.Errorf("rule e %v", r)
	}
	c.expect(c.do(http.MethodPost, "/chains/"+uuid.NewString()+"/rules", tRule, map[string]any{"type": "accept"}), http.StatusNotFound, "")
}

// midonet-api.md §2.7: validation of types, ranges (MN 5.4+), fragment policies, jump and NAT.
func TestRuleValidation(t *testing.T) {
	c := newSim(t, Options{})
	ch := c.chain("c")
	target := c.chain("target")
	missing := uuid.NewString()
	nat := func(extra map[string]any) map[string]any {
		body := map[string]any{"type": "dnat", "flowAction": "accept",
			"natTargets": []any{map[string]any{"addressFrom": "10.0.0.5", "addressTo": "10.0.0.5", "portFrom": 0, "portTo": 0}}}
		for k, v := range extra {
			body[k] = v
		}
		return body
	}
	tests := []struct {
		name      string
		body      map[string]any
		want      int
		message   string
		violation string // property expected in violations
	}{
		{"missing type", map[string]any{}, 400, "", ""},
		{"unknown type", map[string]any{"type": "continue"}, 400, "Could not resolve type id 'continue' into a subtype of [simple type, class org.midonet.cluster.rest_api.models.Rule]", ""},
		{"tpDst start 0", map[string]any{"type": "accept", "tpDst": map[string]any{"start": 0, "end": 0}}, 400, "", "tpDst"},
		{"tpSrc above 65535", map[string]any{"type": "accept", "tpSrc": map[string]any{"start": 1, "end": 70000}}, 400, "", "tpSrc"},
		{"tpDst start after end", map[string]any{"type": "accept", "tpDst": map[string]any{"start": 90, "end": 80}}, 400, "", "tpDst"},
		{"tpDst open ended", map[string]any{"type": "accept", "tpDst": map[string]any{"start": 80}}, 400, "", "tpDst"},
		{"tpDst full range ok", map[string]any{"type": "accept", "tpDst": map[string]any{"start": 1, "end": 65535}}, 201, "", ""},
		{"L4 with fragmentPolicy any", map[string]any{"type": "accept", "tpDst": map[string]any{"start": 22, "end": 22}, "fragmentPolicy": "any"}, 400,
			"For a rule with tpDst or tpSrc constraints, the fragmentPolicy must be 'header' or 'unfragmented'.", ""},
		{"L4 with unfragmented ok", map[string]any{"type": "accept", "tpDst": map[string]any{"start": 22, "end": 22}, "fragmentPolicy": "unfragmented"}, 201, "", ""},
		{"unknown fragmentPolicy", map[string]any{"type": "accept", "fragmentPolicy": "some"}, 400,
			"The valid options for fragmentPolicy are: any, header, nonheader, unfragmented", ""},
		{"bad nwSrcAddress", map[string]any{"type": "drop", "nwSrcAddress": "10.0.0", "nwSrcLength": 8}, 400, "", "nwSrcAddress"},
		{"nwSrcLength 33", map[string]any{"type": "drop", "nwSrcAddress": "10.0.0.0", "nwSrcLength": 33}, 400, "", "nwSrcLength"},
		{"dlType below 0x600", map[string]any{"type": "drop", "dlType": 5}, 400, "", "dlType"},
		{"bad dlSrc", map[string]any{"type": "drop", "dlSrc": "zz"}, 400, "", ""},
		{"jump without chain", map[string]any{"type": "jump"}, 400, "Jump rule missing chain identifier", ""},
		{"jump to missing chain", map[string]any{"type": "jump", "jumpChainId": missing}, 404, "There is no Chain with ID " + missing + ".", ""},
		{"jump ok", map[string]any{"type": "jump", "jumpChainId": target}, 201, "", ""},
		{"dnat without flowAction", map[string]any{"type": "dnat", "natTargets": []any{map[string]any{"addressFrom": "1.1.1.1", "addressTo": "1.1.1.1"}}}, 400, "", "flowAction"},
		{"dnat without targets", map[string]any{"type": "dnat", "flowAction": "accept"}, 400, "", "natTargets"},
		{"dnat with empty targets", map[string]any{"type": "dnat", "flowAction": "accept", "natTargets": []any{}}, 400, "", "natTargets"},
		{"dnat bad flowAction", map[string]any{"type": "snat", "flowAction": "drop", "natTargets": []any{map[string]any{"addressFrom": "1.1.1.1", "addressTo": "1.1.1.1"}}}, 400, "", ""},
		{"floating dnat ok", nat(nil), 201, "", ""},
		{"port-translating dnat with any", nat(map[string]any{"fragmentPolicy": "any", "natTargets": []any{map[string]any{"addressFrom": "10.0.0.5", "addressTo": "10.0.0.5", "portFrom": 80, "portTo": 80}}}), 400, "", ""},
		{"rev_snat without flowAction", map[string]any{"type": "rev_snat"}, 400, "", "flowAction"},
		{"rev_snat ok", map[string]any{"type": "rev_snat", "flowAction": "continue", "nwDstAddress": "1.2.3.4", "nwDstLength": 32}, 201, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			r := c.do(http.MethodPost, "/chains/"+ch+"/rules", tRule, tt.body)
			if tt.violation != "" {
				if v := violationsOf(t, r); v[tt.violation] == "" {
					t.Errorf("no violation on %s: %v", tt.violation, v)
				}
				return
			}
			c.expect(r, tt.want, tt.message)
		})
	}
}

// midonet-api.md §2.7: fragmentPolicy defaults: header with L4 fields, else any; NAT: any for
// the floating-IP form, unfragmented otherwise.
func TestRuleFragmentPolicyDefaults(t *testing.T) {
	c := newSim(t, Options{})
	ch := c.chain("c")
	tests := []struct {
		body map[string]any
		want string
	}{
		{map[string]any{"type": "accept"}, "any"},
		{map[string]any{"type": "accept", "tpDst": map[string]any{"start": 22, "end": 22}}, "header"},
		{map[string]any{"type": "snat", "flowAction": "accept", "natTargets": []any{map[string]any{"addressFrom": "1.1.1.1", "addressTo": "1.1.1.1"}}}, "any"},
		{map[string]any{"type": "snat", "flowAction": "accept", "natTargets": []any{map[string]any{"addressFrom": "1.1.1.1", "addressTo": "1.1.1.9", "portFrom": 1024, "portTo": 65535}}}, "unfragmented"},
	}
	for _, tt := range tests {
		id := c.rule(ch, tt.body)
		if got := c.get("/rules/"+id, tRule)["fragmentPolicy"]; got != tt.want {
			t.Errorf("%v: fragmentPolicy %v, want %s", tt.body, got, tt.want)
		}
	}
}

// midonet-api.md §2.7, §5: every condition and action field written is read back unchanged.
func TestRuleFieldsRoundTrip(t *testing.T) {
	c := newSim(t, Options{})
	ch, target := c.chain("c"), c.chain("t")
	p1, p2, g1, g2, dev := uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
	cond := map[string]any{
		"condInvert": true, "matchForwardFlow": true, "matchReturnFlow": false,
		"inPorts": []any{p1}, "invInPorts": true, "outPorts": []any{p2}, "invOutPorts": true,
		"portGroup": g1, "invPortGroup": true, "inPortGroup": g2, "invInPortGroup": true,
		"outPortGroup": g1, "invOutPortGroup": true,
		"ipAddrGroupSrc": g1, "invIpAddrGroupSrc": true, "ipAddrGroupDst": g2, "invIpAddrGroupDst": true,
		"traversedDevice": dev, "invTraversedDevice": true,
		"dlType": float64(2054), "invDlType": true, "dlSrc": "aa:bb:cc:dd:ee:01", "dlSrcMask": "ffff.ffff.0000",
		"invDlSrc": true, "dlDst": "aa:bb:cc:dd:ee:02", "dlDstMask": "ffff.0000.0000", "invDlDst": true,
		"nwTos": float64(8), "invNwTos": true, "nwProto": float64(6), "invNwProto": true,
		"nwSrcAddress": "10.1.0.0", "nwSrcLength": float64(16), "invNwSrc": true,
		"nwDstAddress": "10.2.0.5", "nwDstLength": float64(32), "invNwDst": true,
		"tpSrc": map[string]any{"start": float64(1024), "end": float64(65535)}, "invTpSrc": true,
		"tpDst": map[string]any{"start": float64(443), "end": float64(443)}, "invTpDst": true,
		"noVlan": true, "vlan": float64(12), "matchNwDstRewritten": true, "fragmentPolicy": "unfragmented",
		"icmpDataSrcIpAddress": "10.3.0.0", "icmpDataSrcIpLength": float64(24), "invIcmpDataSrcIp": true,
		"icmpDataDstIpAddress": "10.4.0.0", "icmpDataDstIpLength": float64(24), "invIcmpDataDstIp": true,
	}
	with := func(extra map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range cond {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	bodies := []map[string]any{
		with(map[string]any{"type": "drop"}),
		with(map[string]any{"type": "jump", "jumpChainId": target, "jumpChainName": "t"}),
		with(map[string]any{"type": "dnat", "flowAction": "continue",
			"natTargets": []any{map[string]any{"addressFrom": "10.9.0.1", "addressTo": "10.9.0.1", "portFrom": float64(8080), "portTo": float64(8080)}}}),
		with(map[string]any{"type": "rev_snat", "flowAction": "accept"}),
	}
	for _, body := range bodies {
		id := c.rule(ch, body)
		got := c.get("/rules/"+id, tRule)
		for k, want := range body {
			if !reflect.DeepEqual(got[k], want) {
				t.Errorf("%s: %s = %#v, want %#v", body["type"], k, got[k], want)
			}
		}
	}
	// An empty rule reports every condition field, nulls and falses included.
	id := c.rule(ch, map[string]any{"type": "accept"})
	got := c.get("/rules/"+id, tRule)
	for k := range cond {
		if _, present := got[k]; !present {
			t.Errorf("field %s missing from output", k)
		}
	}
	if got["meterName"] != nil || got["uri"] != c.base+"/rules/"+id {
		t.Errorf("rule %v", got)
	}
	raw, _ := json.Marshal(got)
	if len(raw) == 0 {
		t.Fatal("empty")
	}
}

// midonet-api.md §2.6, §3: deleting a chain removes its rules and the jump rules to it in
// other chains (renumbering them), and clears filter references on routers, bridges and ports.
func TestChainDeleteCascades(t *testing.T) {
	c := newSim(t, Options{})
	pre, sg := c.chain("pre"), c.chain("sg")
	inner := c.rule(sg, map[string]any{"type": "accept"})
	first := c.rule(pre, map[string]any{"type": "drop", "position": 1})
	jump := c.rule(pre, map[string]any{"type": "jump", "jumpChainId": sg, "position": 2})
	last := c.rule(pre, map[string]any{"type": "accept", "position": 3})
	rt := c.create("/routers", tRouter, map[string]any{"inboundFilterId": sg, "outboundFilterId": pre})
	br := c.create("/bridges", tBridge, map[string]any{"outboundFilterId": sg})
	bp := c.create("/bridges/"+br+"/ports", tPort, map[string]any{"type": "Bridge", "inboundFilterId": sg})

	c.expect(c.do(http.MethodDelete, "/chains/"+sg, "", nil), http.StatusNoContent, "")

	c.expect(c.do(http.MethodGet, "/rules/"+inner, tRule, nil), http.StatusNotFound, "")
	c.expect(c.do(http.MethodGet, "/rules/"+jump, tRule, nil), http.StatusNotFound, "")
	if got := c.ruleIDs(pre); !slices.Equal(got, []string{first, last}) {
		t.Errorf("pre chain %v", got)
	}
	if r := c.get("/routers/"+rt, tRouter); r["inboundFilterId"] != nil || r["outboundFilterId"] != pre {
		t.Errorf("router filters %v %v", r["inboundFilterId"], r["outboundFilterId"])
	}
	if b := c.get("/bridges/"+br, tBridge); b["outboundFilterId"] != nil {
		t.Errorf("bridge filter %v", b["outboundFilterId"])
	}
	if p := c.get("/ports/"+bp, tPort); p["inboundFilterId"] != nil || p["inboundFilter"] != nil {
		t.Errorf("port filter %v", p["inboundFilterId"])
	}
}

// midonet-api.md §3: filter ids must reference existing chains (404) on routers, bridges, ports.
func TestFilterMustReferenceChain(t *testing.T) {
	c := newSim(t, Options{})
	missing := uuid.NewString()
	br := c.bridge("b")
	msg := "There is no Chain with ID " + missing + "."
	c.expect(c.do(http.MethodPost, "/routers", tRouter, map[string]any{"inboundFilterId": missing}), http.StatusNotFound, msg)
	c.expect(c.do(http.MethodPost, "/bridges", tBridge, map[string]any{"outboundFilterId": missing}), http.StatusNotFound, msg)
	c.expect(c.do(http.MethodPut, "/bridges/"+br, tBridge, map[string]any{"inboundFilterId": missing}), http.StatusNotFound, msg)
	c.expect(c.do(http.MethodPost, "/bridges/"+br+"/ports", tPort, map[string]any{"type": "Bridge", "inboundFilterId": missing}), http.StatusNotFound, msg)
}
