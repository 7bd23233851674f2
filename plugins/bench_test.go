package plugins

import (
	"context"
	"testing"
)

// The gRPC adapters alone, over an in-memory connection (no process, no
// socket): the floor of what a call through the boundary can cost.
func BenchmarkClientGetBufconn(b *testing.B) {
	mem := &memDriver{m: map[Key][]byte{}}
	v := make([]byte, 4096)
	k := SumKey(v)
	mem.m[k] = v
	c, _ := serve(b, func(context.Context, Setup) (Driver, error) { return mem, nil })
	ctx := context.Background()
	if _, err := c.Configure(ctx, "bench", nil); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(v)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Get(ctx, k); err != nil {
			b.Fatal(err)
		}
	}
}
