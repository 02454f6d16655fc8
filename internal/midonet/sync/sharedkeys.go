package sync

import (
	"strings"
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

// of returns the keys of a chain's rules, given their ids in order, and remembers exactly
// those. rule looks up a rule whose key is not remembered yet (one another owner inserted
// since); a rule it no longer finds gets a key that matches nothing. When the chain holds
// exactly the remembered rules, nothing is allocated but the keys.
func (s *sharedKeys) of(chainID string, ids []string, rule func(id string) (midonet.Rule, bool)) []string {
	s.mu.Lock()
	known := s.byChain[chainID]
	s.mu.Unlock()
	keys := make([]string, len(ids))
	unknown := 0
	for i, id := range ids {
		k, ok := known[id]
		if !ok {
			unknown++
			if m, found := rule(id); found {
				k = actualKey(m)
			} else {
				k = "\x00gone " + id
			}
		}
		keys[i] = k
	}
	if unknown == 0 && len(known) == len(ids) {
		return keys // the same rules: what is remembered stays right
	}
	now := make(map[string]string, len(ids))
	for i, id := range ids {
		if !strings.HasPrefix(keys[i], "\x00gone ") {
			now[id] = keys[i]
		}
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
