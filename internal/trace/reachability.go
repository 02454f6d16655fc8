package trace

import (
	"fmt"
	"io"
	"net/netip"
	"sort"
	"strings"
	"text/tabwriter"
)

// ElasticIPs are the public addresses of an interface (the members of elip_pre_<if>).
func (n *Network) ElasticIPs(ifName string) []netip.Addr {
	var out []netip.Addr
	for id, name := range n.groupNames {
		if name == "elip_pre_"+ifName {
			for a := range n.addrGroups[id] {
				out = append(out, a)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Less(out[j]) })
	return out
}

// Cell is one entry of a reachability matrix.
type Cell struct {
	From        string `json:"from"`
	To          string `json:"to"`
	Address     string `json:"address"`
	Verdict     string `json:"verdict"`
	Reaches     bool   `json:"reaches"`
	DeliveredTo string `json:"deliveredTo,omitempty"`
	Reason      string `json:"reason,omitempty"`
}

// InternetName names the internet in a matrix.
const InternetName = "internet"

// Matrix says which interfaces (and the internet) reach which, by tracing one packet per pair:
// to an interface's private address, from the internet to its elastic IPs, and from each
// interface to external, an address outside the cloud. A packet that leaves by an uplink with
// a private source address does not reach the internet: nothing can answer it.
type Matrix struct {
	Names []string `json:"names"`
	Cells []Cell   `json:"cells"`
}

// Reachability builds the matrix for the interfaces whose bridge belongs to vpc ("" for all).
func (n *Network) Reachability(vpc string, f Flow, external, internet netip.Addr) *Matrix {
	var ifs []Interface
	for _, i := range n.Interfaces() {
		if vpc == "" || strings.HasPrefix(i.Bridge, "vb_"+vpc+"_") {
			ifs = append(ifs, i)
		}
	}
	m := &Matrix{}
	for _, i := range ifs {
		m.Names = append(m.Names, i.Name)
	}
	m.Names = append(m.Names, InternetName)
	cell := func(from, to, fromSpec string, dst netip.Addr, want string) {
		c := Cell{From: from, To: to, Address: dst.String()}
		res, err := n.Trace(fromSpec, dst.String(), f)
		if err != nil {
			c.Verdict, c.Reason = Dropped, err.Error()
		} else {
			c.Verdict, c.Reason = res.Verdict, res.Reason
			if d := res.DeliveredTo; d != nil {
				c.DeliveredTo = d.Name
				if d.Kind != "interface" {
					c.DeliveredTo = d.Kind
				}
				c.Reaches = d.Name == want || (want == InternetName && d.Kind == "uplink" && n.Public(res.Received.Src))
				if d.Kind == "uplink" && want == InternetName && !c.Reaches {
					c.Reason = "leaves with the private source " + res.Received.Src.String()
				}
			}
		}
		m.Cells = append(m.Cells, c)
	}
	for _, s := range ifs {
		for _, d := range ifs {
			if s.Name != d.Name {
				cell(s.Name, d.Name, s.Name, d.IP, d.Name)
			}
		}
		cell(s.Name, InternetName, s.Name, internet, InternetName)
	}
	for _, d := range ifs {
		for _, eip := range n.ElasticIPs(d.Name) {
			cell(InternetName, d.Name, external.String(), eip, d.Name)
		}
	}
	return m
}

// Public reports whether an address is public: not in any subnet of the cloud, nor link-local, nor a metadata address
// (255.0.0.0/8). Eucalyptus' public addresses are often in private ranges (10.116.150.0/24).
func (n *Network) Public(a netip.Addr) bool {
	if a.IsLinkLocalUnicast() || a.As4()[0] == 255 {
		return false
	}
	for b := range n.dhcp {
		if pfx, _, ok := n.bridgeDHCP(b); ok && pfx.Contains(a) {
			return false
		}
	}
	return true
}

// WriteText prints the matrix: rows are sources, columns destinations; ✓ reaches, ✗ dropped,
// - no route, blank: not asked (the internet reaches only interfaces with an elastic IP).
func (m *Matrix) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "from \\ to")
	for _, name := range m.Names {
		fmt.Fprint(tw, "\t"+name)
	}
	fmt.Fprintln(tw)
	at := map[[2]string]Cell{}
	for _, c := range m.Cells {
		at[[2]string{c.From, c.To}] = c
	}
	for _, from := range m.Names {
		fmt.Fprint(tw, from)
		for _, to := range m.Names {
			c, ok := at[[2]string{from, to}]
			mark := ""
			switch {
			case from == to:
				mark = "·"
			case !ok:
			case c.Reaches:
				mark = "✓"
			case c.Verdict == NoRoute:
				mark = "-"
			default:
				mark = "✗"
			}
			fmt.Fprint(tw, "\t"+mark)
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "✓ reaches  ✗ dropped (or arrives elsewhere)  - no route  · itself")
	return err
}
