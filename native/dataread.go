//go:build !js

package native

import (
	"errors"
	"io"
	"net"
	"slices"
	"sync/atomic"
	"syscall"
	"time"
)

// Reading frames ourselves. coder/websocket's Reader and its message
// reader take a lock that is a channel (a select) on each call, three a
// message, and copy every byte through its 4 KiB read buffer. On a
// connection that writes without blocking (nbwrite.go: plain ws:// on
// Unix) and negotiated no compression, Conn.Read reads the frames itself
// instead: from the socket into a pooled buffer that is held only while
// bytes wait in it (parked in the netpoller, an idle reader holds none),
// each data message into a buffer of its exact size, a big payload
// straight from the socket. Every byte still goes through checkedConn's
// checks (check.go) as it is read. The control frames are ours too there
// (control.go): coder/websocket dials, and is then let go.

// errFrame: a frame RFC 6455 does not allow here (section 5.2, 5.4, 5.5),
// or a close frame with a payload it does not allow (section 7.4).
var errFrame = errors.New("received a frame the protocol does not allow here")

// exactMax: a single-frame message up to this size gets its buffer at
// once; past it (possible only without MaxMessageSize) the buffer grows as
// the bytes come, so a length alone cannot make us allocate.
const exactMax = 16 << 20

// directMin: a payload rest at least this long, with nothing buffered, is
// read from the socket straight into the message.
const directMin = scratchSize / 2

// frameReader reads a Conn's frames (see above).
type frameReader struct {
	c     *Conn
	body  *checkedConn
	raw   syscall.RawConn
	conn  net.Conn // for the addresses in errors
	limit int64    // MaxMessageSize; negative: none

	buf   *[]byte // a read buffer (spareBufs, scratchPool) while bytes wait in it: [r:w]
	r, w  int
	fault error // what checkedConn found after byte w, returned once [r:w] is used

	// try's argument and results (no closure per read)
	tryFn func(fd uintptr) bool
	dst   []byte // read here, or into buf when nil
	tn    int
	terr  error
	short bool // no buffer to read into (take)

	protocol // the control frames' state (control.go)
}

// start moves what net/http read past the 101 response (frames the
// server sent at once) into the buffer. A read deadline already past makes
// net/http's body give what it holds and then fail at once, without
// waiting for the socket.
func (rd *frameReader) start(conn net.Conn) {
	rwc := rd.body.rwc
	conn.SetReadDeadline(time.Unix(1, 0))
	rd.buf, rd.r, rd.w = scratchPool.Get().(*[]byte), 0, 0
	for rd.fault == nil {
		b := (*rd.buf)[rd.w:]
		if len(b) == 0 {
			break
		}
		n, err := rwc.Read(b)
		if n > 0 {
			ok, ferr := rd.body.check(b[:n])
			rd.w += ok
			rd.fault = ferr
		}
		if err != nil {
			break
		}
	}
	conn.SetReadDeadline(time.Time{})
	rd.release(false)
}

// message reads frames until a whole data message is in, taking the
// control frames on the way (control.go).
func (rd *frameReader) message() (int, []byte, error) {
	var msg []byte
	var op byte // the message's opcode, once its first frame is in
	for {
		if err := rd.need(2); err != nil {
			return 0, nil, err
		}
		b := *rd.buf
		hl := headerLen(b[rd.r+1])
		if err := rd.need(hl); err != nil {
			return 0, nil, err
		}
		b = *rd.buf
		h := b[rd.r : rd.r+hl]
		fin, rsv, fop, n := h[0]&0x80 != 0, h[0]&0x70, h[0]&0x0f, payloadLen(h)
		switch {
		case fop == 0x8 || fop == 0x9 || fop == 0xA:
			if !fin || n > 125 || rsv != 0 {
				return 0, nil, errFrame
			}
			if err := rd.need(hl + int(n)); err != nil {
				return 0, nil, err
			}
			rd.r += hl
			p := (*rd.buf)[rd.r : rd.r+int(n)]
			rd.r += int(n)
			err := rd.c.control(fop, p) // p is the buffer's: used at once
			rd.release(false)
			if err != nil {
				return 0, nil, err
			}
			continue
		case rsv != 0, fop > 0x2, fop == 0 && op == 0, fop != 0 && op != 0:
			return 0, nil, errFrame
		}
		if fop != 0 {
			op = fop
		}
		if rd.limit >= 0 && uint64(len(msg))+n > uint64(rd.limit) {
			return 0, nil, errTooBig
		}
		rd.r += hl
		var err error
		if msg, err = rd.payload(msg, n, fin && msg == nil); err != nil {
			return 0, nil, err
		}
		if fin {
			rd.release(false)
			if msg == nil {
				msg = []byte{}
			}
			return int(op), msg, nil
		}
	}
}

// payload appends n payload bytes to msg: from the buffer, then straight
// from the socket. only: the frame is the whole message, so msg can be
// made at its size.
func (rd *frameReader) payload(msg []byte, n uint64, only bool) ([]byte, error) {
	if n == 0 {
		return msg, nil
	}
	if only && n <= exactMax {
		msg = make([]byte, 0, n)
	}
	for n > 0 {
		if rd.buf == nil || rd.r == rd.w {
			if n >= directMin {
				k := int(min(n, exactMax))
				at := len(msg)
				msg = slices.Grow(msg, k)[:at+k]
				got, err := rd.direct(msg[at:])
				msg = msg[:at+got]
				n -= uint64(got)
				if err != nil {
					return nil, err
				}
				continue
			}
			if err := rd.need(1); err != nil {
				return nil, err
			}
		}
		k := min(n, uint64(rd.w-rd.r))
		msg = append(msg, (*rd.buf)[rd.r:rd.r+int(k)]...)
		rd.r += int(k)
		n -= k
	}
	return msg, nil
}

// need waits until k bytes are buffered.
func (rd *frameReader) need(k int) error {
	for rd.buf == nil || rd.w-rd.r < k {
		if rd.fault != nil {
			return rd.fault
		}
		if rd.buf != nil && len(*rd.buf)-rd.r < k {
			rd.w = copy(*rd.buf, (*rd.buf)[rd.r:rd.w])
			rd.r = 0
		}
		n, err := rd.read(nil)
		if n > 0 {
			ok, ferr := rd.body.check((*rd.buf)[rd.w : rd.w+n])
			rd.w += ok
			rd.fault = ferr
		}
		if err != nil {
			rd.fault = err
		}
	}
	return nil
}

// direct reads p whole from the socket, past the buffer (which is empty).
func (rd *frameReader) direct(p []byte) (int, error) {
	got := 0
	for got < len(p) {
		if rd.fault != nil {
			return got, rd.fault
		}
		n, err := rd.read(p[got:])
		if n > 0 {
			ok, ferr := rd.body.check(p[got : got+n])
			got += ok
			rd.fault = ferr
		}
		if err != nil {
			rd.fault = err
		}
	}
	return got, nil
}

// read reads once from the socket into dst, or into the buffer when dst
// is nil, waiting in the netpoller until something comes; EOF before a
// frame is whole is io.ErrUnexpectedEOF.
func (rd *frameReader) read(dst []byte) (int, error) {
	for {
		rd.dst, rd.tn, rd.terr, rd.short = dst, 0, nil, false
		err := rd.raw.Read(rd.tryFn)
		n, terr, short := rd.tn, rd.terr, rd.short
		rd.dst, rd.terr, rd.short = nil, nil, false
		switch {
		case err != nil:
			return 0, err // closed (Abort, CloseNow), or a deadline
		case short:
			rd.buf, rd.r, rd.w = scratchPool.Get().(*[]byte), 0, 0
			continue
		case terr != nil:
			return 0, &net.OpError{Op: "read", Net: "tcp", Source: rd.conn.LocalAddr(), Addr: rd.conn.RemoteAddr(), Err: terr}
		case n == 0:
			return 0, io.ErrUnexpectedEOF
		}
		return n, nil
	}
}

// Read buffers not in use, for a reader that has none, before
// scratchPool: taken and given back inside the netpoller's read function
// (tryFD), which runs deepest in the reader's stack, where sync.Pool's
// slow paths and an allocation would make the stack of every idle reader
// grow past 2 KiB. A few slots swapped with atomics: nothing there blocks
// or allocates.
var spareBufs [4]atomic.Pointer[[]byte]

// takeSpare returns a spare buffer, or nil.
func takeSpare() *[]byte {
	for i := range spareBufs {
		if b := spareBufs[i].Load(); b != nil && spareBufs[i].CompareAndSwap(b, nil) {
			return b
		}
	}
	return nil
}

// giveSpare keeps b for the next reader, and reports false when every
// slot is taken.
func giveSpare(b *[]byte) bool {
	for i := range spareBufs {
		if spareBufs[i].CompareAndSwap(nil, b) {
			return true
		}
	}
	return false
}

// release gives the buffer back when no bytes wait in it: from tryFD (in
// the netpoller's read function: the collector takes what no slot takes),
// or not (inside: false).
func (rd *frameReader) release(inside bool) {
	if rd.buf == nil || rd.r != rd.w {
		return
	}
	if !giveSpare(rd.buf) && !inside {
		scratchPool.Put(rd.buf)
	}
	rd.buf, rd.r, rd.w = nil, 0, 0
}

// take returns where tryFD reads: dst, or the buffer's free part, or nil
// when there is no buffer and no spare one (rd.short: read allocates one
// outside).
func (rd *frameReader) take() []byte {
	if rd.dst != nil {
		return rd.dst
	}
	if rd.buf == nil {
		if rd.buf = takeSpare(); rd.buf == nil {
			rd.short = true
			return nil
		}
		rd.r, rd.w = 0, 0
	}
	return (*rd.buf)[rd.w:]
}

// check runs p, just read from the socket, through the checks, and returns
// how many of its bytes come before a fault, and the fault.
func (c *checkedConn) check(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, c.err
	}
	c.got.Add(int64(len(p)))
	if ok := c.scan(p); ok < len(p) {
		return ok, c.err
	}
	return len(p), nil
}
