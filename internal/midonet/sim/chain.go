package sim

import "net/http"

var (
	mtChain     = []string{vnd("Chain-v1"), mediaJSON}
	mtChainList = []string{vndList("Chain-v1"), mediaJSON}
)

// chain is a rule chain (spec §2.6). RuleIDs is the rule order: a rule's position is its index+1.
type chain struct {
	ID       string   `json:"id"`
	Seq      int64    `json:"seq"`
	TenantID *string  `json:"tenantId"`
	Name     *string  `json:"name"`
	RuleIDs  []string `json:"ruleIds"`
}

func (ch *chain) seq() int64      { return ch.Seq }
func (ch *chain) tenant() *string { return ch.TenantID }

func (c *call) serveChains() (reply, error) {
	return c.serveCollection(collection{
		list: func() (reply, error) {
			return listOfTenant(c, c.st.Chains, c.renderChain, mtChainList...)
		},
		create: c.createChain,
		get:    getter(c, c.st.Chains, "Chain", c.renderChain, mtChain...),
		remove: c.deleteChain, // chains are not updatable
		sub: func(id string) (reply, error) {
			if len(c.seg) == 3 && c.seg[2] == "rules" {
				return c.serveChainRules(id)
			}
			return reply{}, bare(http.StatusNotFound)
		},
	})
}

func (c *call) createChain() (reply, error) {
	f, err := c.readBody(generic, mtChain...)
	if err != nil {
		return reply{}, err
	}
	ch := &chain{TenantID: f.str("tenantId"), Name: f.str("name")}
	id := f.uuid("id")
	if f.err != nil {
		return reply{}, f.err
	}
	var v violations
	v.size("name", ch.Name, 0, 255)
	if err := v.err(); err != nil {
		return reply{}, err
	}
	ch.ID = newID(id)
	return insert(c, c.st.Chains, ch, ch.ID, &ch.Seq, "Chain", "chains")
}

// deleteChain answers 404 when missing. It deletes the chain's rules and every jump rule that
// targets it, and clears the filter (and redirect/forward chain) references of routers, bridges
// and ports to it without error (spec §2.6, §3).
func (c *call) deleteChain(id string) (reply, error) {
	ch, found := c.st.Chains[id]
	if !found {
		return reply{}, notFound("Chain", id)
	}
	for _, rid := range ch.RuleIDs {
		delete(c.st.Rules, rid)
	}
	for rid, r := range c.st.Rules {
		if r.Type == "jump" && eqPtr(r.JumpChainID, id) {
			c.st.deleteRule(rid)
		}
	}
	clearRef := func(ref **string) {
		if eqPtr(*ref, id) {
			*ref = nil
		}
	}
	for _, r := range c.st.Routers {
		clearRef(&r.InboundFilterID)
		clearRef(&r.OutboundFilterID)
		clearRef(&r.LocalRedirectChainID)
		clearRef(&r.ForwardChainID)
	}
	for _, b := range c.st.Bridges {
		clearRef(&b.InboundFilterID)
		clearRef(&b.OutboundFilterID)
	}
	for _, p := range c.st.Ports {
		clearRef(&p.InboundFilterID)
		clearRef(&p.OutboundFilterID)
	}
	delete(c.st.Chains, id)
	c.st.touch()
	return noContent()
}

func (c *call) renderChain(ch *chain) map[string]any {
	u := c.uri("chains", ch.ID)
	return map[string]any{
		"id": ch.ID, "tenantId": ch.TenantID, "name": ch.Name, "uri": u, "rules": u + "/rules",
	}
}
