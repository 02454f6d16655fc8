package dns_test

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/midovpc/midovpc/internal/metadata/dns"
)

// echoServer answers each UDP query with the query flagged as an answer.
func echoServer(t *testing.T) string {
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 512)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			buf[2] |= 0x80
			_, _ = pc.WriteTo(buf[:n], from)
		}
	}()
	return pc.LocalAddr().String()
}

// deadServer is a loopback port where nothing answers.
func deadServer(t *testing.T) string {
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	return addr
}

func ask(t *testing.T, f *dns.Forwarder) []byte {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = f.ServeUDP(ctx, pc) }()
	c, err := net.Dial("udp4", pc.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	query := []byte{0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1}
	if _, err := c.Write(query); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 512)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	if buf[0] != 0xab || buf[1] != 0xcd || buf[2]&0x80 == 0 {
		t.Fatalf("answer %x does not answer the query", buf[:n])
	}
	return buf[:n]
}

func TestForwarderTriesTheNextServerAndFailsWithSERVFAIL(t *testing.T) {
	good, dead := echoServer(t), deadServer(t)
	f := &dns.Forwarder{Upstreams: func() []string { return []string{dead, good} }, Timeout: 2 * time.Second}
	if a := ask(t, f); a[3]&0x0f != 0 || len(a) != 17 {
		t.Errorf("with a dead server first: answer %x, want the good server's", a)
	}
	f = &dns.Forwarder{Upstreams: func() []string { return nil }}
	if a := ask(t, f); a[3]&0x0f != 2 {
		t.Errorf("without servers: rcode %d, want SERVFAIL (2)", a[3]&0x0f)
	}
	f = &dns.Forwarder{Upstreams: func() []string { return []string{good} }, Allowed: func(netip.Addr) bool { return false }}
	if a := ask(t, f); a[3]&0x0f != 5 {
		t.Errorf("from a refused source: rcode %d, want REFUSED (5)", a[3]&0x0f)
	}
}
