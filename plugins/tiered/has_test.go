package tiered_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/tiered"
)

// down fails every Has (a tier whose backend is out).
type down struct{ plugins.Driver }

func (down) Has(context.Context, plugins.Key) (bool, error) {
	return false, fmt.Errorf("backend: %w", plugins.ErrUnavailable)
}

func TestHas(t *testing.T) {
	a, b := newDisk(t), newDisk(t)
	inA := put(t, a, []byte("in a"))
	inB := put(t, b, []byte("in b"))
	absent := plugins.SumKey([]byte("nowhere"))
	s := newStore(t, tiered.Tier{Name: "a", Driver: a}, tiered.Tier{Name: "b", Driver: b})
	ctx := context.Background()
	for k, want := range map[plugins.Key]bool{inA: true, inB: true, absent: false} {
		if ok, err := s.Has(ctx, k); err != nil || ok != want {
			t.Errorf("Has %s: %v, %v; want %v", k, ok, err, want)
		}
	}
	// A tier that cannot answer: found elsewhere is found; not found is
	// not a plain "no".
	s = newStore(t, tiered.Tier{Name: "down", Driver: down{a}}, tiered.Tier{Name: "b", Driver: b})
	if ok, err := s.Has(ctx, inB); err != nil || !ok {
		t.Errorf("Has past a failing tier: %v, %v", ok, err)
	}
	if ok, err := s.Has(ctx, absent); ok || !errors.Is(err, plugins.ErrUnavailable) {
		t.Errorf("Has with a tier down: %v, %v; want ErrUnavailable", ok, err)
	}
	if st := stats(s, "down"); st.Errors != 2 {
		t.Errorf("failing tier's errors: %+v", st)
	}
}
