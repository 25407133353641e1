//go:build unix && !hybridws_portable

package native

import (
	"testing"
	"time"
)

// What the drainer has written leaves Queued as it goes, piece by piece:
// a slow link takes a big spill for seconds, and meanwhile SendLimit must
// make room, Stats must show the queue falling and keepalive must see the
// bytes move, not wait for the whole spill to be out. (The portable path,
// nbwrite_other.go, has no spill: a message there is written by one
// blocking call.)
func TestSpillShrinksWhileDraining(t *testing.T) {
	p, url := proxiedServer(t, "/record?id=nb-drain")
	p.SetBandwidth(4 << 20)
	p.SetBuffer(16 << 10)
	c := dialTo(t, url, Options{SendLimit: 32 << 20})
	// About 3s at 4 MiB/s; the socket may take 4 MiB of it at once (its
	// send buffer grows that large on loopback), the rest is spilled.
	const size = 12 << 20
	c.Hold()
	if err := c.Write(2, make([]byte, size)); err != nil {
		t.Fatal(err)
	}
	c.Release() // writes it here: what the socket does not take is spilled
	start := c.Queued()
	if start < 4*drainPiece {
		t.Fatalf("Queued() = %d after Release: the socket took most of %d bytes, so nothing tests the drainer", start, size)
	}
	between := 0 // samples that show part of the spill written
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		q := c.Queued()
		if q > start {
			t.Fatalf("Queued() = %d while draining, more than the %d spilled", q, start)
		}
		if q == 0 {
			break
		}
		if q < start-drainPiece {
			between++
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30s, %d of %d bytes still queued", q, start)
		}
	}
	if between < 3 {
		t.Fatalf("Queued() fell from %d to 0 with only %d samples in between: the drainer's progress is not counted as it writes", start, between)
	}
}
