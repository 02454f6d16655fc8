package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/midovpc/midovpc/internal/topoview"
)

// sourceFlags say where a reading command finds the topology: live from the MidoNet API
// (--midonet-url and the other MidoNet flags) or from a file written by `snapshot`
// (--snapshot), so that a support case can be analysed away from the cloud.
type sourceFlags struct {
	midonetFlags
	snapshotFile string
}

func (s *sourceFlags) bind(fs *flag.FlagSet) {
	s.midonetFlags.bind(fs)
	fs.StringVar(&s.snapshotFile, "snapshot", "", "read the topology from this file (written by `"+programName+" snapshot`) instead of MidoNet")
}

// errNoSource is a command-line error: the caller prints it with the usage.
var errNoSource = errors.New("--midonet-url or --snapshot is required (or set $" + midonetURLEnv + ")")

// load reads the snapshot: from the file when --snapshot is given, else from MidoNet, found
// as every command finds it (--midonet-url, $MIDOVPC_MIDONET_URL, else the endpoint the
// manager publishes). Errors are phrased for the operator; a missing source is errNoSource,
// with where the manager's endpoint was looked for.
func (s *sourceFlags) load(ctx context.Context) (*topoview.Snapshot, error) {
	if s.snapshotFile != "" {
		return topoview.ReadSnapshotFile(s.snapshotFile)
	}
	client, err := s.client()
	if errors.Is(err, errNoURL) {
		return nil, fmt.Errorf("%w%s", errNoSource, strings.TrimPrefix(err.Error(), errNoURL.Error()))
	}
	if err != nil {
		return nil, err
	}
	snap, err := topoview.ReadSnapshot(ctx, client, s.tenant)
	if err != nil {
		return nil, errors.New(s.explain(err))
	}
	return snap, nil
}

// describe names the source in messages.
func (s *sourceFlags) describe() string {
	if s.snapshotFile != "" {
		return fmt.Sprintf("snapshot %s", s.snapshotFile)
	}
	return fmt.Sprintf("MidoNet at %s", s.url)
}
