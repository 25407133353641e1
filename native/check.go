//go:build !js

package native

import (
	"errors"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
)

// errMaskedFrame: the server masked a frame. RFC 6455 section 5.1 says a
// client must fail the connection then; coder/websocket accepts it (it
// unmasks control frames and hands data frames over still masked).
var errMaskedFrame = errors.New("received a masked frame from the server")

// deflateOffer is the permessage-deflate offer sent instead of
// coder/websocket's: the server may keep its compression context between
// messages (we keep a 32 KiB window to inflate them), while we compress
// each of our messages on its own, so that no idle connection holds a
// compressor (over 1 MiB each). BENCHMARKS.md has the measurements behind
// the choice.
const deflateOffer = "permessage-deflate; client_no_context_takeover"

// upgradeTransport wraps the body of a 101 response, which is the raw
// connection, in a checkedConn. One is made per Dial.
type upgradeTransport struct {
	base    http.RoundTripper
	deflate bool         // offer deflateOffer
	body    *checkedConn // the 101 response's body, once there is one
}

func (t *upgradeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.deflate {
		// coder/websocket offers context takeover both ways or neither.
		req.Header.Set("Sec-WebSocket-Extensions", deflateOffer)
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		return resp, err
	}
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
// Once armed, it watches the frame headers that go by and fails the read
// at the first masked frame. (RSV bits it leaves to coder/websocket, which
// allows RSV1 only on the first frame of a data message once
// permessage-deflate is negotiated, as RFC 7692 section 6 says.)
type checkedConn struct {
	rwc   io.ReadWriteCloser
	armed atomic.Bool
	got   atomic.Int64 // bytes read so far, for keepalive
	put   atomic.Int64 // bytes written so far, for keepalive
	cork  corking      // holds writes back while corked (cork.go); Write is there
	nb    *nbWriter    // non-blocking writes (nbwrite.go), nil for TLS

	mu   sync.Mutex // Read is called by one goroutine; mu keeps the race detector sure of it
	hdr  [14]byte   // the frame header being collected
	n    int        // bytes of hdr collected
	skip uint64     // payload bytes left in the current frame
	err  error
}

func (c *checkedConn) arm() { c.armed.Store(true) }

func (c *checkedConn) Close() error { return c.rwc.Close() }

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
// of p come before the first masked frame (len(p) if none).
func (c *checkedConn) scan(p []byte) int {
	for i := 0; i < len(p); {
		if c.skip > 0 {
			k := uint64(len(p) - i)
			if k > c.skip {
				k = c.skip
			}
			c.skip -= k
			i += int(k)
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
		need := 2
		switch c.hdr[1] & 0x7f {
		case 126:
			need += 2
		case 127:
			need += 8
		}
		if c.n < need {
			continue
		}
		switch need {
		case 2:
			c.skip = uint64(c.hdr[1] & 0x7f)
		case 4:
			c.skip = uint64(c.hdr[2])<<8 | uint64(c.hdr[3])
		default:
			for _, b := range c.hdr[2:10] {
				c.skip = c.skip<<8 | uint64(b)
			}
		}
		c.n = 0
	}
	return len(p)
}
