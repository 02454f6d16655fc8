package topology

// Chain is a rule chain owned by one owner. Rules is the exact ordered list of the owner's
// rules. Shared chains also receive order-free rules from other owners (ChainRules).
type Chain struct {
	Name   string
	Rules  []Rule
	Shared bool
}

// Key identifies the chain.
func (c Chain) Key() string { return "chain:" + c.Name }

// Placement says where contributed rules sit relative to the chain owner's own rules.
type Placement string

const (
	// First: before the owner's rules (MidoNet's default insert position 1).
	First Placement = "first"
	// Last: after the owner's rules.
	Last Placement = "last"
)

// ChainRules are rules one owner contributes to a Shared chain owned by someone else. The
// rules are order-free among themselves.
type ChainRules struct {
	Chain     string
	Placement Placement
	Rules     []Rule
}

// RuleKey identifies one contributed rule: its chain and its normalised content.
func RuleKey(chain string, r Rule) string { return "rule:" + chain + ":" + r.Key() }
