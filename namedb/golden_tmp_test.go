package namedb

import (
	"os"
	"testing"
)

func TestWriteGoldenTmp(t *testing.T) {
	c := newChain(t, randomNet())
	newGenerator(c).driveTo(c, randomBlocks)
	os.WriteFile("/tmp/golden-random-new.txt", []byte(dump(t, c.db)), 0o644)
}
