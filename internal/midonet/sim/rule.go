package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

var (
	mtRule     = []string{vnd("Rule-v2"), mediaJSON}
	mtRuleList = []string{vndList("Rule-v2"), mediaJSON}
)

// ruleTypes are the rule subtypes midovpc needs (spec §2.7); "continue" is not one of them.
var ruleTypes = []string{"accept", "drop", "reject", "return", "jump", "dnat", "snat", "rev_dnat", "rev_snat"}

var flowActions = []string{"accept", "continue", "return"}

type natTarget struct {
	AddressFrom string `json:"addressFrom"`
	AddressTo   string `json:"addressTo"`
	PortFrom    int64  `json:"portFrom"`
	PortTo      int64  `json:"portTo"`
}

// rule is one immutable chain entry. Its position is not stored: it is its index in the
// chain's RuleIDs.
type rule struct {
	ID            string      `json:"id"`
	Seq           int64       `json:"seq"`
	ChainID       string      `json:"chainId"`
	Type          string      `json:"type"`
	Condition     condition   `json:"condition"`
	JumpChainID   *string     `json:"jumpChainId,omitempty"`
	JumpChainName *string     `json:"jumpChainName,omitempty"`
	FlowAction    *string     `json:"flowAction,omitempty"`
	NatTargets    []natTarget `json:"natTargets,omitempty"`
}

func (r *rule) seq() int64 { return r.Seq }

// serveRules is /rules/{id}: GET and DELETE only (rules are immutable, created in a chain).
func (c *call) serveRules() (reply, error) {
	return c.serveCollection(collection{get: c.getRule, remove: c.deleteRule})
}

func (c *call) getRule(id string) (reply, error) {
	mt, err := c.produce(generic, mtRule...)
	if err != nil {
		return reply{}, err
	}
	r, found := c.st.Rules[id]
	if !found {
		return reply{}, notFound("Rule", id)
	}
	return c.ruleReply(mt, r)
}

// deleteRule answers 404 when the rule is missing.
func (c *call) deleteRule(id string) (reply, error) {
	if _, found := c.st.Rules[id]; !found {
		return reply{}, notFound("Rule", id)
	}
	c.st.deleteRule(id)
	c.st.touch()
	return noContent()
}

// serveChainRules is GET/POST /chains/{id}/rules.
func (c *call) serveChainRules(chainID string) (reply, error) {
	switch c.method() {
	case http.MethodGet:
		mt, err := c.produce(generic, mtRuleList...)
		if err != nil {
			return reply{}, err
		}
		ch, found := c.st.Chains[chainID]
		if !found {
			return reply{}, notFound("Chain", chainID)
		}
		out := make([]json.RawMessage, 0, len(ch.RuleIDs))
		for _, rid := range ch.RuleIDs {
			data, err := c.renderRule(c.st.Rules[rid])
			if err != nil {
				return reply{}, err
			}
			out = append(out, data)
		}
		return ok(mt, out)
	case http.MethodPost:
		return c.createRule(chainID)
	}
	return reply{}, methodNotAllowed()
}

// createRule inserts a rule at its position (default 1, 0 means 1, 1..n+1 allowed), shifting
// later rules down (spec §2.7).
func (c *call) createRule(chainID string) (reply, error) {
	f, err := c.readBody(generic, mtRule...)
	if err != nil {
		return reply{}, err
	}
	typ := f.str("type")
	if f.err != nil {
		return reply{}, f.err
	}
	if typ == nil {
		return reply{}, badRequest("Unexpected token (END_OBJECT), expected FIELD_NAME: missing property 'type' that is to contain type id (for class org.midonet.cluster.rest_api.models.Rule)")
	}
	if !slices.Contains(ruleTypes, *typ) {
		return reply{}, badRequest("Could not resolve type id '%s' into a subtype of [simple type, class org.midonet.cluster.rest_api.models.Rule]", *typ)
	}
	ch, found := c.st.Chains[chainID]
	if !found {
		return reply{}, notFound("Chain", chainID)
	}
	var v violations
	// meterName is accepted but, as in MidoNet 5, not persisted: it reads back null.
	r := &rule{ChainID: chainID, Type: *typ}
	id := f.uuid("id")
	position := f.integer("position")
	v.between("position", position, 0, 1<<31-1)
	r.Condition = decodeCondition(f, &v)
	decodeRuleAction(f, r, &v)
	if f.err != nil {
		return reply{}, f.err
	}
	if err := v.err(); err != nil {
		return reply{}, err
	}
	if err := r.settle(); err != nil {
		return reply{}, err
	}
	pos := 1
	if position != nil && *position > 0 {
		if *position > int64(len(ch.RuleIDs))+1 {
			return reply{}, badRequest("Position exceeds number of rules in chain")
		}
		pos = int(*position)
	}
	if r.Type == "jump" {
		if _, found := c.st.Chains[*r.JumpChainID]; !found {
			return reply{}, notFound("Chain", *r.JumpChainID)
		}
	}
	r.ID = newID(id)
	if _, dup := c.st.Rules[r.ID]; dup {
		return reply{}, alreadyExists("Rule", r.ID)
	}
	r.Seq = c.st.nextSeq()
	c.st.Rules[r.ID] = r
	ch.RuleIDs = slices.Insert(ch.RuleIDs, pos-1, r.ID)
	c.st.touch()
	return created(c.uri("rules", r.ID))
}

// decodeRuleAction reads the type-specific fields.
func decodeRuleAction(f *fields, r *rule, v *violations) {
	switch r.Type {
	case "jump":
		r.JumpChainID = f.uuid("jumpChainId")
		r.JumpChainName = f.str("jumpChainName")
	case "dnat", "snat":
		r.FlowAction = decodeFlowAction(f, v)
		targets, present := f.objects("natTargets")
		if !present {
			v.notNull("natTargets", false)
			return
		}
		if len(targets) == 0 && f.err == nil {
			v.add("natTargets", "size must be between 1 and 2147483647")
		}
		r.NatTargets = []natTarget{}
		for i, t := range targets {
			prop := fmt.Sprintf("natTargets[%d].", i)
			from, to := t.str("addressFrom"), t.str("addressTo")
			nt := natTarget{PortFrom: t.intOr("portFrom", 0), PortTo: t.intOr("portTo", 0)}
			f.adopt(t)
			v.notNull(prop+"addressFrom", from != nil)
			v.notNull(prop+"addressTo", to != nil)
			v.ipv4(prop+"addressFrom", from)
			v.ipv4(prop+"addressTo", to)
			v.between(prop+"portFrom", &nt.PortFrom, 0, 65535)
			v.between(prop+"portTo", &nt.PortTo, 0, 65535)
			if from != nil && to != nil {
				nt.AddressFrom, nt.AddressTo = *from, *to
			}
			r.NatTargets = append(r.NatTargets, nt)
		}
	case "rev_dnat", "rev_snat":
		r.FlowAction = decodeFlowAction(f, v)
	}
}

func decodeFlowAction(f *fields, v *violations) *string {
	fa := f.str("flowAction")
	if fa == nil {
		v.notNull("flowAction", false)
		return nil
	}
	lower := strings.ToLower(*fa)
	if !slices.Contains(flowActions, lower) {
		f.fail("flowAction", "%q is not one of %s", *fa, strings.Join(flowActions, ", "))
		return nil
	}
	return &lower
}

// settle applies the semantic checks that come after bean validation: the jump target id and
// the fragment-policy defaults and restrictions (spec §2.7).
func (r *rule) settle() error {
	cd := &r.Condition
	switch r.Type {
	case "jump":
		if r.JumpChainID == nil {
			return badRequest("Jump rule missing chain identifier")
		}
	case "dnat", "snat":
		if err := checkFragmentPolicyName(cd.FragmentPolicy); err != nil {
			return err
		}
		if r.isFloatingIP() {
			if cd.FragmentPolicy == "" {
				cd.FragmentPolicy = "any"
			}
			return nil
		}
		if cd.FragmentPolicy == "" {
			cd.FragmentPolicy = "unfragmented"
		}
		if cd.FragmentPolicy != "unfragmented" {
			return badRequest("For a NAT rule that translates ports or more than one address, the fragmentPolicy must be 'unfragmented'.")
		}
		return nil
	}
	return cd.settleFragmentPolicy()
}

// isFloatingIP is the single-address, no-port NAT form that may match fragments.
func (r *rule) isFloatingIP() bool {
	if len(r.NatTargets) != 1 || r.Condition.hasL4() {
		return false
	}
	t := r.NatTargets[0]
	return t.AddressFrom == t.AddressTo && t.PortFrom == 0 && t.PortTo == 0
}

// deleteRule removes a rule from its chain (later rules move up) and from the store.
func (st *store) deleteRule(id string) {
	r, found := st.Rules[id]
	if !found {
		return
	}
	if ch, ok := st.Chains[r.ChainID]; ok {
		ch.RuleIDs = removeString(ch.RuleIDs, id)
	}
	delete(st.Rules, id)
}

func (c *call) ruleReply(mt string, r *rule) (reply, error) {
	data, err := c.renderRule(r)
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusOK, contentType: mt, body: data}, nil
}

// renderRule is every condition field followed by the rule's own and type-specific fields.
func (c *call) renderRule(r *rule) (json.RawMessage, error) {
	cond, err := json.Marshal(&r.Condition)
	if err != nil {
		return nil, fmt.Errorf("render rule %s condition: %w", r.ID, err)
	}
	pos := 0
	if ch, found := c.st.Chains[r.ChainID]; found {
		pos = slices.Index(ch.RuleIDs, r.ID) + 1
	}
	own := map[string]any{
		"id": r.ID, "chainId": r.ChainID, "position": pos, "type": r.Type,
		"uri": c.uri("rules", r.ID), "chain": c.uri("chains", r.ChainID), "meterName": nil,
	}
	switch r.Type {
	case "jump":
		own["jumpChainId"] = r.JumpChainID
		own["jumpChainName"] = r.JumpChainName
		own["jumpChain"] = c.link("chains", r.JumpChainID)
	case "dnat", "snat":
		own["flowAction"] = r.FlowAction
		own["natTargets"] = r.NatTargets
	case "rev_dnat", "rev_snat":
		own["flowAction"] = r.FlowAction
	}
	rest, err := json.Marshal(own)
	if err != nil {
		return nil, fmt.Errorf("render rule %s: %w", r.ID, err)
	}
	var buf bytes.Buffer
	buf.Grow(len(cond) + len(rest))
	buf.Write(cond[:len(cond)-1])
	buf.WriteByte(',')
	buf.Write(rest[1:])
	return buf.Bytes(), nil
}
