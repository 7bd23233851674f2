// Command disklayout measures the two candidate layouts of the disk
// driver on this machine, so the choice rests on numbers: one file per
// record (temp file + fsync + rename, plugins/disk) against an embedded
// store (bbolt, one fsynced transaction per Put, db.Batch coalescing
// concurrent Puts). It is its own module so bbolt never enters
// zonemirror's dependency graph.
//
//	cd bench/disklayout && go run . -n 2000
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/zonemirror/zonemirror/internal/loadgen"
	"github.com/zonemirror/zonemirror/plugins"
	"github.com/zonemirror/zonemirror/plugins/disk"
)

type store interface {
	put(k plugins.Key, v []byte) error
	get(k plugins.Key) ([]byte, error)
}

type fileStore struct{ d *disk.Disk }

func (s fileStore) put(k plugins.Key, v []byte) error { return s.d.Put(context.Background(), k, v) }
func (s fileStore) get(k plugins.Key) ([]byte, error) { return s.d.Get(context.Background(), k) }

type boltStore struct{ db *bolt.DB }

var bucket = []byte("records")

func (s boltStore) put(k plugins.Key, v []byte) error {
	return s.db.Batch(func(tx *bolt.Tx) error { return tx.Bucket(bucket).Put(k[:], v) })
}

func (s boltStore) get(k plugins.Key) (out []byte, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		out = append([]byte(nil), tx.Bucket(bucket).Get(k[:])...)
		return nil
	})
	return out, err
}

func main() {
	n := flag.Int("n", 2000, "records per run")
	flag.Parse()
	for _, size := range []int{4096, 40960} {
		vals := make([][]byte, *n)
		keys := make([]plugins.Key, *n)
		for i := range vals {
			vals[i] = make([]byte, size)
			rand.Read(vals[i])
			keys[i] = plugins.SumKey(vals[i])
		}
		for _, conc := range []int{1, 16} {
			for _, kind := range []string{"files", "bbolt"} {
				dir, _ := os.MkdirTemp("", "disklayout")
				var s store
				var closeFn func()
				if kind == "files" {
					d, err := disk.New(disk.Config{Dir: dir}, nil)
					if err != nil {
						panic(err)
					}
					s, closeFn = fileStore{d}, func() {}
				} else {
					db, err := bolt.Open(dir+"/db", 0o644, nil)
					if err != nil {
						panic(err)
					}
					db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket(bucket); return err })
					s, closeFn = boltStore{db}, func() { db.Close() }
				}
				put := run(conc, *n, func(i int) error { return s.put(keys[i], vals[i]) })
				get := run(conc, *n, func(i int) error { _, err := s.get(keys[i]); return err })
				fmt.Printf("%-5s %5dB conc=%-2d put %8.0f/s p50 %7s p99 %7s | get %8.0f/s p50 %7s p99 %7s\n",
					kind, size, conc, put.rate, put.p50, put.p99, get.rate, get.p50, get.p99)
				closeFn()
				os.RemoveAll(dir)
			}
		}
	}
}

type result struct {
	rate     float64
	p50, p99 time.Duration
}

func run(conc, n int, op func(i int) error) result {
	r, err := loadgen.Run(n, conc, op)
	if err != nil {
		panic(err)
	}
	us := func(d time.Duration) time.Duration { return d.Round(time.Microsecond) }
	return result{rate: r.Rate(), p50: us(r.Quantile(0.5)), p99: us(r.Quantile(0.99))}
}
