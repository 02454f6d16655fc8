package midonet

import "context"

// Rule types (the "type" discriminator). "continue" is not a type, only a FlowAction.
const (
	RuleTypeAccept  = "accept"
	RuleTypeDrop    = "drop"
	RuleTypeReject  = "reject"
	RuleTypeReturn  = "return"
	RuleTypeJump    = "jump"
	RuleTypeDNAT    = "dnat"
	RuleTypeSNAT    = "snat"
	RuleTypeRevDNAT = "rev_dnat"
	RuleTypeRevSNAT = "rev_snat"
)

// Flow actions of NAT rules.
const (
	FlowActionAccept   = "accept"
	FlowActionContinue = "continue"
	FlowActionReturn   = "return"
)

// Fragment policies.
const (
	FragmentPolicyAny          = "any"
	FragmentPolicyHeader       = "header"
	FragmentPolicyNonHeader    = "nonheader"
	FragmentPolicyUnfragmented = "unfragmented"
)

// Ethernet types used in rule conditions.
const (
	DlTypeIPv4 = 0x0800 // 2048
	DlTypeARP  = 0x0806 // 2054
)

// Rule is one rule of a chain: a condition (every field optional) and an action given by Type
// (spec midonet-api.md §2.7). Rules are immutable: change one by creating the new rule at the
// same position and deleting the old.
type Rule struct {
	ID       string `json:"id,omitempty"`
	ChainID  string `json:"chainId,omitempty"` // read-only: from the path
	Type     string `json:"type"`
	Position int    `json:"position,omitempty"` // 1-based; 0 or omitted inserts at the top
	// MeterName is accepted but not persisted by MidoNet 5.
	MeterName string `json:"meterName,omitempty"`

	// Condition.
	CondInvert       bool `json:"condInvert,omitempty"`
	MatchForwardFlow bool `json:"matchForwardFlow,omitempty"`
	MatchReturnFlow  bool `json:"matchReturnFlow,omitempty"`

	InPorts     []string `json:"inPorts,omitempty"`
	InvInPorts  bool     `json:"invInPorts,omitempty"`
	OutPorts    []string `json:"outPorts,omitempty"`
	InvOutPorts bool     `json:"invOutPorts,omitempty"`

	PortGroup       *string `json:"portGroup,omitempty"`
	InvPortGroup    bool    `json:"invPortGroup,omitempty"`
	InPortGroup     *string `json:"inPortGroup,omitempty"`
	InvInPortGroup  bool    `json:"invInPortGroup,omitempty"`
	OutPortGroup    *string `json:"outPortGroup,omitempty"`
	InvOutPortGroup bool    `json:"invOutPortGroup,omitempty"`

	IPAddrGroupSrc    *string `json:"ipAddrGroupSrc,omitempty"`
	InvIPAddrGroupSrc bool    `json:"invIpAddrGroupSrc,omitempty"`
	IPAddrGroupDst    *string `json:"ipAddrGroupDst,omitempty"`
	InvIPAddrGroupDst bool    `json:"invIpAddrGroupDst,omitempty"`

	TraversedDevice    *string `json:"traversedDevice,omitempty"`
	InvTraversedDevice bool    `json:"invTraversedDevice,omitempty"`

	DlType    *int    `json:"dlType,omitempty"` // nil: any ethertype
	InvDlType bool    `json:"invDlType,omitempty"`
	DlSrc     *string `json:"dlSrc,omitempty"`
	DlSrcMask *string `json:"dlSrcMask,omitempty"` // xxxx.xxxx.xxxx
	InvDlSrc  bool    `json:"invDlSrc,omitempty"`
	DlDst     *string `json:"dlDst,omitempty"`
	DlDstMask *string `json:"dlDstMask,omitempty"`
	InvDlDst  bool    `json:"invDlDst,omitempty"`

	NwTos      *int `json:"nwTos,omitempty"`
	InvNwTos   bool `json:"invNwTos,omitempty"`
	NwProto    *int `json:"nwProto,omitempty"` // nil: any protocol
	InvNwProto bool `json:"invNwProto,omitempty"`

	NwSrcAddress *string `json:"nwSrcAddress,omitempty"`
	NwSrcLength  int     `json:"nwSrcLength,omitempty"`
	InvNwSrc     bool    `json:"invNwSrc,omitempty"`
	NwDstAddress *string `json:"nwDstAddress,omitempty"`
	NwDstLength  int     `json:"nwDstLength,omitempty"`
	InvNwDst     bool    `json:"invNwDst,omitempty"`

	// TpSrc and TpDst are L4 port ranges; for ICMP, TpSrc holds the type and TpDst the code.
	TpSrc    *PortRange `json:"tpSrc,omitempty"`
	InvTpSrc bool       `json:"invTpSrc,omitempty"`
	TpDst    *PortRange `json:"tpDst,omitempty"`
	InvTpDst bool       `json:"invTpDst,omitempty"`

	NoVlan              bool   `json:"noVlan,omitempty"`
	Vlan                *int   `json:"vlan,omitempty"`
	MatchNwDstRewritten bool   `json:"matchNwDstRewritten,omitempty"`
	FragmentPolicy      string `json:"fragmentPolicy,omitempty"` // "" lets MidoNet choose

	// Action fields.
	JumpChainID   *string     `json:"jumpChainId,omitempty"`   // jump
	JumpChainName string      `json:"jumpChainName,omitempty"` // jump; stored verbatim
	FlowAction    string      `json:"flowAction,omitempty"`    // dnat, snat, rev_dnat, rev_snat
	NatTargets    []NatTarget `json:"natTargets,omitempty"`    // dnat, snat: at least one

	URI string `json:"uri,omitempty"` // read-only self link
}

// PortRange is an inclusive L4 port range; MidoNet 5.4+ requires 1 ≤ Start ≤ End ≤ 65535.
type PortRange struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// NatTarget is one address (and optional port) range a NAT rule translates to; ports 0 mean
// no port translation.
type NatTarget struct {
	AddressFrom string `json:"addressFrom"`
	AddressTo   string `json:"addressTo"`
	PortFrom    int    `json:"portFrom"`
	PortTo      int    `json:"portTo"`
}

// ListRules lists a chain's rules in position order.
func (c *Client) ListRules(ctx context.Context, chainID string) ([]Rule, error) {
	return listAt[Rule](ctx, c, ResRules, "chains", chainID, "rules")
}

// GetRule reads one rule.
func (c *Client) GetRule(ctx context.Context, id string) (*Rule, error) {
	return getAt[Rule](ctx, c, ResRules, "rules", id)
}

// CreateRule inserts r into a chain at r.Position (shifting later rules down) and returns it
// as sent.
func (c *Client) CreateRule(ctx context.Context, chainID string, r *Rule) (*Rule, error) {
	got, err := createAt[Rule](ctx, c, ResRules, r.ID, r, "chains", chainID, "rules")
	if err == nil && got.ChainID == "" {
		got.ChainID = chainID // from the path, as MidoNet renders it
	}
	return got, err
}

// DeleteRule deletes a rule; later rules of its chain move up one position.
func (c *Client) DeleteRule(ctx context.Context, id string) error {
	return removeAt(ctx, c, ResRules, "rules", id)
}
