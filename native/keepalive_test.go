//go:build !js

package native

import (
	"strings"
	"testing"
	"time"
)

// A half-open link is noticed while we keep sending. The socket takes our
// small messages at once (its buffer has room), which says nothing of the
// peer, so they must not keep a ping's wait going: only bytes taken by a
// socket that had pushed back (our data waiting for it, the ping perhaps
// behind it) show that the peer takes what we send. Otherwise a client
// that sends more often than PongTimeout never notices that its peer is
// gone, until its socket's buffer fills. And once it has filled, data
// that waits without moving is no sign of life either.
func TestKeepAliveHalfOpenWhileSending(t *testing.T) {
	for _, tc := range []struct {
		name string
		size int // sent every 100ms
	}{
		{"small messages the socket takes at once", 100},
		{"big messages that fill the socket and wait", 1 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) { halfOpenWhileSending(t, tc.size) })
	}
}

func halfOpenWhileSending(t *testing.T, size int) {
	p, url := proxiedServer(t, "/echo")
	const ka, pt = 200 * time.Millisecond, time.Second
	c := dialTo(t, url, Options{KeepAlive: ka, PongTimeout: pt, SendLimit: 16 << 20})
	readErr := make(chan error, 1)
	go func() {
		for {
			if _, _, err := c.Read(); err != nil {
				readErr <- err
				return
			}
		}
	}()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, n := c.Pings(); n >= 2 {
			break // a live link: pings answered
		}
		if time.Now().After(deadline) {
			t.Fatal("no keepalive ping answered in 10s on a live link")
		}
	}
	p.Pause()
	at := time.Now()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		msg := make([]byte, size)
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
				c.Write(2, msg) // refused once the queue is full, or once keepalive has ended it
			}
		}
	}()
	select {
	case err := <-readErr:
		if c.ka.failure() == nil || !strings.Contains(err.Error(), "keepalive") {
			t.Fatalf("Read: %v, want keepalive's error", err)
		}
		if took := time.Since(at); took > ka+pt+5*time.Second {
			t.Errorf("noticed after %v, want about %v", took, ka+pt)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("a half-open link went unnoticed for 15s while we sent %d bytes every 100ms (KeepAlive %v, PongTimeout %v)", size, ka, pt)
	}
}

// A slow link that moves our big message is alive, although the ping waits
// behind the message and the server, which only reads, sends nothing: the
// bytes the socket takes once it has pushed back keep the ping's wait
// going, and, where the system tells (outq_linux.go), so do the peer's
// acknowledgements of what the socket's buffers hold ahead of the ping;
// the pong comes once the message is through. Where it does not tell (the
// portable write path), PongTimeout must cover the buffers at the link's
// speed, as Params.PongTimeout says: there the test gives it that.
//
// The link is slow with nothing in between that acknowledges ahead of it:
// the proxy takes bytes at about the speed it forwards them (SetBuffer).
// Left to the system, its kernel took the whole message within 200ms and
// then trickled it out for 4s, ping last, with nothing to see on our side
// (one run in ten here): that is a proxy on a fast network in front of a
// slow one, and what such a proxy holds PongTimeout must cover on every
// system (Params.PongTimeout).
func TestKeepAliveSlowLinkWhileSending(t *testing.T) {
	p, url := proxiedServer(t, "/record?id=keepalive-slow")
	p.SetBandwidth(512 << 10)
	p.SetBuffer(16 << 10)
	const ka = 200 * time.Millisecond
	pt := time.Second
	if !seesAcks {
		pt = 10 * time.Second // the buffers hold seconds at 512 KiB/s
	}
	c := dialTo(t, url, Options{KeepAlive: ka, PongTimeout: pt, SendLimit: 8 << 20})
	readErr := make(chan error, 1)
	go func() {
		_, _, err := c.Read() // the server sends nothing
		readErr <- err
	}()
	const size = 2 << 20 // about 4s at 512 KiB/s
	if err := c.Write(2, make([]byte, size)); err != nil {
		t.Fatal(err)
	}
	_, before := c.Pings()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-readErr:
			t.Fatalf("a link moving %d bytes at 512 KiB/s was ended: %v", size, err)
		default:
		}
		if _, n := c.Pings(); c.Queued() == 0 && n > before {
			return // through, and a ping answered since
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30s, %d bytes still queued and no ping answered", c.Queued())
		}
	}
}

// A write that fails while a keepalive ping waits for its pong, with the
// reader paused (a callback that sends), returns at once: ending the
// connection stops keepalive, and the ping in flight must end with it,
// although its wait is extended for as long as the reader is paused. (The
// soak found Send stuck there for good: the callback was the reader.)
func TestKeepAliveStopsWhilePingWaits(t *testing.T) {
	p, url := proxiedServer(t, "/echo")
	c := dialTo(t, url, Options{KeepAlive: 50 * time.Millisecond, PongTimeout: 200 * time.Millisecond})
	// Nobody reads: the reader is paused, and the first ping's pong is
	// never taken, so that ping waits.
	time.Sleep(300 * time.Millisecond)
	p.Reset()
	inTime(t, "Write on a reset connection", func() {
		for i := 0; i < 1000; i++ {
			if err := c.Write(2, make([]byte, 100)); err != nil {
				return
			}
			time.Sleep(time.Millisecond)
		}
		t.Error("1000 Writes on a reset connection succeeded")
	})
	inTime(t, "Abort", c.Abort)
}
