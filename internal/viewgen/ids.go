package viewgen

import "fmt"

// ids names the objects of a generated cloud. Each kind numbers its objects through its own
// bijection of the 32-bit integers (multiply by an odd number, add an offset, both drawn from
// the seed), so ids look random, differ between seeds and never collide within a kind.
type ids struct{ seed uint64 }

func newIDs(seed uint64) ids { return ids{seed: seed} }

// Salts keep the kinds' id sequences apart.
const (
	saltVPC = iota + 1
	saltSubnet
	saltACL
	saltRouteTable
	saltIGW
	saltNAT
	saltGroup
	saltInstance
	saltENI
	saltVersion
)

// splitmix64 is a well-mixed 64-bit hash (Steele, Lea, Flood 2014).
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// number is object n of a kind as a 32-bit id: distinct n give distinct numbers.
func (d ids) number(salt uint64, n int) uint32 {
	h := splitmix64(d.seed*16 + salt)
	mult, offset := uint32(h)|1, uint32(h>>32)
	return uint32(n)*mult + offset
}

func (d ids) short(prefix string, salt uint64, n int) string {
	return fmt.Sprintf("%s-%08x", prefix, d.number(salt, n))
}

func (d ids) vpc(k int) string               { return d.short("vpc", saltVPC, k) }
func (d ids) subnet(k, j int) string         { return d.short("subnet", saltSubnet, k*maxSubnetsPerVPC+j) }
func (d ids) acl(k int) string               { return d.short("acl", saltACL, k) }
func (d ids) routeTable(k, which int) string { return d.short("rtb", saltRouteTable, 2*k+which) }
func (d ids) igw(k int) string               { return d.short("igw", saltIGW, k) }
func (d ids) group(g int) string             { return d.short("sg", saltGroup, g) }
func (d ids) instance(i int) string          { return d.short("i", saltInstance, i) }
func (d ids) eni(i int) string               { return d.short("eni", saltENI, i) }
func (d ids) version(n int) string           { return fmt.Sprintf("%08x", d.number(saltVersion, n)) }

// nat ids have 17 hex digits, as the CLC writes them.
func (d ids) nat(k int) string {
	return fmt.Sprintf("nat-%017x", uint64(d.number(saltNAT, k))<<4|0x5)
}
