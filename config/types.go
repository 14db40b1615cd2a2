package config

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// Duration is a time.Duration written in YAML as "20s", "15m" or "168h".
// A bare number other than 0 is refused: "20" could mean seconds or minutes.
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String renders d in the short form a person would write ("15m", not "15m0s").
func (d Duration) String() string {
	s := time.Duration(d).String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// ParseDuration parses s like time.ParseDuration, with an error that names s.
func ParseDuration(s string) (Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q", s)
	}
	return Duration(d), nil
}

// MarshalText renders d as String does, so JSON and YAML output reads back.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses a duration such as "20s".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Size is a number of bytes, written in YAML as a plain integer or with a
// unit: B, KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024).
type Size int64

// Binary size units.
const (
	KiB Size = 1 << 10
	MiB Size = 1 << 20
	GiB Size = 1 << 30
)

// Decimal units: accepted when parsing, and used by String where shorter.
const (
	kb Size = 1000
	mb Size = 1000 * kb
	gb Size = 1000 * mb
)

// sizeUnits, binary first: String keeps the first of equally short forms.
var sizeUnits = []struct {
	name string
	n    Size
}{
	{"GiB", GiB}, {"MiB", MiB}, {"KiB", KiB},
	{"GB", gb}, {"MB", mb}, {"KB", kb},
	{"B", 1},
}

// String renders s exactly in its shortest form: "10MiB", "512KB", "1536B".
// Shortest, rather than binary units first, because 512KB is also 500KiB.
func (s Size) String() string {
	if s == 0 {
		return "0B"
	}
	best := ""
	for _, u := range sizeUnits {
		if s%u.n != 0 {
			continue
		}
		if f := strconv.FormatInt(int64(s/u.n), 10) + u.name; best == "" || len(f) < len(best) {
			best = f
		}
	}
	return best
}

// ParseSize parses "1048576", "10MiB", "20 MiB", "512KB" or "1.5GB". Units are
// case-insensitive; a fraction is allowed when the result is a whole number
// of bytes.
func ParseSize(str string) (Size, error) {
	bad := fmt.Errorf("invalid size %q (want bytes, or a number with B, KB, MB, GB, KiB, MiB or GiB)", str)
	s := strings.TrimSpace(str)
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	num, unit := s[:i], strings.TrimSpace(s[i:])
	if num == "" || num[0] == '.' || num[len(num)-1] == '.' || strings.Count(num, ".") > 1 {
		return 0, bad
	}
	mult := Size(-1)
	if unit == "" {
		mult = 1
	}
	for _, u := range sizeUnits {
		if strings.EqualFold(unit, u.name) {
			mult = u.n
		}
	}
	if mult < 0 {
		return 0, bad
	}
	// big.Rat keeps "1.5GB" exact where a float64 would round.
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		return 0, bad
	}
	r.Mul(r, new(big.Rat).SetInt64(int64(mult)))
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, fmt.Errorf("invalid size %q (not a whole number of bytes, or too large)", str)
	}
	return Size(r.Num().Int64()), nil
}

// MarshalText renders s as String does, so JSON and YAML output reads back.
func (s Size) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses a size such as "10MiB".
func (s *Size) UnmarshalText(b []byte) error {
	v, err := ParseSize(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Secret is a token read from the environment. Every way of printing or
// encoding it gives "[redacted]", so a config can be logged or dumped
// whole; Value is the one way to the real string.
type Secret string

const redacted = "[redacted]"

// Value returns the secret itself, for the one place that sends it.
func (s Secret) Value() string { return string(s) }

// String returns "[redacted]", or "" when no secret is set, so logs still
// show whether one is.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString keeps %#v from printing the value.
func (s Secret) GoString() string { return s.String() }

// Format covers every verb (%x and %q included), which Stringer alone does not.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprint(f, strconv.Quote(s.String()))
		return
	}
	fmt.Fprint(f, s.String())
}

// MarshalText returns the redacted form.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// MarshalJSON returns the redacted form as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(s.String())), nil }

// MarshalYAML returns the redacted form.
func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }
