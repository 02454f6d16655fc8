package sync

import (
	gosync "sync"

	"github.com/midovpc/midovpc/internal/midonet"
)

// sharedKeys remembers the comparison keys (actualKey) of the rules of shared chains, the
// chains other owners contribute rules to (a VPC's metadata chains get a rule from each of
// its interfaces). Every contribution compares its rules with all of the chain's: computing
// each key afresh cost a fifth of the manager's CPU at 10,000 interfaces, and grows with the
// square of a VPC's interfaces. A rule's content never changes under its id (MidoNet has no
// rule update), so a key found once holds while the rule exists.
type sharedKeys struct {
	mu      gosync.Mutex
	byChain map[string]map[string]string // chain id → rule id → key; never changed once stored
}

// of returns the keys of a chain's rules, in order, and remembers exactly those.
func (s *sharedKeys) of(chainID string, rules []midonet.Rule) []string {
	s.mu.Lock()
	known := s.byChain[chainID]
	s.mu.Unlock()
	keys := make([]string, len(rules))
	now := make(map[string]string, len(rules))
	for i, m := range rules {
		k, ok := known[m.ID]
		if !ok {
			k = actualKey(m)
		}
		keys[i], now[m.ID] = k, k
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byChain == nil {
		s.byChain = map[string]map[string]string{}
	}
	if len(now) == 0 {
		delete(s.byChain, chainID)
	} else {
		s.byChain[chainID] = now
	}
	return keys
}

// forget drops a deleted chain.
func (s *sharedKeys) forget(chainID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byChain, chainID)
}
