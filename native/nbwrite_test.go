//go:build !js

package native

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hybridws/websocket/internal/test/testserver"
)

// The fast path is on exactly where this platform's file says it is: a
// build that lost nbwrite_unix.go (a wrong build tag) would otherwise
// fall back to the portable path without any test noticing.
func TestFastWritesMatchPlatform(t *testing.T) {
	srv := httptest.NewServer(testserver.Handler())
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := Dial(ctx, Options{URL: "ws" + strings.TrimPrefix(srv.URL, "http") + "/echo", MaxMessageSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Abort()
	if got := c.canWriteNow(); got != fastWrites {
		t.Fatalf("canWriteNow() = %v on a fresh ws:// connection, want fastWrites = %v", got, fastWrites)
	}
	// Whichever path this is, a message written inside a Hold makes the
	// round trip (written by Release, or by the writer goroutine).
	want := bytes.Repeat([]byte("x"), 100<<10)
	c.Hold()
	if err := c.Write(2, want); err != nil {
		t.Fatal(err)
	}
	c.Release()
	typ, got, err := c.Read()
	if err != nil || typ != 2 || !bytes.Equal(got, want) {
		t.Fatalf("echo: typ %d, %d bytes, err %v; want 2, %d bytes", typ, len(got), err, len(want))
	}
}

// What waits in the spill when the connection dies never reached the
// socket: it counts as unsent, as it counted in Queued, so that the ERROR
// that announces a retry reports it instead of losing it silently. A
// callback's burst of small messages (Hold, then Release) goes to the
// spill at once where writes never block; the server never reads, so
// nothing moves until Abort. (On the portable path the burst waits in the
// queue instead, and the same holds.)
func TestSpillCountsAsUnsent(t *testing.T) {
	c := dialTest(t, "/noread", Options{})
	msg := make([]byte, 16<<10)
	c.Hold()
	for i := range 2048 { // 32 MiB
		if err := c.Write(2, msg); err != nil {
			t.Fatalf("Write %d: %v", i, err)
		}
	}
	c.Release()
	time.Sleep(200 * time.Millisecond) // the socket takes what it takes
	queued := c.Queued()
	if queued < 8<<20 {
		t.Fatalf("Queued() = %d: the socket took most of 32 MiB, so nothing tests the spill", queued)
	}
	inTime(t, "Abort", c.Abort)
	if u := c.unsent(); u < queued-64<<10 || u > queued+64<<10 {
		t.Fatalf("unsent() = %d after Abort, with %d bytes waiting (Queued) before and none moving", u, queued)
	}
}
