package netparams

import (
	"math"
	"math/big"
	"strings"

	"github.com/zonemirror/zonemirror/namedb/wire"
)

// Price is an amount as the original computed it: a float in epochs 1–3, an
// integer from epoch 4.
type Price struct {
	// Float is the value when IsInt is false.
	Float float64
	// Int is the value when IsInt is true.
	Int int64
	// IsInt tells which of the two the original had.
	IsInt bool
}

// Covers reports whether paid is enough: paid ≥ price, compared as the
// original did (a float comparison in float epochs).
func (p Price) Covers(paid int64) bool {
	if p.IsInt {
		return paid >= p.Int
	}
	return float64(paid) >= p.Float
}

// Ceil is the least integer payment that covers the price: the price
// rounded up, as the original's API answered it (math.ceil).
func (p Price) Ceil() int64 {
	if p.IsInt {
		return p.Int
	}
	c := math.Ceil(p.Float)
	if c >= 1<<63 {
		return 1<<63 - 1
	}
	return int64(c)
}

// PriceFunction is a namespace's name price curve, from its reveal.
type PriceFunction struct {
	Coeff            uint8
	Base             uint8
	Buckets          [wire.NamespaceBuckets]uint8
	NonalphaDiscount uint8
	NoVowelDiscount  uint8
	// Version 3 namespaces price in µSTX (unit 1733) and are not divided.
	Version uint16
}

// nameCostUnitSTX is NAME_COST_UNIT_STACKS, µSTX.
const nameCostUnitSTX = 1733

// NamePrice is the price of a name (without ".namespace") in a namespace
// with price function f, in epoch e (PROTOCOL.md §6.1): the exponent of the
// name's length bucket, the larger of the no-vowel and non-alpha discounts,
// the minimum of one cost unit, then the epoch's multiplier (float epochs)
// or divisor (integer epochs). BTC-priced namespaces get satoshis; version-3
// namespaces µSTX.
func NamePrice(n *Network, e *Epoch, f *PriceFunction, name string) Price {
	unit, divisor := n.NameCostUnit, e.NamePriceDivisor
	if f.Version == wire.NamespaceVersionPayWithStacks {
		unit, divisor = nameCostUnitSTX, 1
	}
	exp := f.Buckets[len(f.Buckets)-1]
	if l := len(name); l >= 1 && l < len(f.Buckets) {
		exp = f.Buckets[l-1]
	}
	discount := int64(1)
	lower := strings.ToLower(name)
	if !strings.ContainsAny(lower, "aeiouy") {
		discount = max(discount, int64(f.NoVowelDiscount))
	}
	if strings.ContainsAny(lower, "0123456789-_") {
		discount = max(discount, int64(f.NonalphaDiscount))
	}
	// coeff * base^exp can exceed 2^64 (255*255^15): exact big integers, as Python's.
	raw := new(big.Int).Exp(big.NewInt(int64(f.Base)), big.NewInt(int64(exp)), nil)
	raw.Mul(raw, big.NewInt(int64(f.Coeff)))
	if e.IntegerPrices() {
		p := new(big.Int).Mul(raw, big.NewInt(unit))
		p.Quo(p, big.NewInt(discount)) // non-negative: floor division as Python 2
		if p.Cmp(big.NewInt(unit)) < 0 {
			p.SetInt64(unit)
		}
		p.Quo(p, big.NewInt(divisor))
		return Price{Int: clampInt64(p), IsInt: true}
	}
	fraw, _ := new(big.Float).SetInt(raw).Float64() // float(coeff * base**exp), nearest
	p := fraw / float64(discount) * float64(unit)
	if p < float64(unit) {
		p = float64(unit)
	}
	mult := e.NamePriceMultiplier
	if f.Version == wire.NamespaceVersionPayWithStacks {
		mult = 1.0
	}
	return Price{Float: p * mult}
}

func clampInt64(b *big.Int) int64 {
	if b.IsInt64() {
		return b.Int64()
	}
	return 1<<63 - 1
}

// NamespacePrice is the price of a namespace id in epoch e: satoshis in
// epochs 1–3, µSTX from epoch 4 (BTC no longer accepted). ok is false for an
// id of invalid length.
func NamespacePrice(e *Epoch, namespaceID string) (price int64, ok bool) {
	l := len(namespaceID)
	if l < 1 || l >= len(e.NamespacePrices) {
		return 0, false
	}
	return e.NamespacePrices[l], true
}
