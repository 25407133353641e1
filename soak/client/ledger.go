package client

import (
	"fmt"
	"strings"

	"github.com/hybridws/websocket"
)

// Ledger accounts for the messages one Connection's Send accepted: each
// is echoed, or written off in the tail of a life that was lost (or ended
// by our own Disconnect). A life is one CONNECTED and what follows it, up
// to the ERROR or DISCONNECTED that ends it.
//
// What the library promises, and the Ledger checks: the echoes of a life
// are an in-order prefix of what was sent in that life, so that nothing
// vanishes from the middle and nothing crosses a reconnect; messages
// handed to the network before a loss may or may not have reached the
// server (no WebSocket can know), so the tail of a lost life is written
// off; and the bytes an ERROR reports as never sent fit in that tail.
//
// Which life a Send went into is known only within bounds: the sender
// reads Stats.Connects before and after Send, and the message went into
// a life between the two (they differ only when the connection was lost
// and opened again during Send).
//
// Only the messages not yet echoed nor written off are kept, so a Ledger
// stays small however long the Connection lives.
type Ledger struct {
	q    []entry // accepted, in order, from head on
	head int

	Echoed       int64 // messages echoed
	WrittenOff   int64 // messages in the tail of a lost or ended life
	UnsentBytes  int64 // bytes the ERRORs said were never sent
	acceptedSize int64 // payload bytes of the messages accepted
	accepted     int64
}

type entry struct {
	seq    uint64
	size   int32
	typ    websocket.DataType
	lo, hi int32 // the lives it may have gone into
}

// Accept records a message Send accepted: its seq (one more than the
// last accepted), size and type, and Stats.Connects read before (lo) and
// after (hi) Send.
func (l *Ledger) Accept(seq uint64, size int, typ websocket.DataType, lo, hi int) {
	l.q = append(l.q, entry{seq: seq, size: int32(size), typ: typ, lo: int32(lo), hi: int32(hi)})
	l.accepted++
	l.acceptedSize += int64(size)
}

// Accepted returns how many messages and payload bytes were accepted.
func (l *Ledger) Accepted() (n, bytes int64) { return l.accepted, l.acceptedSize }

// Pending returns how many accepted messages are neither echoed nor
// written off.
func (l *Ledger) Pending() int { return len(l.q) - l.head }

// Echo checks the echo of message seq (size bytes of typ, labelled with
// the life it was sent in, label) received in life. Messages before it that went into an earlier life are written off
// as that life's tail; one that went into this life and was skipped is a
// message that vanished.
func (l *Ledger) Echo(life int, seq uint64, label, size int, typ websocket.DataType) error {
	var err error
	for l.head < len(l.q) && l.q[l.head].seq != seq {
		e := l.q[l.head]
		if int(e.lo) >= life && err == nil {
			err = fmt.Errorf("message %d (sent in life %s) vanished: the echo of %d came first in life %d", e.seq, e.lives(), seq, life)
		}
		l.pop()
		l.WrittenOff++
	}
	if l.head == len(l.q) {
		if err == nil {
			err = fmt.Errorf("echo of message %d in life %d, which was never sent or came back already", seq, life)
		}
		return err
	}
	e := l.q[l.head]
	l.pop()
	l.Echoed++
	switch {
	case err != nil:
	case life < int(e.lo) || life > int(e.hi):
		err = fmt.Errorf("message %d, sent in life %s, came back in life %d: it crossed a reconnect", seq, e.lives(), life)
	case size != int(e.size) || typ != e.typ || label != int(e.lo):
		err = fmt.Errorf("message %d came back as %d bytes of type %d from life %d, sent as %d of type %d in life %s", seq, size, typ, label, e.size, e.typ, e.lives())
	}
	return err
}

// Opened writes off, as a new life opens, what surely went into an
// earlier one and was not echoed: every echo of those lives came before.
func (l *Ledger) Opened(life int) {
	for l.head < len(l.q) && int(l.q[l.head].hi) < life {
		l.pop()
		l.WrittenOff++
	}
}

// InFlight returns how many messages that surely went into life are not
// echoed yet.
func (l *Ledger) InFlight(life int) int {
	n := 0
	for _, e := range l.q[l.head:] {
		if int(e.lo) >= life {
			n++
		}
	}
	return n
}

// Lost checks what the ERROR that ended life said was never sent:
// unsent bytes must fit in the messages of that life not echoed, counting
// header bytes per message as well (natively, what waited in the spill is
// counted framed: FrameMax; a browser counts payload only).
func (l *Ledger) Lost(life int, unsent int64, header int) error {
	l.UnsentBytes += unsent
	if unsent == 0 {
		return nil
	}
	var total int64
	n := 0
	for _, e := range l.q[l.head:] {
		if int(e.lo) <= life && life <= int(e.hi) {
			total += int64(e.size) + int64(header)
			n++
		}
	}
	if unsent > total {
		return fmt.Errorf("life %d: the ERROR says %d bytes were never sent, but only %d bytes in %d messages (headers included) were not echoed", life, unsent, total, n)
	}
	return nil
}

// FrameMax is the most header bytes a client's frame has: 2, 8 of
// length, 4 of mask.
const FrameMax = 14

// End writes off what is left when the Connection has ended.
func (l *Ledger) End() {
	l.WrittenOff += int64(l.Pending())
	l.q, l.head = nil, 0
}

func (l *Ledger) pop() {
	l.q[l.head] = entry{}
	l.head++
	if l.head == len(l.q) {
		l.q, l.head = l.q[:0], 0
	} else if l.head >= 1024 && l.head*2 >= len(l.q) {
		n := copy(l.q, l.q[l.head:])
		l.q, l.head = l.q[:n], 0
	}
}

func (e entry) lives() string {
	if e.lo == e.hi {
		return fmt.Sprint(e.lo)
	}
	return fmt.Sprintf("%d or %d", e.lo, e.hi)
}

// describePending lists the first messages not echoed.
func (l *Ledger) describePending() string {
	var parts []string
	for i, e := range l.q[l.head:] {
		if i == 4 {
			parts = append(parts, "...")
			break
		}
		parts = append(parts, fmt.Sprintf("%d: %d bytes, type %d, life %s", e.seq, e.size, e.typ, e.lives()))
	}
	return strings.Join(parts, "; ")
}
