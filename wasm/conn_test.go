//go:build js && wasm

package wasm

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hybridws/websocket/internal/wire"
)

// server returns the shared test server's ws:// base URL; `make test`
// starts it and passes its address in HYBRIDWS_TEST_SERVER.
func server(t *testing.T) string {
	addr := os.Getenv("HYBRIDWS_TEST_SERVER")
	if addr == "" {
		t.Fatal("HYBRIDWS_TEST_SERVER is not set: run the browser tests with `make test`")
	}
	return "ws://" + addr
}

func dial(t *testing.T, path string, protocols ...string) *Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := Dial(ctx, server(t)+path, Options{Protocols: protocols})
	if err != nil {
		t.Fatalf("Dial %s: %v", path, err)
	}
	return c
}

func TestCheckClose(t *testing.T) {
	for _, tc := range []struct {
		code   int
		reason string
		bad    string // a word the error must contain, "" if accepted
	}{
		{wire.CloseNormalClosure, "", ""},
		{wire.CloseAppMin, "fine", ""},
		{wire.CloseAppMax, strings.Repeat("é", 61) + "x", ""}, // 123 bytes
		{wire.CloseGoingAway, "", "1001"},
		{wire.CloseAbnormalClosure, "", "1006"},
		{wire.CloseAppMin - 1, "", "3000-4999"},
		{5000, "", "5000"},
		{0, "", "0"},
		{wire.CloseNormalClosure, strings.Repeat("x", 124), "124 bytes"},
		{wire.CloseNormalClosure, "\xff", "UTF-8"},
	} {
		err := checkClose(tc.code, tc.reason)
		switch {
		case tc.bad == "" && err != nil:
			t.Errorf("checkClose(%d, %d bytes): %v", tc.code, len(tc.reason), err)
		case tc.bad != "" && (err == nil || !strings.Contains(err.Error(), tc.bad)):
			t.Errorf("checkClose(%d, %d bytes): %v, want an error about %q", tc.code, len(tc.reason), err, tc.bad)
		}
	}
}

// Close rejects what a browser would throw on, with an error and no JS
// exception, and leaves the connection open; an allowed code goes through
// and comes back in the echoed close.
func TestCloseValidates(t *testing.T) {
	c := dial(t, "/echo")
	for _, code := range []int{wire.CloseGoingAway, wire.CloseNoStatusReceived, 2000, 5000} {
		if err := c.Close(code, ""); err == nil {
			t.Errorf("Close(%d) accepted", code)
		}
	}
	if err := c.Close(4000, strings.Repeat("x", 124)); err == nil {
		t.Errorf("Close with a 124-byte reason accepted")
	}
	if err := c.Write(wire.OpText, []byte("still open")); err != nil {
		t.Fatalf("Write after rejected Closes: %v", err)
	}
	if typ, p, err := c.Read(); err != nil || typ != wire.OpText || string(p) != "still open" {
		t.Fatalf("Read = %d %q %v", typ, p, err)
	}
	if err := c.Close(4321, "bye"); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.Read()
	var ce *CloseError
	if !errors.As(err, &ce) {
		t.Fatalf("Read after Close: %v, want a *CloseError", err)
	}
	if code, reason, clean := c.CloseStatus(err); code != 4321 || reason != "bye" || !clean {
		t.Errorf("CloseStatus = %d %q %v, want 4321 \"bye\" true", code, reason, clean)
	}
	if err := c.Write(wire.OpBinary, []byte("x")); err == nil {
		t.Errorf("Write after close accepted")
	}
	c.Abort()
	if n := LiveFuncs(); n != 0 {
		t.Errorf("%d js.Funcs live after the connection ended", n)
	}
}

// Messages that arrive just before the close all come out of Read, in
// order, text as text and binary as binary; then the close, every time.
func TestReadDrainsBeforeClose(t *testing.T) {
	c := dial(t, "/send?n=50&size=3000&then=close")
	for i := 0; i < 50; i++ {
		typ, p, err := c.Read()
		if err != nil || typ != wire.OpBinary || len(p) != 3000 || !strings.HasPrefix(string(p), itoa(i)+".") {
			t.Fatalf("message %d: %d %.10q %v", i, typ, p, err)
		}
	}
	for i := 0; i < 2; i++ {
		if _, _, err := c.Read(); err == nil {
			t.Fatal("Read after the last message returned no error")
		}
	}
	if code, reason, clean := c.CloseStatus(nil); code != wire.CloseNormalClosure || reason != "done" || !clean {
		t.Errorf("CloseStatus = %d %q %v", code, reason, clean)
	}
	c.Abort()
	c.Abort() // twice is fine
}

// Abort while Read waits ends the Read at once and releases everything.
func TestAbortWakesRead(t *testing.T) {
	c := dial(t, "/silent")
	done := make(chan error, 1)
	go func() { _, _, err := c.Read(); done <- err }()
	time.Sleep(20 * time.Millisecond)
	c.Abort()
	select {
	case err := <-done:
		if code, _, clean := c.CloseStatus(err); code != wire.CloseAbnormalClosure || clean {
			t.Errorf("CloseStatus after Abort = %d %v, want 1006 false", code, clean)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Read still waits after Abort")
	}
	if n := LiveFuncs(); n != 0 {
		t.Errorf("%d js.Funcs live after Abort", n)
	}
}

// A dial cancelled by its context closes the socket and returns ctx.Err().
func TestDialCancel(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, _, err := Dial(ctx, server(t)+"/slow?ms=2000", Options{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Dial: %v, want context.DeadlineExceeded", err)
	}
	if n := LiveFuncs(); n != 0 {
		t.Errorf("%d js.Funcs live after a cancelled Dial", n)
	}
}

// The constructor's exceptions become a DialError, not a panic.
func TestDialConstructorThrows(t *testing.T) {
	_, _, err := Dial(context.Background(), "ftp://127.0.0.1/", Options{})
	var de *DialError
	if !errors.As(err, &de) || de.Detail == "" {
		t.Fatalf("Dial(ftp://...): %v, want a *DialError with Detail", err)
	}
	if n := LiveFuncs(); n != 0 {
		t.Errorf("%d js.Funcs live after a failed constructor", n)
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
