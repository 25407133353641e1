package client

import (
	"strings"
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

const bin = websocket.DataTypeBinary

func accept(l *Ledger, life int, sizes ...int) {
	for _, s := range sizes {
		n, _ := l.Accepted()
		l.Accept(uint64(n+1), s, bin, life, life)
	}
}

func echo(t *testing.T, l *Ledger, life int, seq uint64, size int) {
	t.Helper()
	label := 0
	for _, e := range l.q[l.head:] {
		if e.seq == seq {
			label = int(e.lo)
		}
	}
	if err := l.Echo(life, seq, label, size, bin); err != nil {
		t.Fatalf("echo %d in life %d: %v", seq, life, err)
	}
}

// Echoes in order, a lost life's tail written off at the next life's
// first echo, and the unsent bytes of a loss as a run at the tail.
func TestLedgerAccounts(t *testing.T) {
	var l Ledger
	accept(&l, 1, 100, 200, 300, 400) // 1..4 in life 1
	echo(t, &l, 1, 1, 100)
	echo(t, &l, 1, 2, 200)
	if err := l.Lost(1, 400, 0); err != nil { // 4 never went out; 3 may have
		t.Fatal(err)
	}
	if err := l.Lost(1, 700, 0); err != nil { // neither did
		t.Fatal(err)
	}
	accept(&l, 2, 50, 60) // 5, 6 in life 2
	if l.InFlight(2) != 2 {
		t.Errorf("in flight in life 2: %d, want 2", l.InFlight(2))
	}
	echo(t, &l, 2, 5, 50)
	if l.WrittenOff != 2 || l.Echoed != 3 || l.Pending() != 1 {
		t.Errorf("written off %d, echoed %d, pending %d; want 2, 3, 1", l.WrittenOff, l.Echoed, l.Pending())
	}
	accept(&l, 3, 70)
	l.Opened(4) // 6 and 7: the tails of lives 2 and 3
	if l.WrittenOff != 4 || l.Pending() != 0 {
		t.Errorf("after life 4 opened: written off %d, pending %d; want 4, 0", l.WrittenOff, l.Pending())
	}
	accept(&l, 4, 80)
	l.End()
	if l.WrittenOff != 5 || l.Pending() != 0 {
		t.Errorf("after End: written off %d, pending %d", l.WrittenOff, l.Pending())
	}
}

// What the Ledger must refuse: a message missing from the middle of a
// life, an echo crossing a reconnect, an echo never sent or twice, a
// changed size, unsent bytes that do not fit the tail.
func TestLedgerRefuses(t *testing.T) {
	check := func(name string, err error, want string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error about %q", name, err, want)
		}
	}
	var l Ledger
	accept(&l, 1, 10, 20, 30)
	check("gap", l.Echo(1, 2, 1, 20, bin), "vanished")

	l = Ledger{}
	accept(&l, 1, 10, 20)
	check("crossed", l.Echo(2, 1, 1, 10, bin), "crossed a reconnect")

	l = Ledger{}
	accept(&l, 1, 10)
	echo(t, &l, 1, 1, 10)
	check("twice", l.Echo(1, 1, 1, 10, bin), "never sent")

	l = Ledger{}
	accept(&l, 1, 10)
	check("size", l.Echo(1, 1, 1, 11, bin), "came back as")

	l = Ledger{}
	accept(&l, 2, 10)
	check("label", l.Echo(2, 1, 1, 10, bin), "from life 1")

	l = Ledger{}
	accept(&l, 1, 100, 200, 300)
	check("too many", l.Lost(1, 601, 0), "only 600 bytes")
	check("too many with headers", l.Lost(1, 601+3*FrameMax, FrameMax), "only 642 bytes")
	if err := l.Lost(1, 600+3*FrameMax, FrameMax); err != nil { // all three, framed
		t.Errorf("framed: %v", err)
	}
	if err := l.Lost(1, 250, 0); err != nil { // part of a message
		t.Errorf("a part: %v", err)
	}
}

// A message whose life is unsure (the connection was lost and opened
// again during Send) may be the tail of the old life or the head of the
// new one; a sure one of the new life may not be skipped.
func TestLedgerUnsureLife(t *testing.T) {
	var l Ledger
	accept(&l, 1, 10)
	l.Accept(2, 20, bin, 1, 2) // life 1 or 2
	l.Accept(3, 30, bin, 2, 2)
	l.Opened(2) // 1 surely was life 1's tail; 2 may be life 2's
	if l.WrittenOff != 1 || l.InFlight(2) != 1 {
		t.Errorf("life 2 opened: written off %d, in flight %d; want 1, 1", l.WrittenOff, l.InFlight(2))
	}
	echo(t, &l, 2, 3, 30) // 2 was the tail of life 1 too
	if l.WrittenOff != 2 {
		t.Errorf("written off %d, want 2", l.WrittenOff)
	}

	l = Ledger{}
	l.Accept(1, 20, bin, 1, 2)
	echo(t, &l, 2, 1, 20) // it went into life 2

	l = Ledger{}
	l.Accept(1, 20, bin, 1, 2)
	l.Accept(2, 30, bin, 2, 2)
	if err := l.Lost(2, 50, 0); err != nil { // both went into life 2
		t.Error(err)
	}
	if err := l.Lost(3, 25, 0); err == nil { // neither went into life 3
		t.Error("25 bytes unsent in life 3 accepted, where none may have gone")
	}
	l = Ledger{}
	l.Accept(1, 20, bin, 2, 2)
	l.Accept(2, 30, bin, 2, 3) // life 2 or 3
	if err := l.Lost(3, 30, 0); err != nil {
		t.Error(err)
	}
	if err := l.Lost(3, 31, 0); err == nil {
		t.Error("31 bytes unsent in life 3 accepted, where only 30 may have gone")
	}
}

func TestMessageRoundTrip(t *testing.T) {
	for _, size := range []int{0, 48, 49, 1000, 70000} {
		h := header{id: 499, gen: 12, life: 3, seq: 1<<40 + 7}
		p := encode(h, size)
		if len(p) != max(size, minSize) {
			t.Fatalf("size %d: got %d bytes", size, len(p))
		}
		got, err := decode(p)
		if err != nil || got != h {
			t.Fatalf("size %d: decode %+v, %v", size, got, err)
		}
		if size > 100 {
			p[size/2] ^= 1
			if _, err := decode(p); err == nil {
				t.Fatalf("size %d: a flipped bit went unnoticed", size)
			}
		}
	}
	for _, bad := range []string{"", "1.2|", "1.2.3|", "a.b.c.d|", "1.2.3.4", "1.2.3.4.5|"} {
		if _, err := decode([]byte(bad)); err == nil {
			t.Errorf("decode(%q) accepted", bad)
		}
	}
}

func TestUnsentAndHistogram(t *testing.T) {
	if n := Unsent("websocket: read ws://x: connection lost; 1234 bytes queued by Send were not sent"); n != 1234 {
		t.Errorf("Unsent = %d", n)
	}
	if n := Unsent("websocket: read ws://x: connection lost"); n != 0 {
		t.Errorf("Unsent = %d", n)
	}
	var h Histogram
	for i := 1; i <= 100; i++ {
		h.Add(time.Duration(i) * time.Millisecond * 10)
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Millisecond}, {0.99, 990 * time.Millisecond}, {1, time.Second}} {
		got := h.Quantile(c.q)
		if got < c.want*95/100 || got > c.want*106/100 {
			t.Errorf("Quantile(%v) = %v, want %v within 5%%", c.q, got, c.want)
		}
	}
}
