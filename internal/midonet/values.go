package midonet

// Helpers for the pointer fields that keep MidoNet's null apart from a zero value.

// Ref returns a pointer to a UUID or string, for nullable fields such as InboundFilterID.
func Ref(s string) *string { return &s }

// Int returns a pointer to i, for nullable numbers such as Rule.NwProto.
func Int(i int) *int { return &i }

// Bool returns a pointer to b, for booleans whose server default is true (AdminStateUp).
func Bool(b bool) *bool { return &b }

// Deref returns *p, or "" when p is nil.
func Deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
