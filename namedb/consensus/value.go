package consensus

import (
	"strconv"
	"strings"
)

type kind uint8

const (
	kindNull kind = iota
	kindString
	kindInt
	kindFloat
	kindBool
	kindIntList
)

// Value is one field of a serialized record, spelled as Python 2's str().
type Value struct {
	kind kind
	s    string
	i    int64
	f    float64
	list []int
}

// Null is Python's None: serialized as the empty string.
func Null() Value { return Value{} }

// Str is a text field (hex strings, names, addresses, op characters).
func Str(s string) Value { return Value{kind: kindString, s: s} }

// Int is an integer field.
func Int(i int64) Value { return Value{kind: kindInt, i: i} }

// Float is a float field: the op_fee of imported names.
func Float(f float64) Value { return Value{kind: kindFloat, f: f} }

// Bool is a boolean field: True / False.
func Bool(b bool) Value {
	if b {
		return Value{kind: kindBool, i: 1}
	}
	return Value{kind: kindBool}
}

// IntList is a list of integers (a namespace's buckets): "[6, 5, 4]".
func IntList(l []int) Value { return Value{kind: kindIntList, list: l} }

// OptStr is Str(*s), or Null when s is nil.
func OptStr(s *string) Value {
	if s == nil {
		return Null()
	}
	return Str(*s)
}

// String is the value as Python 2's str() writes it.
func (v Value) String() string {
	switch v.kind {
	case kindString:
		return v.s
	case kindInt:
		return strconv.FormatInt(v.i, 10)
	case kindFloat:
		return PyFloat(v.f)
	case kindBool:
		if v.i != 0 {
			return "True"
		}
		return "False"
	case kindIntList:
		var b strings.Builder
		b.WriteByte('[')
		for i, n := range v.list {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Itoa(n))
		}
		b.WriteByte(']')
		return b.String()
	}
	return ""
}

// PyFloat formats f as Python 2's str(float): 12 significant digits, and
// ".0" appended when the result has neither '.' nor an exponent
// (100000.0, 6250.0, 2.68435456e+13).
func PyFloat(f float64) string {
	s := strconv.FormatFloat(f, 'g', 12, 64)
	if !strings.ContainsAny(s, ".eEn") { // n: nan, inf
		s += ".0"
	}
	return s
}
