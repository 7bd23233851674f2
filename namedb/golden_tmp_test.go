package namedb

import (
	"os"
	"testing"
)

func TestWriteGoldenTmp(t *testing.T) {
	c := newChain(t, randomNet())
	newGenerator(c).driveTo(c, randomBlocks)
	os.WriteFile(os.Getenv("GOLDEN_OUT"), []byte(logicalDump(t, c.db)), 0o644)
}
