//go:build !js

package autobahn

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"net"
	"sync"
	"time"
	"unicode/utf8"
)

// closeTimeout is how long the fuzzer waits for the answer to its close
// frame before it drops the connection (Autobahn's closeHandshakeTimeout).
const closeTimeout = time.Second

// Fuzz is one run of a case on one connection: what the case script uses
// to send, and what the reader saw.
type Fuzz struct {
	c     *Case
	conn  net.Conn
	br    *bufio.Reader
	scale float64 // every wait is this many times Autobahn's

	wmu     sync.Mutex // guards pending and the writes: the script's, and the reader's answers
	pending []byte     // frames queued, written at the next flush

	mu          sync.Mutex
	received    []Event
	sentClose   bool // the fuzzer sent a close frame
	closedByMe  bool // ... first, not as an answer
	sentCloseAt time.Time
	clientClose bool
	clientCode  int
	clean       bool
	dropped     bool
	eof         bool
	violation   string
	behavior    string // set by OnMessage handlers (categories 9, 12, 13), "" otherwise
	detail      string
	txFrames    map[byte]int // frames sent, by opcode

	z     *pmd // permessage-deflate, when the case's Accept took the offer
	state any  // what the case keeps between OnMessage calls

	changed chan struct{} // a token after every change of the above
	done    chan struct{} // closed when the reader ends: the connection is over

	// the message being reassembled
	inMsg  bool
	msgBin bool
	msgZ   bool // compressed (RSV1)
	msgBuf []byte
}

func newFuzz(c *Case, conn net.Conn, br *bufio.Reader, scale float64) *Fuzz {
	return &Fuzz{c: c, conn: conn, br: br, scale: scale, txFrames: map[byte]int{},
		changed: make(chan struct{}, 1), done: make(chan struct{})}
}

func (f *Fuzz) notify() {
	select {
	case f.changed <- struct{}{}:
	default:
	}
}

// isOpen reports Autobahn's STATE_OPEN: no close frame either way and the
// connection still up.
func (f *Fuzz) isOpen() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return !f.sentClose && !f.clientClose && !f.dropped && !f.eof
}

// send queues frames. A frame with Chop or Sync is written on its own
// (after what is queued), in chops; the others wait for the next flush,
// so that they may share a TCP segment as Autobahn's do.
func (f *Fuzz) send(frames ...F) {
	for _, fr := range frames {
		f.mu.Lock()
		f.txFrames[fr.Op]++
		f.mu.Unlock()
		b := fr.bytes()
		if fr.Chop == 0 && !fr.Sync {
			f.queue(b)
			continue
		}
		chop := fr.Chop
		if chop == 0 {
			chop = len(b)
		}
		f.writeChops(b, chop)
	}
}

// message sends a message as Autobahn's sendMessage does: one frame, or
// fragments of fragSize bytes.
func (f *Fuzz) message(binary bool, p []byte, fragSize int) {
	op := byte(opText)
	if binary {
		op = opBinary
	}
	if fragSize <= 0 || fragSize >= len(p) {
		f.send(F{Op: op, Fin: true, Payload: p})
		return
	}
	buf := make([]byte, 0, len(p)+len(p)/fragSize*4+16)
	for i := 0; i < len(p); i += fragSize {
		j := min(i+fragSize, len(p))
		buf = append(buf, header(j == len(p), 0, op, j-i)...)
		buf = append(buf, p[i:j]...)
		f.mu.Lock()
		f.txFrames[op]++
		f.mu.Unlock()
		op = opCont
	}
	f.queue(buf)
}

// raw writes bytes as they are, at once (a frame header, or part of a
// frame's payload: Autobahn's beginMessageFrame and sendMessageFrameData).
func (f *Fuzz) raw(b []byte) { f.writeNow(b) }

// writeChops writes b, after what is queued, in pieces of chop bytes,
// each its own write, and nothing else in between. A few chops get a pause
// after each, so that each reaches the client in its own segment; many
// chops (category 9) are written back to back.
func (f *Fuzz) writeChops(b []byte, chop int) {
	f.wmu.Lock()
	defer f.wmu.Unlock()
	if len(f.pending) > 0 {
		f.writeLocked(f.pending)
		f.pending = nil
	}
	pause := len(b)/chop <= 256
	for i := 0; i < len(b); i += chop {
		f.writeLocked(b[i:min(i+chop, len(b))])
		if pause {
			time.Sleep(20 * time.Microsecond)
		}
	}
}

func (f *Fuzz) queue(b []byte) {
	f.wmu.Lock()
	f.pending = append(f.pending, b...)
	f.wmu.Unlock()
}

func (f *Fuzz) flush() { f.writeNow(nil) }

// writeNow writes what is queued, then b.
func (f *Fuzz) writeNow(b []byte) {
	f.wmu.Lock()
	defer f.wmu.Unlock()
	if len(f.pending) > 0 {
		b = append(f.pending, b...)
		f.pending = nil
	}
	f.writeLocked(b)
}

func (f *Fuzz) writeLocked(b []byte) {
	if len(b) == 0 {
		return
	}
	f.conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	f.conn.Write(b) // a failed write shows up as the connection ending
}

// closePayload builds a close frame's payload; code < 0 sends none.
func closePayload(code int, reason []byte) []byte {
	if code < 0 {
		return nil
	}
	return append(binary.BigEndian.AppendUint16(nil, uint16(code)), reason...)
}

// sendClose starts the closing handshake with code, if the connection is
// still open (Autobahn's sendClose).
func (f *Fuzz) sendClose(code int) {
	if !f.isOpen() {
		return
	}
	f.closeFrame(code, nil)
}

// closeFrame sends a close frame whatever the state (Autobahn's
// sendCloseFrame); code < 0 sends an empty payload.
func (f *Fuzz) closeFrame(code int, reason []byte) {
	f.mu.Lock()
	if !f.sentClose {
		f.sentClose, f.closedByMe, f.sentCloseAt = true, !f.clientClose, time.Now()
	}
	f.txFrames[opClose]++
	f.mu.Unlock()
	f.writeNow(F{Op: opClose, Fin: true, Payload: closePayload(code, reason)}.bytes())
	f.notify()
}

func (f *Fuzz) setDetail(d string) {
	f.mu.Lock()
	f.detail = d
	f.mu.Unlock()
}

// record notes an event the case itself produces (a timeout).
func (f *Fuzz) record(e Event) {
	f.mu.Lock()
	f.received = append(f.received, e)
	f.mu.Unlock()
}

// drop closes the TCP connection.
func (f *Fuzz) drop() {
	f.mu.Lock()
	if !f.eof {
		f.dropped = true
	}
	f.mu.Unlock()
	f.conn.Close()
	f.notify()
}

// wait flushes, then waits until cond holds, the connection ends, or d
// passes (Autobahn's continueLater, ended early when nothing is left to
// wait for). It reports whether cond held.
func (f *Fuzz) wait(d time.Duration, cond func() bool) bool {
	f.flush()
	t := time.NewTimer(time.Duration(float64(d) * f.scale))
	defer t.Stop()
	for {
		if cond != nil && cond() {
			return true
		}
		select {
		case <-f.done:
			return cond != nil && cond()
		case <-t.C:
			return cond != nil && cond()
		case <-f.changed:
		}
	}
}

// pause is Autobahn's continueLater(d): it waits d, or less if the
// connection stops being open.
func (f *Fuzz) pause(d time.Duration) {
	f.wait(d, func() bool { return !f.isOpen() })
}

// killAfter ends the script: the connection gets d to finish, then is dropped.
func (f *Fuzz) killAfter(d time.Duration) {
	if !f.wait(d, f.over) {
		f.drop()
	}
}

// closeAfter ends the script: the connection gets d to finish, then the
// fuzzer starts the closing handshake.
func (f *Fuzz) closeAfter(d time.Duration) {
	if !f.wait(d, f.over) {
		f.sendClose(1000)
	}
}

func (f *Fuzz) over() bool {
	select {
	case <-f.done:
		return true
	default:
		return false
	}
}

// finishWhenDone closes once the events match every expected outcome
// (Autobahn's rule, kept as it is: with two different outcomes it never
// fires, and those cases expect the client to close).
func (f *Fuzz) finishWhenDone() {
	f.mu.Lock()
	got := f.received
	f.mu.Unlock()
	for _, o := range f.c.Expect {
		if !eventsEqual(got, o.Events) {
			return
		}
	}
	if f.c.Close.ByFuzzer && !f.c.SuppressClose {
		f.sendClose(f.c.Close.Codes[0])
	}
}

func eventsEqual(a, b []Event) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].equal(b[i]) {
			return false
		}
	}
	return true
}

// allowedCodes are the close codes a client may send (Autobahn's
// CLOSE_STATUS_CODES_ALLOWED, and 3000-4999).
func allowedCode(code int) bool {
	switch code {
	case 1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013:
		return true
	}
	return code >= 3000 && code <= 4999
}

// readLoop reads the client's frames until the connection ends, answering
// pings and close frames, and checking that the client keeps to the
// protocol.
func (f *Fuzz) readLoop() {
	defer close(f.done)
	defer f.notify()
	for {
		fr, err := readFrame(f.br)
		if err != nil {
			f.mu.Lock()
			f.eof = true
			f.mu.Unlock()
			f.conn.Close()
			return
		}
		if v := f.check(fr); v != "" {
			if fr.op == opClose {
				// Keep what the client said, for the report.
				f.mu.Lock()
				f.clientClose = true
				if len(fr.payload) >= 2 {
					f.clientCode = int(binary.BigEndian.Uint16(fr.payload))
				}
				f.mu.Unlock()
			}
			f.violate(v)
			continue
		}
		switch fr.op {
		case opText, opBinary, opCont:
			if fr.op != opCont {
				f.inMsg, f.msgBin, f.msgZ, f.msgBuf = true, fr.op == opBinary, fr.rsv == 4, nil
			}
			f.msgBuf = append(f.msgBuf, fr.payload...)
			if !fr.fin {
				continue
			}
			f.inMsg = false
			if f.z != nil {
				wire := len(f.msgBuf)
				if f.msgZ {
					p, err := f.z.in.Message(f.msgBuf, maxClientFrame)
					if err != nil {
						f.violate("a compressed message that does not inflate: " + err.Error())
						continue
					}
					f.msgBuf = p
				}
				f.mu.Lock()
				f.z.appIn += int64(len(f.msgBuf))
				f.z.wireIn += int64(wire)
				f.mu.Unlock()
			}
			if !f.msgBin && !utf8.Valid(f.msgBuf) {
				f.violate("text message that is not valid UTF-8")
				continue
			}
			e := Event{Kind: "message", Data: f.msgBuf, Binary: f.msgBin}
			if f.msgBuf == nil {
				e.Data = []byte{}
			}
			if f.c.OnMessage != nil {
				f.c.OnMessage(f, e)
			} else {
				f.record(e)
				f.finishWhenDone()
			}
		case opPing:
			f.record(Event{Kind: "ping", Data: fr.payload})
			f.writeNow(F{Op: opPong, Fin: true, Payload: fr.payload}.bytes())
			f.finishWhenDone()
		case opPong:
			f.record(Event{Kind: "pong", Data: fr.payload})
			f.finishWhenDone()
		case opClose:
			code := 0
			if len(fr.payload) >= 2 {
				code = int(binary.BigEndian.Uint16(fr.payload))
			}
			f.mu.Lock()
			f.clientClose, f.clientCode = true, code
			answered := f.sentClose
			f.clean = true
			f.mu.Unlock()
			if !answered {
				f.closeFrame(1000, nil)
			}
			f.drop()
		}
		f.notify()
	}
}

// violate notes that the client broke the protocol and fails the
// connection as Autobahn does: close 1002, then drop.
func (f *Fuzz) violate(v string) {
	f.mu.Lock()
	if f.violation == "" {
		f.violation = v
	}
	f.mu.Unlock()
	if f.isOpen() {
		f.closeFrame(1002, nil)
	}
	f.drop()
}

// check returns how fr breaks the protocol, "" if it does not.
func (f *Fuzz) check(fr clientFrame) string {
	// With permessage-deflate, RSV1 marks a compressed message, on its
	// first frame only.
	compressed := fr.rsv == 4 && f.z != nil && (fr.op == opText || fr.op == opBinary)
	switch {
	case !fr.masked:
		return "unmasked frame"
	case fr.rsv != 0 && !compressed && f.z != nil:
		return fmt.Sprintf("RSV bits %d on a frame with opcode %d", fr.rsv, fr.op)
	case fr.rsv != 0 && !compressed:
		return fmt.Sprintf("RSV bits %d without an extension", fr.rsv)
	case fr.op > opBinary && fr.op < opClose || fr.op > opPong:
		return fmt.Sprintf("reserved opcode %d", fr.op)
	case fr.op >= opClose && (!fr.fin || len(fr.payload) > 125):
		return "fragmented or oversized control frame"
	case fr.op == opCont && !f.inMsg:
		return "continuation frame with nothing to continue"
	case (fr.op == opText || fr.op == opBinary) && f.inMsg:
		return "new message inside a fragmented one"
	case fr.op == opClose:
		if len(fr.payload) == 1 {
			return "close payload of 1 byte"
		}
		if len(fr.payload) >= 2 {
			if code := int(binary.BigEndian.Uint16(fr.payload)); !allowedCode(code) {
				return fmt.Sprintf("close code %d", code)
			}
			if !utf8.Valid(fr.payload[2:]) {
				return "close reason that is not valid UTF-8"
			}
		}
	}
	return ""
}
