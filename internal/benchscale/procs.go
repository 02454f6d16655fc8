package benchscale

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// process is a command the benchmark started, in a process group of its own so that what it
// starts (the manager's kube-apiserver and etcd) can be stopped with it.
type process struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error
}

func startProcess(dir, logPath, bin string, args, env []string) (*process, error) {
	out, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		out.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	p := &process{name: bin, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		out.Close()
		close(p.done)
	}()
	return p, nil
}

func (p *process) pid() int { return p.cmd.Process.Pid }

// exited reports whether the process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop asks the process to end (SIGTERM: the manager then stops its control plane) and kills
// its process group when it has not ended within grace.
func (p *process) stop(grace time.Duration) {
	if p.exited() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		_ = syscall.Kill(-p.pid(), syscall.SIGKILL)
		<-p.done
	}
}

// logged finds the first line of the process's log that contains msg and tells, in seconds,
// how long after start its timestamp (the manager's ISO 8601 first field) is: where a phase's
// time went. "-" when there is none.
func (p *process) logged(start time.Time, msg string) string {
	out := "-"
	p.eachLogLine(func(line string) bool {
		if !strings.Contains(line, msg) {
			return true
		}
		ts, _, _ := strings.Cut(line, "\t")
		t, err := time.Parse("2006-01-02T15:04:05.000Z0700", ts)
		if err != nil {
			return true
		}
		out = fmt.Sprintf("%.1fs", t.Sub(start).Seconds())
		return false
	})
	return out
}

// eachLogLine calls f with each line of the process's log until f returns false.
func (p *process) eachLogLine(f func(line string) bool) {
	file, err := os.Open(p.log)
	if err != nil {
		return
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() && f(sc.Text()) {
	}
}

// loggedValue is the string field key of the first log line with msg (a structured line:
// time, level, logger, message, then the fields as JSON); "" when there is none.
func (p *process) loggedValue(msg, key string) string {
	out := ""
	p.eachLogLine(func(line string) bool {
		fields := strings.Split(line, "\t")
		if len(fields) < 2 || !slices.Contains(fields[:len(fields)-1], msg) {
			return true
		}
		var kv map[string]any
		if json.Unmarshal([]byte(fields[len(fields)-1]), &kv) != nil {
			return true
		}
		v, ok := kv[key].(string)
		out = v
		return !ok
	})
	return out
}

// failure describes a process that ended too early, with the end of its log.
func (p *process) failure() error {
	return fmt.Errorf("%s ended early (%v); the end of %s:\n%s", p.name, p.err, p.log, tail(p.log, 30))
}

func tail(path string, lines int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	all := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	return strings.Join(all[max(0, len(all)-lines):], "\n")
}

// peakRSS is the process's peak resident set (VmHWM) in KiB.
func peakRSS(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range bytes.Lines(data) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			f := strings.Fields(string(rest))
			if len(f) == 0 {
				break
			}
			return strconv.ParseInt(f[0], 10, 64)
		}
	}
	return 0, errors.New("no VmHWM in /proc/" + strconv.Itoa(pid) + "/status")
}

// freeAddr is a loopback address with a port free right now, for a process started next to
// listen on. The port is below the kernel's range of ephemeral ports: one from that range (what
// port 0 gives) can be taken by any outgoing connection before the process binds it, and with
// kube-apiserver opening connections to etcd a restarted manager's metrics listener once found
// its port taken ("address already in use") and the phase was lost.
func freeAddr() (string, error) {
	low := ephemeralLow()
	for range 200 {
		port := 10000 + rand.IntN(max(low-10000, 1))
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			continue
		}
		ln.Close()
		return ln.Addr().String(), nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// ephemeralLow is the first port of the kernel's ephemeral range (32768 when it cannot be read).
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if n, err := strconv.Atoi(f[0]); err == nil && n > 10001 {
				return n
			}
		}
	}
	return 32768
}

// Counters are the emulator's request counters (cmd/midonet-sim, /_sim/counters).
type Counters struct {
	Requests     int64            `json:"requests"`
	Reads        int64            `json:"reads"`
	Creates      int64            `json:"creates"`
	Updates      int64            `json:"updates"`
	Deletes      int64            `json:"deletes"`
	WriteSeq     int64            `json:"writeSeq"`
	Status       map[string]int64 `json:"status"`
	InFlightPeak int64            `json:"inFlightPeak"`
	BusySeconds  float64          `json:"busySeconds"`
}

// Writes is creates, updates and deletes.
func (c Counters) Writes() int64 { return c.Creates + c.Updates + c.Deletes }

// Failed counts answers of 5xx and dropped connections (status 0).
func (c Counters) Failed() int64 {
	var n int64
	for code, k := range c.Status {
		if code == "0" || strings.HasPrefix(code, "5") {
			n += k
		}
	}
	return n
}

// minus is the requests between an earlier reading and c; the peak is c's.
func (c Counters) minus(earlier Counters) Counters {
	d := Counters{
		Requests: c.Requests - earlier.Requests, Reads: c.Reads - earlier.Reads,
		Creates: c.Creates - earlier.Creates, Updates: c.Updates - earlier.Updates,
		Deletes: c.Deletes - earlier.Deletes, WriteSeq: c.WriteSeq, Status: map[string]int64{},
		InFlightPeak: c.InFlightPeak, BusySeconds: c.BusySeconds - earlier.BusySeconds,
	}
	for code, n := range c.Status {
		if n -= earlier.Status[code]; n != 0 {
			d.Status[code] = n
		}
	}
	return d
}

// emulator is a running cmd/midonet-sim.
type emulator struct {
	*process
	addr  string
	pprof string // its --pprof-bind-address, "" when not profiled
}

func (e *emulator) url() string { return "http://" + e.addr + "/midonet-api" }

// counters reads the emulator's counters; resetPeak starts a new in-flight peak.
func (e *emulator) counters(ctx context.Context, resetPeak bool) (Counters, error) {
	u := "http://" + e.addr + "/_sim/counters"
	if resetPeak {
		u += "?resetPeak=1"
	}
	var c Counters
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return c, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return c, fmt.Errorf("read the emulator's counters: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return c, fmt.Errorf("read the emulator's counters: %s (is cmd/midonet-sim older than /_sim/counters?)", resp.Status)
	}
	return c, json.NewDecoder(resp.Body).Decode(&c)
}

// writes reads the emulator's log of the writes after sequence number since, one JSON object a
// line (cmd/midonet-sim, /_sim/writes).
func (e *emulator) writes(ctx context.Context, since int64) ([]string, error) {
	u := fmt.Sprintf("http://%s/_sim/writes?since=%d", e.addr, since)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read the emulator's writes: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("read the emulator's writes: %s", resp.Status)
	}
	var out []string
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out, sc.Err()
}

// waitReady waits until the emulator answers its counters.
func (e *emulator) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := e.counters(ctx, false); err == nil {
			return nil
		} else if e.exited() {
			return e.failure()
		} else if time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// fetch saves the body of url into path (a pprof profile, a metrics page).
func fetch(ctx context.Context, url, path string) error {
	return fetchWith(ctx, http.DefaultClient, url, path)
}

// fetchWith is fetch through c (the control plane's client, which carries its credentials).
func fetchWith(ctx context.Context, c *http.Client, url, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, bufio.NewReader(resp.Body)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// inFlightLimitMetric is the manager's adaptive in-flight limit.
const inFlightLimitMetric = "midovpc_midonet_in_flight_limit"

// gauge reads one unlabelled gauge from a Prometheus text endpoint; ok is false when absent.
func gauge(ctx context.Context, url, name string) (float64, bool) {
	page, err := getPage(ctx, url)
	if err != nil {
		return 0, false
	}
	defer page.Close()
	sc := bufio.NewScanner(page)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), name+" ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
		return v, err == nil
	}
	return 0, false
}

// counterSum adds up the samples of the counter name on a Prometheus text page whose labels
// (the text between the braces) keep says to keep.
func counterSum(ctx context.Context, url, name string, keep func(labels string) bool) (float64, error) {
	page, err := getPage(ctx, url)
	if err != nil {
		return 0, err
	}
	defer page.Close()
	return sumSamples(page, name, keep)
}

// getPage GETs url; the caller closes the body.
func getPage(ctx context.Context, url string) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

func sumSamples(r io.Reader, name string, keep func(labels string) bool) (float64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var sum float64
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), name+"{")
		if !ok {
			continue
		}
		labels, value, ok := strings.Cut(rest, "} ")
		if !ok || !keep(labels) {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			return 0, fmt.Errorf("%s{%s}: %w", name, labels, err)
		}
		sum += v
	}
	return sum, sc.Err()
}

// userHZ is the unit of the CPU times in /proc/<pid>/stat (USER_HZ): 100 on every Linux
// architecture Go builds for.
const userHZ = 100

// procStat is what the benchmark reads of one process in /proc/<pid>/stat.
type procStat struct {
	ppid  int
	ticks int64 // user and system CPU time, in 1/userHZ s
}

// procStats reads the parent and CPU time of every living process. A process that ends
// while /proc is read is left out.
func procStats() (map[int]procStat, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	out := make(map[int]procStat, len(entries))
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		if st, ok := parseProcStat(data); ok {
			out[pid] = st
		}
	}
	return out, nil
}

// parseProcStat reads a /proc/<pid>/stat line: "pid (comm) state ppid ... utime stime ...".
// comm may hold spaces and parentheses, so the fields are counted from its last ')'.
func parseProcStat(line []byte) (procStat, bool) {
	i := bytes.LastIndexByte(line, ')')
	if i < 0 {
		return procStat{}, false
	}
	f := strings.Fields(string(line[i+1:]))
	// After comm: state(3) ppid(4) ... utime(14) stime(15), numbered as in proc(5).
	if len(f) < 13 {
		return procStat{}, false
	}
	ppid, err1 := strconv.Atoi(f[1])
	utime, err2 := strconv.ParseInt(f[11], 10, 64)
	stime, err3 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return procStat{}, false
	}
	return procStat{ppid: ppid, ticks: utime + stime}, true
}

// treeCPU is the CPU seconds of pid itself and of its living descendants (children that
// have ended are not counted).
func treeCPU(stats map[int]procStat, pid int) (own, descendants float64) {
	st, ok := stats[pid]
	if !ok {
		return 0, 0
	}
	children := map[int][]int{}
	for p, s := range stats {
		children[s.ppid] = append(children[s.ppid], p)
	}
	var ticks int64
	for queue := slices.Clone(children[pid]); len(queue) > 0; {
		p := queue[0]
		queue = append(queue[1:], children[p]...)
		ticks += stats[p].ticks
	}
	return float64(st.ticks) / userHZ, float64(ticks) / userHZ
}
