package midonet

import (
	"context"
	"sync"
)

// WithBeforeWrite returns a context under which fn runs once, before the first write
// (POST, PUT, DELETE) the client sends with it or a context derived from it. Every write
// waits until fn has returned; if fn fails, no write is sent and each returns fn's error.
// Reads never call fn.
//
// The reconcilers use it to record what a resource claims before its first MidoNet write,
// and only then: a sync that finds MidoNet already right (an adoption) writes nothing
// anywhere.
func WithBeforeWrite(ctx context.Context, fn func(context.Context) error) context.Context {
	return context.WithValue(ctx, beforeWriteKey{}, &beforeWrite{fn: fn})
}

type beforeWriteKey struct{}

type beforeWrite struct {
	once sync.Once
	fn   func(context.Context) error
	err  error
}

// runBeforeWrite runs the context's before-write hook, once, and returns its error.
func runBeforeWrite(ctx context.Context) error {
	h, _ := ctx.Value(beforeWriteKey{}).(*beforeWrite)
	if h == nil {
		return nil
	}
	h.once.Do(func() { h.err = h.fn(ctx) })
	return h.err
}
