package trace

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText prints a result one hop per line: step, device[port], stage, chain and rule (or
// the forwarding decision), action, and the packet's addresses after the step; then the
// verdict. A reply follows the same way.
func (r *Result) WriteText(w io.Writer) error {
	if err := r.writeText(w, "forward"); err != nil {
		return err
	}
	if r.Reply != nil {
		fmt.Fprintln(w)
		return r.Reply.writeText(w, "reply")
	}
	return nil
}

func (r *Result) writeText(w io.Writer, title string) error {
	fmt.Fprintf(w, "%s %s\n", title, r.Sent)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i, h := range r.Hops {
		where := h.Device
		if h.Port != "" {
			where += "[" + h.Port + "]"
		}
		what := h.Action
		if h.Chain != "" {
			what = fmt.Sprintf("%s #%d %s", h.Chain, h.Rule, h.Action)
			if h.Rule == 0 {
				what = h.Chain + " " + h.Action
			}
		}
		if h.Note != "" {
			what += ": " + h.Note
		}
		fmt.Fprintf(tw, "%3d\t%s\t%s\t%s\t%s → %s\n", i+1, where, h.Stage, what, h.Src, h.Dst)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, r.Summary())
	return err
}

// Summary is the verdict in one line.
func (r *Result) Summary() string {
	switch r.Verdict {
	case Delivered:
		d := r.DeliveredTo
		s := fmt.Sprintf("delivered to %s %s", d.Kind, d.Name)
		if d.Kind != "router" {
			s += fmt.Sprintf(" (%s[%s])", d.Device, d.Port)
		}
		if d.NextHop != "" && d.Kind != "interface" {
			s += " next hop " + d.NextHop
		}
		if r.Received != nil {
			s += " as " + r.Received.String()
		}
		return s
	}
	return r.Verdict + ": " + r.Reason
}

// WriteJSON writes the result as one JSON document.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// String is the summary of a reply chain, for test messages.
func (r *Result) String() string {
	var b strings.Builder
	_ = r.WriteText(&b)
	return b.String()
}
