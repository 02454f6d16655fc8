package benchscale

import (
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestParseProcStat(t *testing.T) {
	// comm may hold spaces and parentheses: fields are counted from its last ')'.
	line := []byte("4242 (kube (api) server) S 4100 4242 4100 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 12 0 500 1000 300\n")
	st, ok := parseProcStat(line)
	if !ok || st.ppid != 4100 || st.ticks != 325 {
		t.Fatalf("parseProcStat = %+v, %v; want ppid 4100, 325 ticks", st, ok)
	}
	for _, bad := range []string{"", "4242 no-paren S 1", "4242 (x) S notanumber 1 1 1 1 1 1 1 1 1 1 1"} {
		if _, ok := parseProcStat([]byte(bad)); ok {
			t.Errorf("parseProcStat(%q) accepted a malformed line", bad)
		}
	}
}

func TestTreeCPUCountsDescendants(t *testing.T) {
	stats := map[int]procStat{
		1:  {ppid: 0, ticks: 1000},
		10: {ppid: 1, ticks: 150},  // the manager
		11: {ppid: 10, ticks: 200}, // its kube-apiserver
		12: {ppid: 10, ticks: 50},  // its etcd
		13: {ppid: 11, ticks: 10},  // a grandchild
		20: {ppid: 1, ticks: 999},  // not ours
	}
	own, desc := treeCPU(stats, 10)
	if own != 1.5 || desc != 2.6 {
		t.Errorf("treeCPU = %.2f own, %.2f descendants; want 1.50 and 2.60", own, desc)
	}
	if own, desc := treeCPU(stats, 99); own != 0 || desc != 0 {
		t.Errorf("treeCPU of a process that is gone = %v, %v; want 0, 0", own, desc)
	}
	// The real /proc holds this process, with its parent.
	stats, err := procStats()
	if err != nil {
		t.Fatal(err)
	}
	if st, ok := stats[os.Getpid()]; !ok || st.ppid != os.Getppid() {
		t.Errorf("procStats has this process as %+v (found %v), want parent %d", st, ok, os.Getppid())
	}
}

func TestSumSamples(t *testing.T) {
	page := `# HELP rest_client_requests_total Number of HTTP requests.
# TYPE rest_client_requests_total counter
rest_client_requests_total{code="200",host="127.0.0.1:1",method="GET"} 38
rest_client_requests_total{code="200",host="127.0.0.1:1",method="PUT"} 1596
rest_client_requests_total{code="201",host="127.0.0.1:1",method="PATCH"} 2723
rest_client_requests_total_other{method="PUT"} 5
rest_client_requests_totalx 7
`
	n, err := sumSamples(strings.NewReader(page), "rest_client_requests_total", func(l string) bool {
		return !strings.Contains(l, `method="GET"`)
	})
	if err != nil || n != 1596+2723 {
		t.Errorf("sumSamples = %v, %v; want %d", n, err, 1596+2723)
	}
	if _, err := sumSamples(strings.NewReader(`x{a="b"} notanumber`+"\n"), "x", func(string) bool { return true }); err == nil {
		t.Error("a sample that is not a number was summed")
	}
}

// The ports given to the manager and the emulator are free and outside the ephemeral range,
// which outgoing connections (kube-apiserver's to etcd) draw from before the process binds.
func TestFreeAddrAvoidsTheEphemeralRange(t *testing.T) {
	low := ephemeralLow()
	for range 20 {
		addr, err := freeAddr()
		if err != nil {
			t.Fatal(err)
		}
		_, p, err := net.SplitHostPort(addr)
		if err != nil {
			t.Fatal(err)
		}
		port, _ := strconv.Atoi(p)
		if port < 10000 || port >= low {
			t.Errorf("freeAddr = %s: port outside [10000, %d)", addr, low)
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Errorf("freeAddr = %s, not free: %v", addr, err)
			continue
		}
		ln.Close()
	}
}
