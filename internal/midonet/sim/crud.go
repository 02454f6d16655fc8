package sim

import "net/http"

// The steps every resource handler shares. MidoNet 5 serves all its collections from one
// resource base class, so their answers agree in order and wording: the media type is
// negotiated first (406/415), then the object is looked up (404), then the body is read (400).

// collection is the handlers of a top-level collection /{name}[/{id}[/…]]; a nil handler is a
// method the collection does not allow (405).
type collection struct {
	list, create        func() (reply, error)
	get, update, remove func(id string) (reply, error)
	// sub serves /{name}/{id}/…; nil when there is nothing below an object (404).
	sub func(id string) (reply, error)
}

// serveCollection routes a request for a top-level collection to its handler. The id is
// parsed before anything below it is looked at, so a malformed one answers 404.
func (c *call) serveCollection(h collection) (reply, error) {
	if len(c.seg) == 1 {
		switch {
		case c.method() == http.MethodGet && h.list != nil:
			return h.list()
		case c.method() == http.MethodPost && h.create != nil:
			return h.create()
		}
		return reply{}, methodNotAllowed()
	}
	id, err := pathUUID(c.seg[1])
	if err != nil {
		return reply{}, err
	}
	if len(c.seg) > 2 {
		if h.sub == nil {
			return reply{}, bare(http.StatusNotFound)
		}
		return h.sub(id)
	}
	var handle func(string) (reply, error)
	switch c.method() {
	case http.MethodGet:
		handle = h.get
	case http.MethodPut:
		handle = h.update
	case http.MethodDelete:
		handle = h.remove
	}
	if handle == nil {
		return reply{}, methodNotAllowed()
	}
	return handle(id)
}

// getter is GET /{name}/{id}: the object rendered, or MidoNet's not-found error for class.
func getter[T any](c *call, objects map[string]T, class string, render func(T) map[string]any, types ...string) func(id string) (reply, error) {
	return func(id string) (reply, error) {
		mt, err := c.produce(generic, types...)
		if err != nil {
			return reply{}, err
		}
		obj, found := objects[id]
		if !found {
			return reply{}, notFound(class, id)
		}
		return ok(mt, render(obj))
	}
}

// remover is MidoNet's idempotent DELETE of an object nothing hangs off: 204 whether or not it
// existed.
func remover[T any](c *call, objects map[string]T) func(id string) (reply, error) {
	return func(id string) (reply, error) {
		if _, found := objects[id]; found {
			delete(objects, id)
			c.st.touch()
		}
		return noContent()
	}
}

// list is GET of a top-level collection: the objects keep accepts (nil: all) in creation order.
func list[T sequenced](c *call, objects map[string]T, keep func(T) bool, render func(T) map[string]any, types ...string) (reply, error) {
	mt, err := c.produce(generic, types...)
	if err != nil {
		return reply{}, err
	}
	return ok(mt, renderAll(ordered(objects, keep), render))
}

// owned is implemented by the objects that belong to a tenant.
type owned interface {
	sequenced
	tenant() *string
}

// listOfTenant is list for a tenant-owned collection, honouring ?tenant_id=.
func listOfTenant[T owned](c *call, objects map[string]T, render func(T) map[string]any, types ...string) (reply, error) {
	tenant, filter := c.tenantFilter()
	return list(c, objects, func(v T) bool { return !filter || eqPtr(v.tenant(), tenant) }, render, types...)
}

// renderAll renders items in order; an empty result serialises as [], never null.
func renderAll[T any](items []T, render func(T) map[string]any) []any {
	out := make([]any, 0, len(items))
	for _, v := range items {
		out = append(out, render(v))
	}
	return out
}

// readBody checks the Content-Type of a POST or PUT and reads its JSON body.
func (c *call) readBody(kind negotiation, types ...string) (*fields, error) {
	if err := c.consume(kind, types...); err != nil {
		return nil, err
	}
	return readFields(c.r.Body)
}

// readUpdate starts a PUT of /{name}/{id}: the Content-Type, then the stored object (404 for
// class), then the body.
func readUpdate[T any](c *call, objects map[string]T, class, id string, types ...string) (T, *fields, error) {
	var none T
	if err := c.consume(generic, types...); err != nil {
		return none, nil, err
	}
	old, found := objects[id]
	if !found {
		return none, nil, notFound(class, id)
	}
	f, err := readFields(c.r.Body)
	if err != nil {
		return none, nil, err
	}
	return old, f, nil
}

// insert stores a new top-level object under id. A caller-supplied id already taken is refused
// (409, MidoNet's ObjectExistsException for class); otherwise the object takes the next
// creation number (*seq) and the answer is 201 with its location under collection.
func insert[T any](c *call, objects map[string]T, obj T, id string, seq *int64, class, collection string) (reply, error) {
	if _, dup := objects[id]; dup {
		return reply{}, alreadyExists(class, id)
	}
	*seq = c.st.nextSeq()
	objects[id] = obj
	c.st.touch()
	return created(c.uri(collection, id))
}
