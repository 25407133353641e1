//go:build !js

package native

import (
	"errors"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// errMaskedFrame: the server masked a frame. RFC 6455 section 5.1 says a
// client must fail the connection then; coder/websocket accepts it (it
// unmasks control frames and hands data frames over still masked).
var errMaskedFrame = errors.New("received a masked frame from the server")

// errInvalidUTF8: a text message stopped being valid UTF-8. It is found as
// the bytes arrive, at the byte that breaks it, so a fragmented or slowly
// sent message fails at once rather than when it ends.
var errInvalidUTF8 = errors.New("received a text message that is not valid UTF-8")

// errFrameLength: a 64-bit frame length with its most significant bit
// set, which RFC 6455 section 5.2 forbids. coder/websocket fails the read
// without a close frame; we send 1002.
var errFrameLength = errors.New("received a frame length with its most significant bit set")

// errCloseReason: the server's close frame has a reason that is not valid
// UTF-8. coder/websocket would echo that reason back; the close frame is
// held back from it instead and the connection is failed with 1007.
var errCloseReason = errors.New("received a close frame whose reason is not valid UTF-8")

// upgradeTransport wraps the body of a 101 response, which is the raw
// connection, in a checkedConn, and settles the permessage-deflate answer
// (extension.go). One is made per Dial.
type upgradeTransport struct {
	base    http.RoundTripper
	deflate bool         // offer deflateOffer
	body    *checkedConn // the 101 response's body, once there is one

	answer    []string       // the server's Sec-WebSocket-Extensions
	params    *deflateParams // what it settled, nil for no compression
	answerErr error          // why we refuse it
}

func (t *upgradeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.deflate {
		req.Header.Set("Sec-WebSocket-Extensions", deflateOffer)
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		return resp, err
	}
	t.settleAnswer(resp.Header)
	if rwc, ok := resp.Body.(io.ReadWriteCloser); ok {
		t.body = &checkedConn{rwc: rwc}
		resp.Body = t.body
	}
	return resp, nil
}

// checkedConn is the upgraded connection as coder/websocket sees it. Until
// Dial has accepted the handshake it reads as empty: when coder/websocket
// rejects the upgrade response (bad Sec-WebSocket-Accept, a subprotocol we
// did not offer) it reads the body "for easier debugging" for up to 3
// seconds, which on an upgraded connection just waits for the server.
// Once armed, it follows the frames that go by and fails the read at the
// first masked frame, at the first byte that makes an uncompressed text
// message invalid UTF-8, and at a close frame whose reason is not UTF-8;
// the bytes from there on never reach coder/websocket. (RSV bits it leaves
// to coder/websocket, which allows RSV1 only on the first frame of a data
// message once permessage-deflate is negotiated, as RFC 7692 section 6
// says; a compressed text message is checked once inflated, by the root
// package.)
type checkedConn struct {
	rwc   io.ReadWriteCloser
	armed atomic.Bool
	// dropped counts the bytes of messages reported written that a
	// failed write of the cork buffer lost (cork.go, corking.sent): at
	// most corkMax, once. An Int32 fills the hole after armed, so that
	// checkedConn keeps its size.
	dropped atomic.Int32
	got     atomic.Int64 // bytes read so far, for keepalive
	put     atomic.Int64 // bytes written so far, for keepalive
	cork    corking      // holds writes back while corked (cork.go); Write is there
	// sent follows what Write writes, for the close code sent (sent.go);
	// made at the first write, so that a connection that never writes
	// does not carry it (it would take checkedConn into a larger size
	// class: the idle figure in BENCHMARKS.md).
	sent atomic.Pointer[sentFrames]
	nb   *nbWriter // non-blocking writes (nbwrite.go), nil for TLS
	// letting: coder/websocket is being let go (control.go); the close it
	// passes down is not ours
	letting bool

	mu   sync.Mutex // Read is called by one goroutine; mu keeps the race detector sure of it
	hdr  [14]byte   // the frame header being collected
	n    int        // bytes of hdr collected
	skip uint64     // payload bytes left in the current frame
	err  error

	op     byte       // the current frame's opcode
	fin    bool       // the current frame's FIN bit
	text   bool       // the current data message is text sent uncompressed: its bytes are checked
	utf8   utf8Stream // the check of that message so far
	closeP [125]byte  // the payload of the current close frame
	closeN int        // bytes of closeP collected
	closeL uint64     // the close frame's declared payload length
}

func (c *checkedConn) arm() { c.armed.Store(true) }

func (c *checkedConn) Close() error {
	if c.letting {
		return nil
	}
	return c.rwc.Close()
}

func (c *checkedConn) Read(p []byte) (int, error) {
	if !c.armed.Load() {
		return 0, io.EOF
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.rwc.Read(p)
	c.got.Add(int64(n))
	if ok := c.scan(p[:n]); ok < n {
		return ok, c.err
	}
	return n, err
}

// scan follows the frame boundaries through p and returns how many bytes
// of p come before the first fault (len(p) if none); c.err says what the
// fault is.
func (c *checkedConn) scan(p []byte) int {
	for i := 0; i < len(p); {
		if c.skip > 0 {
			k := uint64(len(p) - i)
			if k > c.skip {
				k = c.skip
			}
			chunk := p[i : i+int(k)]
			switch {
			case c.op == 0x8:
				if c.closeL <= uint64(len(c.closeP)) {
					c.closeN += copy(c.closeP[c.closeN:], chunk)
				}
			case c.text && (c.op == 0x0 || c.op == 0x1):
				if ok := c.utf8.feed(chunk); ok < len(chunk) {
					c.err = errInvalidUTF8
					return i + ok
				}
			}
			c.skip -= k
			i += int(k)
			if c.skip == 0 && c.frameEnd() {
				return i - 1 // hold back the frame's last byte
			}
			continue
		}
		c.hdr[c.n] = p[i]
		c.n++
		i++
		if c.n < 2 {
			continue
		}
		if c.hdr[1]&0x80 != 0 {
			c.err = errMaskedFrame
			return max(0, i-2) // drop the header's first bytes seen here
		}
		need := headerLen(c.hdr[1]) // no mask: refused above
		if c.n < need {
			continue
		}
		if c.hdr[1]&0x7f == 127 && c.hdr[2]&0x80 != 0 {
			c.err = errFrameLength
			return max(0, i-need)
		}
		c.skip = payloadLen(c.hdr[:need])
		c.n = 0
		c.frameStart()
		if c.skip == 0 && c.frameEnd() {
			return i - 1
		}
	}
	return len(p)
}

// frameStart notes a frame whose header has just been read.
func (c *checkedConn) frameStart() {
	c.op, c.fin = c.hdr[0]&0x0f, c.hdr[0]&0x80 != 0
	switch {
	case c.op == 0x1:
		// A compressed message (RSV1) is checked once inflated, by the
		// root package, which checks every text message it delivers.
		c.text, c.utf8 = c.hdr[0]&0x40 == 0, utf8Stream{}
	case c.op >= 0x2 && c.op <= 0x7:
		c.text = false
	case c.op == 0x8:
		c.closeN, c.closeL = 0, c.skip
	}
}

// frameEnd checks a frame whose last byte has just gone by, and reports
// whether it is faulty (c.err says why).
func (c *checkedConn) frameEnd() bool {
	switch {
	case c.op == 0x8:
		if c.closeL <= uint64(len(c.closeP)) && c.closeN > 2 && !utf8.Valid(c.closeP[2:c.closeN]) {
			c.err = errCloseReason
			return true
		}
	case c.text && c.fin && (c.op == 0x0 || c.op == 0x1):
		c.text = false
		if !c.utf8.complete() {
			c.err = errInvalidUTF8 // the message ends inside a code point
			return true
		}
	}
	return false
}
