package midonet

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// authHeader is the header MidoNet's AuthFilter reads.
const authHeader = "X-Auth-Token"

// tokenFile serves the token kept in a file, re-reading the file when its modification time
// or size changes, so that a rotated token (a re-mounted Kubernetes Secret) is picked up
// without a restart. One stat per request is cheap next to an HTTP round trip.
type tokenFile struct {
	path string

	mu    sync.Mutex
	mtime time.Time
	size  int64
	token string
	read  bool
}

func (f *tokenFile) current() (string, error) {
	st, err := os.Stat(f.path)
	if err != nil {
		return "", fmt.Errorf("midonet token file: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.read && st.ModTime().Equal(f.mtime) && st.Size() == f.size {
		return f.token, nil
	}
	data, err := os.ReadFile(f.path)
	if err != nil {
		return "", fmt.Errorf("midonet token file: %w", err)
	}
	f.token = string(bytes.TrimSpace(data))
	f.mtime, f.size, f.read = st.ModTime(), st.Size(), true
	return f.token, nil
}

// loginSession holds the token obtained from POST /login with Basic credentials (spec
// midonet-api.md §2.17). The token is fetched on first use, and again after a 401 or once
// its announced expiry has passed.
type loginSession struct {
	mu      sync.Mutex
	token   string
	expires time.Time // zero: no expiry announced
}

// tokenDoc is MidoNet's Token-v1 document.
type tokenDoc struct {
	Key     string  `json:"key"`
	Expires *string `json:"expires"`
}

// The expiry formats MidoNet may use: the cookie's format and a few common JSON date forms.
var expiryLayouts = []string{
	time.RFC3339, time.RFC1123, time.RFC1123Z, "Mon, 02-01-2006 15:04:05 MST", "Mon, 02-Jan-2006 15:04:05 MST",
}

func (s *loginSession) invalidate() {
	s.mu.Lock()
	s.token = ""
	s.mu.Unlock()
}

// loginToken returns a valid session token, logging in when there is none.
func (c *Client) loginToken(ctx context.Context) (string, error) {
	s := c.login
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" && (s.expires.IsZero() || time.Now().Before(s.expires)) {
		return s.token, nil
	}
	token, expires, err := c.Login(ctx)
	if err != nil {
		return "", err
	}
	s.token, s.expires = token, expires
	return token, nil
}

// Login posts the configured credentials to /login and returns the token MidoNet issued and
// its expiry (zero when none was announced). The client calls it itself when LoginUser is
// set; it is exported for tools that want to check credentials.
func (c *Client) Login(ctx context.Context) (token string, expires time.Time, err error) {
	if c.cfg.LoginUser == "" {
		return "", time.Time{}, fmt.Errorf("midonet login: no LoginUser configured")
	}
	// The configured base, not the discovered one: discovery itself may need the token.
	u := c.baseURL + "login"
	h := http.Header{}
	h.Set("Authorization", "Basic "+basicAuth(c.cfg.LoginUser, c.cfg.LoginPassword))
	if c.cfg.LoginProject != "" {
		h.Set("X-Auth-Project", c.cfg.LoginProject)
	}
	rep, err := c.do(ctx, &call{
		method: http.MethodPost, res: ResLogin, url: u,
		accept: MediaType(c.version(), ResLogin, false),
		header: h, noAuth: true, retryable: true, // a login has no side effect to duplicate
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("midonet login: %w", err)
	}
	var tok tokenDoc
	if len(bytes.TrimSpace(rep.body)) > 0 {
		if err := decodeJSON(rep.body, &tok); err != nil {
			return "", time.Time{}, fmt.Errorf("midonet login: decode token: %w", err)
		}
	}
	if tok.Key == "" {
		// MidoNet also sets the token as the sessionId cookie (the Python client reads it there).
		for _, ck := range (&http.Response{Header: rep.header}).Cookies() {
			if ck.Name == "sessionId" {
				tok.Key = ck.Value
			}
		}
	}
	if tok.Key == "" {
		return "", time.Time{}, fmt.Errorf("midonet login: answer carries no token")
	}
	if tok.Expires != nil {
		for _, layout := range expiryLayouts {
			if t, perr := time.Parse(layout, strings.TrimSpace(*tok.Expires)); perr == nil {
				expires = t
				break
			}
		}
	}
	return tok.Key, expires, nil
}
