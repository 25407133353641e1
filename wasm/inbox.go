//go:build js && wasm

package wasm

import (
	"sync/atomic"
	"syscall/js"
	"unsafe"

	"github.com/hybridws/websocket/internal/wire"
)

// inboxSize is the bytes of one connection's inbox: the control words and
// the records of received messages, written by the page's onmessage
// handler (helpers.js) straight into Go memory. Emptied after every burst,
// so it needs room for a burst of small messages, not for a big one: a
// message that does not fit waits in JavaScript, and is moved in by one
// more call or gets a buffer of its own. 64 KiB holds the burst of 1 KiB
// messages the browser delivers between two turns of Go in the pipe
// benchmark (16 KiB made pipe slower: BENCHMARKS.md), and a page has few
// connections.
const inboxSize = 64 << 10

// Control words at the start of an inbox, shared with helpers.js.
const (
	ctlEnd      = iota // where the next record goes, from inboxHeader on (JavaScript writes)
	ctlIdle            // 1: Read waits for a wake (Go sets it, JavaScript clears it when it wakes Go)
	ctlPend            // messages waiting in JavaScript (JavaScript writes)
	inboxHeader = 16
)

// inbox is where received messages wait for Read. There are no races:
// the page has one thread, and JavaScript writes only while Go waits.
type inbox struct {
	buf  []byte
	ctl  *[4]int32
	next int32 // where the next record to read starts, from inboxHeader on
	// grabs is the grab count (mem.go) when ctlPend was last known to be
	// true: a message that came while the memory views were stale waits
	// in JavaScript without ctlPend having been set.
	grabs               int
	refill, take, close js.Value
	poke                func() // wakes Read
}

// newInbox installs ws's onmessage handler through helpers.js, calling
// wake when Read waits (poke does what wake does, from Go); nil if the
// direct paths are off.
func newInbox(ws js.Value, wake js.Func, poke func()) *inbox {
	makeHelpers()
	if !memOK {
		return nil
	}
	b := &inbox{buf: make([]byte, inboxSize), poke: poke}
	b.ctl = (*[4]int32)(unsafe.Pointer(&b.buf[0]))
	freshMem()
	h := inboxFunc.Invoke(ws, wake, addr(b.buf), len(b.buf))
	b.refill, b.take, b.close, b.grabs = h.Get("refill"), h.Get("take"), h.Get("close"), grabs
	return b
}

// setIdle says whether Read waits for a wake.
func (b *inbox) setIdle(idle bool) {
	v := int32(0)
	if idle {
		v = 1
	}
	atomic.StoreInt32(&b.ctl[ctlIdle], v)
}

// read returns the next message, ok false if none has come.
func (b *inbox) read() (typ int, p []byte, ok bool) {
	for tries := 0; tries < 4; tries++ {
		if end := atomic.LoadInt32(&b.ctl[ctlEnd]); b.next < end {
			at := inboxHeader + int(b.next)
			h := *(*int32)(unsafe.Pointer(&b.buf[at]))
			n := int(h >> 1)
			p = make([]byte, n)
			copy(p, b.buf[at+4:])
			b.next += 4 + int32((n+3)&^3)
			if b.next == end {
				// All read: JavaScript writes from the start again.
				b.next = 0
				atomic.StoreInt32(&b.ctl[ctlEnd], 0)
			}
			return msgType(h), p, true
		}
		freshMem()
		if b.grabs == grabs && atomic.LoadInt32(&b.ctl[ctlPend]) == 0 {
			return 0, nil, false
		}
		switch h := b.refill.Invoke().Int(); {
		case h == -1: // none waits
			b.grabs = grabs
			return 0, nil, false
		case h == 0: // records to read
			b.grabs = grabs
		case h > 0: // one too big for the records: a buffer of its own
			p = make([]byte, h>>1)
			for range 2 {
				freshMem()
				if b.take.Invoke(addr(p)).Int() == 0 {
					b.grabs = grabs
					return msgType(int32(h)), p, true
				}
			}
			// The views went stale twice in a row: try again from the top.
		}
	}
	// Only if the memory grew on every call: messages may still wait, so
	// Read must look again instead of waiting for a wake.
	b.poke()
	return 0, nil, false
}

// msgType returns the opcode of a record whose header is h.
func msgType(h int32) int {
	if h&1 == 1 {
		return wire.OpText
	}
	return wire.OpBinary
}
