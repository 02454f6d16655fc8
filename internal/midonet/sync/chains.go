package sync

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
	"github.com/midovpc/midovpc/internal/topology"
)

// Chain edits are hitless (translation.md decision (b)): the chain's current rules are matched
// against the desired ones with a longest common subsequence on the rule keys; matched rules
// stay; every unmatched desired rule is inserted at its final position, top-down, positions
// recomputed after each call; only then are the unmatched old rules deleted, bottom-up. At
// every moment a packet meets the first matching rule of the old or of the new list, never an
// empty or half-built chain. The whole edit holds the chain's lock, so the positional edits of
// two owners in one shared chain never interleave (contributions placed First, whose position
// is always 1, share it: lockContribution).

// ensureChainRules edits the owner's chains. A chain whose rules refer to something missing (a
// security group's chain not synced yet) is left as it is and reported; the others proceed.
func (r *run) ensureChainRules() error {
	if r.findOnly {
		return nil // the owner's chains go as a whole, with their rules
	}
	type edit struct {
		id     string
		chain  topology.Chain
		wanted []wantedRule
	}
	var deps []error
	var edits []edit
	for _, c := range r.frag.Chains {
		id, ok := r.named.lookup(c.Key())
		if !ok {
			return fmt.Errorf("chain %s: not resolved", c.Name)
		}
		wanted, err := r.resolveRules(c.Rules)
		if err != nil {
			if IsDependency(err) {
				deps = append(deps, fmt.Errorf("rules of chain %s: %w", c.Name, err))
				continue
			}
			return err
		}
		edits = append(edits, edit{id, c, wanted})
	}
	// Chains are edited at once, each rule by rule in its hitless order.
	if err := r.each(len(edits), func(i int) error { return r.editChain(edits[i].id, edits[i].chain, edits[i].wanted) }); err != nil {
		return err
	}
	return errors.Join(deps...)
}

func (r *run) resolveRules(rules []topology.Rule) ([]wantedRule, error) {
	out := make([]wantedRule, 0, len(rules))
	for _, t := range rules {
		w, err := r.resolveRule(t)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}

func ruleIDOf(m midonet.Rule) string { return m.ID }

func (r *run) editChain(chainID string, c topology.Chain, wanted []wantedRule) error {
	unlock := r.e.lock(chainID)
	defer unlock()
	if err := r.e.Index.RefreshIfStale(r.ctx, index.KindChain, chainID); err != nil {
		return err
	}
	cur := r.e.Index.RulesOf(chainID)
	// In a shared chain, rules recorded for another owner are contributions: never matched,
	// never deleted, never moved.
	mine := make([]bool, len(cur))
	curKeys := make([]string, len(cur))
	for i, m := range cur {
		mine[i] = !c.Shared || !r.ownedByOther(m.ID)
		if mine[i] {
			curKeys[i] = actualKey(m)
		} else {
			curKeys[i] = "\x00contribution " + m.ID
		}
	}
	wantKeys := make([]string, len(wanted))
	for i, w := range wanted {
		wantKeys[i] = w.key
	}
	realized := make([]string, len(wanted))
	matched := make([]bool, len(cur))
	for _, p := range lcs(curKeys, wantKeys) {
		realized[p[1]] = cur[p[0]].ID
		matched[p[0]] = true
	}
	list := idsOf(cur, ruleIDOf)

	seen := map[string]int{}
	for i, w := range wanted {
		if realized[i] == "" {
			pos := r.insertPosition(list, realized, i, c.Shared)
			got, err := r.insertRule(chainID, c.Name, w, pos)
			if err != nil {
				return err
			}
			list = slices.Insert(list, pos-1, got.ID)
			realized[i] = got.ID
		}
		seen[w.name]++
		key := topology.RuleKey(c.Name, c.Rules[i])
		if n := seen[w.name]; n > 1 {
			key += "#" + strconv.Itoa(n)
		}
		r.keep(key, realized[i])
	}

	var stale []string
	for i, m := range cur {
		if !matched[i] && mine[i] && (!c.Shared || r.prev[m.ID]) {
			stale = append(stale, m.ID)
		}
	}
	return r.deleteRules(chainID, c.Name, stale, list)
}

// insertPosition is the 1-based position desired rule i must take now: right after the rule
// that realises rule i-1; the top for the first rule of an exclusively owned chain; in a shared
// chain, before the owner's next rule already there, or else after the contributions placed
// First.
func (r *run) insertPosition(list, realized []string, i int, shared bool) int {
	if i > 0 {
		return slices.Index(list, realized[i-1]) + 2
	}
	if !shared {
		return 1
	}
	for _, id := range realized[1:] {
		if id != "" {
			return slices.Index(list, id) + 1
		}
	}
	pos := 1
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	for _, id := range list {
		if !r.e.placedFirst(id) {
			break
		}
		pos++
	}
	return pos
}

// newRuleID is the deterministic id of a new rule: derived from the chain and the rule's key,
// with a counter that skips ids in use (the same rule may exist twice while it is moved).
func (r *run) newRuleID(chain, key string) string {
	for n := 0; ; n++ {
		id := r.e.objectID("rule:" + chain + ":" + key + "#" + strconv.Itoa(n))
		if _, used := r.e.Index.Rule(id); !used && !r.kept.get(id) {
			return id
		}
	}
}

func (r *run) insertRule(chainID, chain string, w wantedRule, pos int) (*midonet.Rule, error) {
	body := w.body
	body.ID, body.Position = r.newRuleID(chain, w.key), pos
	got, err := r.e.Client.CreateRule(r.ctx, chainID, &body)
	if err != nil {
		return nil, r.failed(index.KindChain, chainID, err, "insert rule %q at position %d of chain %s", w.name, pos, chain)
	}
	r.created()
	got.Position = pos
	r.e.Index.InsertRule(chainID, *got)
	return got, nil
}

// deleteRules deletes rules of a chain bottom-up (highest position first). list is the chain's
// current rule order.
func (r *run) deleteRules(chainID, chain string, ids []string, list []string) error {
	slices.SortFunc(ids, func(a, b string) int { return slices.Index(list, b) - slices.Index(list, a) })
	for _, id := range ids {
		if err := r.e.Client.DeleteRule(r.ctx, id); !gone(err) {
			return r.failed(index.KindChain, chainID, err, "delete rule %s of chain %s", id, chain)
		}
		r.removed(id)
		r.e.Index.DeleteRule(id)
	}
	return nil
}

// ensureContributedRules adds the owner's rules to shared chains of other owners: missing ones
// at the top (First) or the bottom (Last). Contributions are order-free; those no longer
// wanted are deleted with the rest of the owner's unwanted objects.
func (r *run) ensureContributedRules() error {
	return r.each(len(r.frag.ChainRules), func(i int) error {
		cr := r.frag.ChainRules[i]
		chainID, err := r.chainID(cr.Chain)
		if err == nil {
			var wanted []wantedRule
			if wanted, err = r.resolveRules(cr.Rules); err == nil {
				err = r.contribute(chainID, cr, wanted)
			}
		}
		if err != nil && IsDependency(err) {
			return fmt.Errorf("rules for chain %s: %w", cr.Chain, err)
		}
		return err
	})
}

func (r *run) contribute(chainID string, cr topology.ChainRules, wanted []wantedRule) error {
	unlock, err := r.lockContribution(chainID, cr.Placement != topology.Last)
	if err != nil {
		return err
	}
	defer unlock()
	// The chain's rules by id only: the keys are remembered, and a shared chain holds a rule
	// per contributor (a VPC's metadata chains one per interface).
	cur := r.e.Index.RuleIDsOf(chainID)
	keys := r.e.shared.of(chainID, cur, r.e.Index.Rule)
	for i, w := range wanted {
		key := topology.RuleKey(cr.Chain, cr.Rules[i])
		var cands []string
		for j, id := range cur {
			if keys[j] == w.key {
				cands = append(cands, id)
			}
		}
		if got, ok := preferred(cands, func(id string) string { return id }, "", r); ok {
			r.keep(key, got)
			r.placement.set(got, cr.Placement)
			continue
		}
		if r.findOnly {
			continue
		}
		pos := 1
		if cr.Placement == topology.Last {
			pos = len(cur) + 1
		}
		got, err := r.insertRule(chainID, cr.Chain, w, pos)
		if err != nil {
			return err
		}
		r.keep(key, got.ID)
		r.placement.set(got.ID, cr.Placement)
		// Other owners' contributions may have landed meanwhile (a shared lock): read again.
		cur = r.e.Index.RuleIDsOf(chainID)
		keys = r.e.shared.of(chainID, cur, r.e.Index.Rule)
	}
	return nil
}

// lockContribution takes a shared chain's lock for a contribution, the chain read again first
// if it is stale (a chain marked stale meanwhile only risks a 409 on a create, which adopts). Rules placed First go in at position 1, which is right whatever else goes in
// meanwhile, and contributions are order-free: the contributions of many owners to one chain
// (a VPC's metadata chains take one from each of its interfaces) go out at once, under the
// shared lock. The owner's positional edits, deletes, refreshes and rules placed Last (their
// position counts the chain's rules) take the exclusive lock, so none of them runs while
// contributions are in flight. MidoNet may then order concurrent contributions otherwise
// than the index: drift detection ignores positions, and the owner's positions count only how
// many contributions stand first, which both agree on.
func (r *run) lockContribution(chainID string, shared bool) (func(), error) {
	if !shared {
		unlock := r.e.lock(chainID)
		if !r.findOnly {
			if err := r.e.Index.RefreshIfStale(r.ctx, index.KindChain, chainID); err != nil {
				unlock()
				return nil, err
			}
		}
		return unlock, nil
	}
	if err := r.refreshStale(index.KindChain, chainID); err != nil {
		return nil, err
	}
	m := r.e.containerLock(chainID)
	m.RLock()
	return m.RUnlock, nil
}

// lcs returns the index pairs (into a, into b) of a longest common subsequence of a and b.
func lcs(a, b []string) [][2]int {
	if slices.Equal(a, b) {
		out := make([][2]int, len(a))
		for i := range a {
			out[i] = [2]int{i, i}
		}
		return out
	}
	n, m := len(a), len(b)
	dp := make([][]int32, n+1)
	for i := range dp {
		dp[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	var out [][2]int
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case a[i] == b[j]:
			out = append(out, [2]int{i, j})
			i++
			j++
		case dp[i+1][j] >= dp[i][j+1]:
			i++
		default:
			j++
		}
	}
	return out
}
