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
