package sync

import (
	"slices"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
)

// ensurePortGroupMembers makes each owned port group hold exactly its members: members are
// part of the group (topology.PortGroup), so others are removed.
func (r *run) ensurePortGroupMembers() error {
	for _, g := range r.frag.PortGroups {
		gid, ok := r.named.lookup(g.Key())
		if !ok {
			continue // find-only and absent
		}
		want := make([]string, 0, len(g.Members))
		for _, m := range g.Members {
			id, err := r.portID(m)
			if err != nil {
				if r.findOnly {
					continue
				}
				return err
			}
			want = append(want, id)
		}
		if err := r.ensureMembers(gid, g.Name, want); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) ensureMembers(gid, name string, want []string) error {
	unlock := r.e.lock(gid)
	defer unlock()
	if !r.findOnly {
		if err := r.e.Index.RefreshIfStale(r.ctx, index.KindPortGroup, gid); err != nil {
			return err
		}
	}
	have := r.e.Index.MembersOf(gid)
	for _, p := range want {
		id := index.MemberID(gid, p)
		if slices.Contains(have, p) || r.findOnly {
			if slices.Contains(have, p) {
				r.kept.set(id, true)
			}
			continue
		}
		if _, err := r.e.Client.AddPortGroupPort(r.ctx, gid, p); err != nil && !midonet.IsConflict(err) {
			return r.failed(index.KindPortGroup, gid, err, "add port %s to port group %s", p, name)
		} else if err == nil {
			r.created()
		}
		r.e.Index.AddMember(gid, p)
		r.kept.set(id, true)
	}
	if r.findOnly {
		return nil
	}
	for _, p := range have {
		if slices.Contains(want, p) {
			continue
		}
		if err := r.e.Client.DeletePortGroupPort(r.ctx, gid, p); !gone(err) {
			return r.failed(index.KindPortGroup, gid, err, "remove port %s from port group %s", p, name)
		}
		r.removed(index.MemberID(gid, p))
		r.e.Index.RemoveMember(gid, p)
	}
	return nil
}
