// Package dns forwards the DNS queries instances send to 169.254.169.253 (UDP and TCP, port 53)
// to the cloud's instance DNS servers. Messages are relayed as they are, not parsed: the
// forwarder checks only that a query has a DNS header and comes from an interface the mapping
// knows (it is not an open resolver), and answers REFUSED or SERVFAIL itself when it must.
package dns

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
)

const (
	headerLen   = 12
	maxUDPSize  = 4096 // EDNS(0) sizes in practice
	maxTCPConns = 256
	// maxUDPInFlight bounds the UDP queries waiting for an upstream answer.
	maxUDPInFlight = 1024
	// DefaultTimeout bounds one exchange with one upstream server.
	DefaultTimeout = 3 * time.Second
	tcpIdle        = 10 * time.Second
)

// DNS response codes the forwarder answers itself.
const (
	rcodeServFail = 2
	rcodeRefused  = 5
)

// Forwarder relays queries to the upstream servers, trying them in order.
type Forwarder struct {
	// Upstreams returns the servers (address:port) to ask, in order.
	Upstreams func() []string
	// Allowed tells whether a query from this source may be forwarded.
	Allowed func(netip.Addr) bool
	// Timeout bounds the exchange with each server (DefaultTimeout when 0).
	Timeout time.Duration
	// Metrics, when set, count queries.
	Metrics *Metrics
	Log     logr.Logger
}

// Metrics count forwarded queries.
type Metrics struct {
	queries *prometheus.CounterVec
}

// NewMetrics registers the forwarder's metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{queries: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "midovpc_metadata_dns_queries_total",
		Help: "DNS queries received on 169.254.169.253, by transport and result (forwarded, refused, failed, malformed, dropped).",
	}, []string{"proto", "result"})}
	reg.MustRegister(m.queries)
	return m
}

func (m *Metrics) count(proto, result string) {
	if m != nil {
		m.queries.WithLabelValues(proto, result).Inc()
	}
}

func (f *Forwarder) timeout() time.Duration {
	if f.Timeout == 0 {
		return DefaultTimeout
	}
	return f.Timeout
}

func (f *Forwarder) log() logr.Logger {
	if f.Log.GetSink() == nil {
		return logr.Discard()
	}
	return f.Log
}

// ServeUDP answers queries arriving on pc until ctx ends.
func (f *Forwarder) ServeUDP(ctx context.Context, pc net.PacketConn) error {
	go func() { <-ctx.Done(); pc.Close() }()
	buf := make([]byte, maxUDPSize)
	inFlight := make(chan struct{}, maxUDPInFlight)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, net.ErrClosed) {
				return err
			}
			continue
		}
		if n < headerLen {
			f.Metrics.count("udp", "malformed")
			continue
		}
		select {
		case inFlight <- struct{}{}:
		default:
			f.Metrics.count("udp", "dropped")
			continue // UDP: the client asks again
		}
		query := append([]byte(nil), buf[:n]...)
		go func() {
			defer func() { <-inFlight }()
			answer := f.answer("udp", sourceOf(from), query, exchangeUDP)
			if answer != nil {
				_, _ = pc.WriteTo(answer, from)
			}
		}()
	}
}

// ServeTCP answers queries on connections accepted from l until ctx ends; each connection may
// carry several length-prefixed queries.
func (f *Forwarder) ServeTCP(ctx context.Context, l net.Listener) error {
	go func() { <-ctx.Done(); l.Close() }()
	slots := make(chan struct{}, maxTCPConns)
	for {
		c, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, net.ErrClosed) {
				return err
			}
			continue
		}
		select {
		case slots <- struct{}{}:
		default:
			c.Close()
			continue
		}
		go func() {
			defer func() { <-slots }()
			defer c.Close()
			f.serveTCPConn(c)
		}()
	}
}

func (f *Forwarder) serveTCPConn(c net.Conn) {
	src := sourceOf(c.RemoteAddr())
	for {
		_ = c.SetDeadline(time.Now().Add(tcpIdle))
		query, err := readTCPMessage(c)
		if err != nil {
			return
		}
		if len(query) < headerLen {
			f.Metrics.count("tcp", "malformed")
			return
		}
		answer := f.answer("tcp", src, query, exchangeTCP)
		if answer == nil || writeTCPMessage(c, answer) != nil {
			return
		}
	}
}

type exchangeFunc func(server string, query []byte, timeout time.Duration) ([]byte, error)

// answer forwards a query from src to the first upstream that answers it, or makes up the
// refusal or failure itself.
func (f *Forwarder) answer(proto string, src netip.Addr, query []byte, exchange exchangeFunc) []byte {
	if f.Allowed != nil && !f.Allowed(src) {
		f.Metrics.count(proto, "refused")
		return reply(query, rcodeRefused)
	}
	var lastErr error
	for _, server := range f.Upstreams() {
		answer, err := exchange(server, query, f.timeout())
		if err == nil && len(answer) >= headerLen && binary.BigEndian.Uint16(answer) == binary.BigEndian.Uint16(query) {
			f.Metrics.count(proto, "forwarded")
			return answer
		}
		if err == nil {
			err = errors.New("answer does not match the query")
		}
		lastErr = err
	}
	f.Metrics.count(proto, "failed")
	if lastErr != nil {
		f.log().V(1).Info("DNS query not answered upstream", "source", src.String(), "error", lastErr.Error())
	}
	return reply(query, rcodeServFail)
}

// reply is a header-only answer to query with the given response code.
func reply(query []byte, rcode byte) []byte {
	r := make([]byte, headerLen)
	copy(r[:2], query[:2])          // id
	r[2] = 0x80 | (query[2] & 0x79) // QR, the query's opcode and RD
	r[3] = 0x80 | (rcode & 0x0f)    // RA, rcode
	return r
}

func exchangeUDP(server string, query []byte, timeout time.Duration) ([]byte, error) {
	c, err := net.DialTimeout("udp", server, timeout)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(timeout))
	if _, err := c.Write(query); err != nil {
		return nil, err
	}
	buf := make([]byte, maxUDPSize)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return nil, err
		}
		// Ignore stray datagrams that are not the answer to this query.
		if n >= headerLen && binary.BigEndian.Uint16(buf) == binary.BigEndian.Uint16(query) {
			return buf[:n], nil
		}
	}
}

func exchangeTCP(server string, query []byte, timeout time.Duration) ([]byte, error) {
	c, err := net.DialTimeout("tcp", server, timeout)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(timeout))
	if err := writeTCPMessage(c, query); err != nil {
		return nil, err
	}
	return readTCPMessage(c)
}

func readTCPMessage(r io.Reader) ([]byte, error) {
	var l [2]byte
	if _, err := io.ReadFull(r, l[:]); err != nil {
		return nil, err
	}
	msg := make([]byte, binary.BigEndian.Uint16(l[:]))
	if _, err := io.ReadFull(r, msg); err != nil {
		return nil, err
	}
	return msg, nil
}

func writeTCPMessage(w io.Writer, msg []byte) error {
	b := binary.BigEndian.AppendUint16(make([]byte, 0, 2+len(msg)), uint16(len(msg)))
	_, err := w.Write(append(b, msg...))
	return err
}

func sourceOf(a net.Addr) netip.Addr {
	if ap, err := netip.ParseAddrPort(a.String()); err == nil {
		return ap.Addr().Unmap()
	}
	return netip.Addr{}
}

// ServerAddress is a DNS server's address:port, port 53 unless given.
func ServerAddress(a netip.Addr) string { return net.JoinHostPort(a.String(), strconv.Itoa(53)) }
