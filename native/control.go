//go:build !js

package native

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// The protocol after the handshake, where we read the frames (dataread.go):
// coder/websocket has dialled, and is then let go (letGo), so that a
// connection does not keep its 4 KiB read and write buffers and its
// state, 9.6 KiB, idle or not (BENCHMARKS.md). We answer pings, take the
// pongs of the keepalive's pings, and do the closing handshake as it did
// (RFC 6455 sections 5.5 and 7): the server's close frame is answered
// with its code and reason, and ends Read with a websocket.CloseError;
// ours waits for the server's answer (at most closeWait, failWait for a
// failure), then the TCP connection closes.

// closeWait bounds the wait for the answer to our close frame, as
// coder/websocket's Close does.
const closeWait = 5 * time.Second

// protocol is the state of the control frames, a frameReader's.
type protocol struct {
	reading sync.Mutex // held by Read, and by closeOwn while it drops

	mu       sync.Mutex
	ended    bool          // Read failed: no more frames come
	endCh    chan struct{} // made by whoever waits for the end, closed at it
	pings    int64         // pings sent
	pingWant string        // the payload of the ping waiting for its pong
	pingCh   chan struct{} // closed by that pong
}

// letGo closes coder/websocket's Conn once it has dialled where we speak
// the protocol ourselves: CloseNow sends nothing, puts its buffers back in
// its pools and leaves the Conn to the collector; checkedConn ignores the
// close it passes down (letting).
func (c *Conn) letGo() {
	c.body.letting = true
	c.ws.CloseNow()
	c.body.letting = false
	c.ws = nil
}

// control takes a control frame whose payload is p, read by the reader.
func (c *Conn) control(op byte, p []byte) error {
	switch op {
	case 0x9:
		c.body.writeFrame(0xA, p) // refused once our close went out, as it must be
	case 0xA:
		c.rd.pong(p)
	case 0x8:
		return c.closeReceived(p)
	}
	return nil
}

// closeReceived takes the server's close frame: it answers it with the
// same code and reason (RFC 6455 section 5.5.1), unless ours went out
// first and this is the answer; either way the exchange is over and the
// TCP connection closes. The error ends Read.
func (c *Conn) closeReceived(p []byte) error {
	ce := websocket.CloseError{Code: websocket.StatusNoStatusRcvd}
	switch {
	case len(p) == 1:
		return errFrame
	case len(p) >= 2:
		ce.Code, ce.Reason = websocket.StatusCode(binary.BigEndian.Uint16(p)), string(p[2:])
		if !validCloseCode(int(ce.Code)) {
			return errFrame
		}
	}
	c.body.writeFrame(0x8, p)
	c.body.Close()
	return fmt.Errorf("received close frame: %w", ce)
}

// validCloseCode reports whether a close frame may carry code (RFC 6455
// section 7.4, and the codes IANA registered since, up to 1014).
func validCloseCode(code int) bool {
	switch {
	case code == 1004 || code == 1005 || code == 1006:
		return false
	case code >= 1000 && code <= 1014, code >= 3000 && code <= 4999:
		return true
	}
	return false
}

// closeOwn sends our close frame (unless a close frame went out already)
// and waits for the server's answer: read by the reader when a Read
// waits, else (Fail, on the reader's goroutine once Read has stopped;
// Close while a callback runs) by waiting for the server to close the TCP
// connection, what it sends dropped (messages after our close may be).
// At most closeWait, failWait for a code other than 1000. Then the TCP
// connection closes.
func (c *Conn) closeOwn(code int, reason string) {
	p := binary.BigEndian.AppendUint16(make([]byte, 0, 2+len(reason)), uint16(code))
	c.body.writeFrame(0x8, append(p, reason...))
	wait := closeWait
	if code != 1000 {
		wait = failWait
	}
	t := liveTimers.AfterFunc(wait, func() { c.body.Close() })
	defer liveTimers.Stop(t)
	if c.rd.reading.TryLock() {
		c.rd.drop()
		c.rd.reading.Unlock()
	} else {
		<-c.rd.endWait()
	}
	c.body.Close()
}

// end notes that Read has failed: nothing more is read. From Read's
// goroutine.
func (rd *frameReader) end() {
	rd.mu.Lock()
	rd.ended = true
	if rd.endCh != nil {
		close(rd.endCh)
	}
	rd.mu.Unlock()
}

// endWait returns a channel that is closed once Read has failed.
func (rd *frameReader) endWait() <-chan struct{} {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	if rd.endCh == nil {
		rd.endCh = make(chan struct{})
		if rd.ended {
			close(rd.endCh)
		}
	}
	return rd.endCh
}

// ping sends a ping, its payload a decimal counter as coder/websocket's
// (maxPingFrame in keepalive.go), and waits for its pong, ctx's end or the
// end of reading.
func (rd *frameReader) ping(ctx context.Context) error {
	ch := make(chan struct{})
	rd.mu.Lock()
	rd.pings++
	want := strconv.FormatInt(rd.pings, 10)
	rd.pingWant, rd.pingCh = want, ch
	rd.mu.Unlock()
	end := rd.endWait()
	if err := rd.body.writeFrame(0x9, []byte(want)); err != nil {
		return err
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-end:
		return net.ErrClosed
	}
}

// pong takes a pong: the answer to the ping that waits, if p is its
// payload.
func (rd *frameReader) pong(p []byte) {
	rd.mu.Lock()
	if rd.pingCh != nil && string(p) == rd.pingWant {
		close(rd.pingCh)
		rd.pingCh = nil
	}
	rd.mu.Unlock()
}

// drop reads and drops what the server sends until it closes the TCP
// connection, or the connection is closed under it. rd.reading is held.
func (rd *frameReader) drop() {
	for {
		if _, err := rd.read(nil); err != nil {
			rd.r, rd.w = 0, 0
			rd.release(false)
			return
		}
		rd.r, rd.w = 0, 0
	}
}
