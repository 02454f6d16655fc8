package midonet

import (
	"context"
	"math/rand/v2"
	"time"
)

// RetryConfig sets how transient failures of idempotent requests are retried: GET, PUT,
// DELETE, and POST when the created object's identity (id or natural key) is chosen by the
// caller. A POST that lets the server pick a random id is never retried, because a lost answer
// would otherwise create a duplicate.
type RetryConfig struct {
	// Attempts is the total number of tries, first included (default 5; 1 disables retries).
	Attempts int
	// BaseDelay is the back-off before the first retry; it doubles per retry (default 200ms).
	BaseDelay time.Duration
	// MaxDelay caps one back-off (default 10s).
	MaxDelay time.Duration
}

// Default retry settings.
const (
	DefaultRetryAttempts  = 5
	DefaultRetryBaseDelay = 200 * time.Millisecond
	DefaultRetryMaxDelay  = 10 * time.Second
)

func (r RetryConfig) withDefaults() RetryConfig {
	if r.Attempts <= 0 {
		r.Attempts = DefaultRetryAttempts
	}
	if r.BaseDelay <= 0 {
		r.BaseDelay = DefaultRetryBaseDelay
	}
	if r.MaxDelay <= 0 {
		r.MaxDelay = DefaultRetryMaxDelay
	}
	if r.MaxDelay < r.BaseDelay {
		r.MaxDelay = r.BaseDelay
	}
	return r
}

// backoff returns the pause before retry number n (1 for the first retry): exponential, capped,
// with "equal jitter" (half fixed, half random) so that many clients failing together do not
// come back in lockstep, while the pause never shrinks below half the exponential step.
func (r RetryConfig) backoff(n int) time.Duration {
	d := r.BaseDelay
	for i := 1; i < n && d < r.MaxDelay; i++ {
		d *= 2
	}
	if d > r.MaxDelay {
		d = r.MaxDelay
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// Sleep waits for d or until ctx is done, whichever comes first (then it returns ctx's error).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
