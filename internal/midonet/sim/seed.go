package sim

import (
	"crypto/sha1"
	"fmt"
	"os"
	"slices"

	"github.com/google/uuid"
	"sigs.k8s.io/yaml"
)

// Seed describes what MidoNet agents would have registered: tunnel zones, hosts and their
// interfaces. It is read from YAML or JSON (see testdata/hosts.yaml).
type Seed struct {
	TunnelZones []TunnelZoneSpec `json:"tunnelZones,omitempty"`
	Hosts       []HostSpec       `json:"hosts,omitempty"`
}

// TunnelZoneSpec seeds a tunnel zone. ID is optional (derived from the name when empty); Type
// defaults to "gre".
type TunnelZoneSpec struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
	Type string `json:"type,omitempty"`
}

// HostSpec seeds a host. ID is optional: the default is a UUID derived from Name, so restarts
// agree. Alive defaults to true. TunnelZones names the zones the host is a member of, with its
// first interface address; a zone that does not exist yet is created with type gre.
type HostSpec struct {
	ID          string          `json:"id,omitempty"`
	Name        string          `json:"name"`
	Alive       *bool           `json:"alive,omitempty"`
	Interfaces  []InterfaceSpec `json:"interfaces,omitempty"`
	TunnelZones []string        `json:"tunnelZones,omitempty"`
}

// InterfaceSpec seeds a host interface. Defaults: type Physical, endpoint PHYSICAL, mtu 1500,
// status 3 (up and carrier), a MAC derived from the host and interface names.
type InterfaceSpec struct {
	Name      string   `json:"name"`
	Mac       string   `json:"mac,omitempty"`
	MTU       int64    `json:"mtu,omitempty"`
	Type      string   `json:"type,omitempty"`
	Endpoint  string   `json:"endpoint,omitempty"`
	PortType  string   `json:"portType,omitempty"`
	Addresses []string `json:"addresses,omitempty"`
	Status    *int64   `json:"status,omitempty"`
}

// seedNamespace is the UUIDv5 namespace of ids derived from seed names.
var seedNamespace = uuid.MustParse("5f0d3c8e-6a55-4d6b-9a43-6d69646f7663")

// HostID is the id a host named name gets when its spec has no id.
func HostID(name string) string { return uuid.NewSHA1(seedNamespace, []byte("host:"+name)).String() }

// TunnelZoneID is the id a tunnel zone named name gets when its spec has no id.
func TunnelZoneID(name string) string {
	return uuid.NewSHA1(seedNamespace, []byte("tunnel-zone:"+name)).String()
}

// LoadSeed reads a seed file (YAML or JSON).
func LoadSeed(path string) (*Seed, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load seed: %w", err)
	}
	seed, err := ParseSeed(data)
	if err != nil {
		return nil, fmt.Errorf("load seed %s: %w", path, err)
	}
	return seed, nil
}

// ParseSeed parses a seed document (YAML or JSON); unknown keys are errors, to catch typos.
func ParseSeed(data []byte) (*Seed, error) {
	var seed Seed
	if err := yaml.UnmarshalStrict(data, &seed); err != nil {
		return nil, fmt.Errorf("parse seed: %w", err)
	}
	return &seed, nil
}

// ApplySeed adds the seed's tunnel zones and hosts; existing ones (same id) are updated, so a
// seed can be applied over a loaded snapshot.
func (s *Server) ApplySeed(seed *Seed) error {
	for _, tz := range seed.TunnelZones {
		if _, err := s.AddTunnelZone(tz); err != nil {
			return err
		}
	}
	for _, h := range seed.Hosts {
		if _, err := s.AddHost(h); err != nil {
			return err
		}
	}
	return nil
}

// AddTunnelZone creates a tunnel zone (or updates the one with the same id) and returns its id.
func (s *Server) AddTunnelZone(spec TunnelZoneSpec) (string, error) {
	if spec.Name == "" {
		return "", fmt.Errorf("add tunnel zone: name is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.seedTunnelZone(spec)
}

func (st *store) seedTunnelZone(spec TunnelZoneSpec) (string, error) {
	id, err := seedID(spec.ID, TunnelZoneID(spec.Name))
	if err != nil {
		return "", fmt.Errorf("add tunnel zone %s: %w", spec.Name, err)
	}
	typ := spec.Type
	if typ == "" {
		typ = "gre"
	}
	if !slices.Contains(tunnelZoneTypes, typ) {
		return "", fmt.Errorf("add tunnel zone %s: type %q is not one of gre, vxlan, vtep", spec.Name, typ)
	}
	for _, other := range st.TunnelZones {
		if other.Name == spec.Name && other.ID != id {
			return "", fmt.Errorf("add tunnel zone %s: the name is taken by zone %s", spec.Name, other.ID)
		}
	}
	if tz, exists := st.TunnelZones[id]; exists {
		tz.Name, tz.Type = spec.Name, typ
	} else {
		st.TunnelZones[id] = &tunnelZone{ID: id, Seq: st.nextSeq(), Name: spec.Name, Type: typ, Members: []tzMember{}}
	}
	st.touch()
	return id, nil
}

// AddHost registers a host as its agent would (or updates the host with the same id, keeping
// its weights), joins it to its tunnel zones, and returns its id.
func (s *Server) AddHost(spec HostSpec) (string, error) {
	if spec.Name == "" {
		return "", fmt.Errorf("add host: name is required")
	}
	id, err := seedID(spec.ID, HostID(spec.Name))
	if err != nil {
		return "", fmt.Errorf("add host %s: %w", spec.Name, err)
	}
	h := &host{ID: id, Name: spec.Name, Alive: true, FloodingProxyWeight: 1, ContainerWeight: 1, ContainerLimit: -1}
	if spec.Alive != nil {
		h.Alive = *spec.Alive
	}
	for _, is := range spec.Interfaces {
		iface, err := seedInterface(spec.Name, is)
		if err != nil {
			return "", fmt.Errorf("add host %s: %w", spec.Name, err)
		}
		h.Interfaces = append(h.Interfaces, iface)
	}
	var tunnelIP string
	for _, i := range h.Interfaces {
		if len(i.Addresses) > 0 {
			tunnelIP = i.Addresses[0]
			break
		}
	}
	if len(spec.TunnelZones) > 0 && !isIPv4(tunnelIP) {
		return "", fmt.Errorf("add host %s: tunnel zone membership needs an IPv4 address on the first addressed interface", spec.Name)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if old, exists := s.st.Hosts[id]; exists {
		h.Seq = old.Seq
		h.FloodingProxyWeight, h.ContainerWeight = old.FloodingProxyWeight, old.ContainerWeight
		h.ContainerLimit, h.EnforceContainerLimit = old.ContainerLimit, old.EnforceContainerLimit
	} else {
		h.Seq = s.st.nextSeq()
	}
	s.st.Hosts[id] = h
	for _, zoneName := range spec.TunnelZones {
		zoneID := ""
		for _, tz := range s.st.TunnelZones {
			if tz.Name == zoneName {
				zoneID = tz.ID
			}
		}
		if zoneID == "" {
			if zoneID, err = s.st.seedTunnelZone(TunnelZoneSpec{Name: zoneName}); err != nil {
				return "", fmt.Errorf("add host %s: %w", spec.Name, err)
			}
		}
		tz := s.st.TunnelZones[zoneID]
		if m := tz.member(id); m != nil {
			m.IPAddress = tunnelIP
		} else {
			tz.Members = append(tz.Members, tzMember{HostID: id, IPAddress: tunnelIP})
		}
	}
	s.st.touch()
	return id, nil
}

// SetHostAlive flips a host's liveness, as an agent starting or stopping would.
func (s *Server) SetHostAlive(id string, alive bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, found := s.st.Hosts[id]
	if !found {
		return fmt.Errorf("set host %s alive: no such host", id)
	}
	h.Alive = alive
	s.st.touch()
	return nil
}

func seedID(given, derived string) (string, error) {
	if given == "" {
		return derived, nil
	}
	id, err := uuid.Parse(given)
	if err != nil {
		return "", fmt.Errorf("id %q is not a UUID", given)
	}
	return id.String(), nil
}

func seedInterface(hostName string, is InterfaceSpec) (hostIface, error) {
	if is.Name == "" {
		return hostIface{}, fmt.Errorf("an interface needs a name")
	}
	i := hostIface{
		Name: is.Name, MTU: is.MTU, Type: is.Type, Endpoint: is.Endpoint,
		Addresses: is.Addresses, Status: 3,
	}
	if i.MTU == 0 {
		i.MTU = 1500
	}
	if i.Type == "" {
		i.Type = "Physical"
	}
	if i.Endpoint == "" {
		i.Endpoint = "PHYSICAL"
	}
	if is.PortType != "" {
		i.PortType = ptr(is.PortType)
	}
	if is.Status != nil {
		i.Status = *is.Status
	}
	if is.Mac == "" {
		sum := sha1.Sum([]byte(hostName + "/" + is.Name))
		i.Mac = fmt.Sprintf("52:54:00:%02x:%02x:%02x", sum[0], sum[1], sum[2])
	} else {
		mac, valid := normMAC(is.Mac)
		if !valid {
			return hostIface{}, fmt.Errorf("interface %s: %q is not a MAC address", is.Name, is.Mac)
		}
		i.Mac = mac
	}
	for _, a := range is.Addresses {
		if _, valid := canonicalIP(4, a); !valid {
			if _, valid6 := canonicalIP(6, a); !valid6 {
				return hostIface{}, fmt.Errorf("interface %s: %q is not an IP address", is.Name, a)
			}
		}
	}
	return i, nil
}
