package globalview

import (
	"fmt"
	"strings"
	"testing"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// TestRejectionMessages: what a user reads in the event, status.globalView.lastError and
// the ViewAccepted condition counts the errors in English and names the first one.
func TestRejectionMessages(t *testing.T) {
	one := ValidationErrors{{Path: "vpcs/vpc[vpc-0a1b2c3d]/cidr", ID: "vpc-0a1b2c3d", Message: `"10.0.0.1/16" has host bits set (network is 10.0.0.0/16)`}}
	two := append(ValidationErrors{{Path: "instances/instance[i-01234567]/macAddress", ID: "i-01234567", Message: `"zz" is not a valid MAC address`}}, one...)
	var many errorList
	for i := range MaxErrors + 7 {
		many.add(fmt.Sprintf("instances/instance[#%d]", i+1), "", "bad")
	}
	inForce := &vpcv1.GlobalViewStatus{ViewVersion: "3f9c1e7a"}

	for _, c := range []struct {
		name          string
		err           error
		version       string
		gv            *vpcv1.GlobalViewStatus
		wantEvent     string
		wantCondition string
	}{
		{name: "one error", err: one, version: "4a0b1c2d", gv: inForce,
			wantEvent:     `v.xml rejected (1 error): vpcs/vpc[vpc-0a1b2c3d]/cidr: "10.0.0.1/16" has host bits set (network is 10.0.0.0/16)`,
			wantCondition: `version 4a0b1c2d rejected: vpcs/vpc[vpc-0a1b2c3d]/cidr: "10.0.0.1/16" has host bits set (network is 10.0.0.0/16); version 3f9c1e7a stays in force`},
		{name: "two errors", err: two, version: "4a0b1c2d", gv: inForce,
			wantEvent:     `v.xml rejected (2 errors): instances/instance[i-01234567]/macAddress: "zz" is not a valid MAC address; vpcs/vpc`,
			wantCondition: `version 4a0b1c2d rejected: instances/instance[i-01234567]/macAddress: "zz" is not a valid MAC address (and 1 more error); version 3f9c1e7a stays in force`},
		{name: "more than MaxErrors", err: many.err(), version: "4a0b1c2d",
			wantEvent:     fmt.Sprintf("v.xml rejected (%d errors): instances/instance[#1]: bad; ", MaxErrors+7),
			wantCondition: fmt.Sprintf("version 4a0b1c2d rejected: instances/instance[#1]: bad (and %d more errors); no view is in force yet", MaxErrors+6)},
		{name: "a file that does not parse", err: &ParseError{Line: 3, Column: 7, Msg: "unexpected EOF"}, gv: inForce,
			wantEvent:     "v.xml rejected: global network view: line 3, column 7: unexpected EOF",
			wantCondition: "the view rejected: global network view: line 3, column 7: unexpected EOF; version 3f9c1e7a stays in force"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := describeRejection("v.xml", c.err); !strings.HasPrefix(got, c.wantEvent) {
				t.Errorf("event:\n got %s\nwant %s...", got, c.wantEvent)
			}
			if got := rejectedViewMessage(c.version, c.gv, c.err); got != c.wantCondition {
				t.Errorf("condition:\n got %s\nwant %s", got, c.wantCondition)
			}
		})
	}
	if got := describeRejection("v.xml", many.err()); !strings.HasSuffix(got, fmt.Sprintf("; and %d more", MaxErrors+7-maxReportedErrors)) {
		t.Errorf("a long list ends %q", got[len(got)-30:])
	}
}
