package sim

import (
	"net/http"

	"github.com/google/uuid"
)

// pathUUID parses a UUID path parameter; one that does not parse is a 404 from Jersey, with no
// body (spec §1.5).
func pathUUID(s string) (string, error) {
	id, err := uuid.Parse(s)
	if err != nil {
		return "", bare(http.StatusNotFound)
	}
	return id.String(), nil
}

// checkChains enforces the filter bindings: every non-null chain reference must exist (404).
func (c *call) checkChains(ids ...*string) error {
	for _, id := range ids {
		if id != nil {
			if _, found := c.st.Chains[*id]; !found {
				return notFound("Chain", *id)
			}
		}
	}
	return nil
}

// checkNoMirrors: mirrors are not modelled, so any mirror reference dangles (404).
func checkNoMirrors(lists ...[]string) error {
	for _, l := range lists {
		if len(l) > 0 {
			return notFound("Mirror", l[0])
		}
	}
	return nil
}

// tenantFilter reads ?tenant_id= for the root lists that honour it (spec §1.4).
func (c *call) tenantFilter() (string, bool) {
	q := c.r.URL.Query()
	if !q.Has("tenant_id") {
		return "", false
	}
	return q.Get("tenant_id"), true
}
