//go:build js && wasm

package wasm

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hybridws/websocket/internal/test/engine"
)

// The model of Firefox's delay: 400ms after a failed attempt, 1.5 times
// longer after each further one, up to a minute, per host, port and path
// (not the query); an open connection forgets it.
func TestDialDelayModel(t *testing.T) {
	defer func(on bool) { delaysFailedDials = on }(delaysFailedDials)
	delaysFailedDials = true
	const u = "ws://example.test/model?a=1"
	near := func(got, want time.Duration) bool { return got <= want && got > want-200*time.Millisecond }
	for i, want := range []time.Duration{400, 600, 900, 1350} {
		dialFailed(u + "&i=" + itoa(i))
		if got := DialDelay(u); !near(got, want*time.Millisecond) {
			t.Errorf("after %d failures: DialDelay %v, want %vms", i+1, got, want)
		}
	}
	for range 20 {
		dialFailed(u)
	}
	if got := DialDelay(u); !near(got, failMaxDelay) {
		t.Errorf("after many failures: DialDelay %v, want %v", got, failMaxDelay)
	}
	for _, other := range []string{"ws://example.test:81/model", "ws://example.test/other", "wss://example.test/model", "ws://example.test/"} {
		if got := DialDelay(other); got != 0 {
			t.Errorf("DialDelay(%s) %v, want 0: another host, port or path", other, got)
		}
	}
	if got := DialDelay("ws://example.test:80/model"); got == 0 {
		t.Errorf("DialDelay with the default port written out is 0")
	}
	dialOpened(u)
	if got := DialDelay(u); got != 0 {
		t.Errorf("DialDelay after a connection opened %v, want 0", got)
	}
}

// In Firefox, Dial waits out Firefox's delay after failed attempts itself,
// so that Firefox never holds a socket, and every other socket to the host
// with it (it lets one handshake at a time be in progress per host
// address): after four failed dials to one blocked port and path, a fifth
// one waits at least 200ms * 1.5^3 (Firefox's least delay then), and
// meanwhile a dial to the test server on the same address opens at once.
// The other engines delay nothing.
func TestDialWaitsOutFirefoxDelay(t *testing.T) {
	const u = "ws://127.0.0.1:1/dialdelay"
	dialFail := func(i int) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _, err := Dial(ctx, u, Options{})
		var de *DialError
		if !errors.As(err, &de) {
			t.Errorf("Dial %d to a blocked port: %v, want a *DialError", i, err)
		}
	}
	for i := range 4 {
		dialFail(i)
	}
	wait := DialDelay(u)
	switch {
	case engine.Name != engine.Firefox && wait != 0:
		t.Fatalf("%s: DialDelay %v after failures, want 0", engine.Name, wait)
	case engine.Name == engine.Firefox && wait < 675*time.Millisecond:
		t.Fatalf("Firefox: DialDelay %v after four failures, want at least Firefox's delay, 675ms", wait)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		dialFail(4)
	}()
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	c := dial(t, "/echo")
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("a dial to the same host took %v while the failed one waited %v: the browser held it", d, wait)
	}
	c.Abort()
	<-done
	if n := liveFuncs(); n != 0 {
		t.Errorf("%d js.Funcs live after the dials", n)
	}
}

// Firefox keys its delay on host, port and path: the query, the user
// information and the default port's absence make no difference.
func TestFailKey(t *testing.T) {
	for raw, want := range map[string]failKey{
		"ws://h/p":                {"h:80", "/p"},
		"ws://h:80/p?x=1":         {"h:80", "/p"},
		"wss://h/p":               {"h:443", "/p"},
		"wss://user:pw@h:9/p/q?x": {"h:9", "/p/q"},
		"ws://h":                  {"h:80", "/"},
		"ws://h?x=1":              {"h:80", "/"},
		"ws://[::1]:8080/x":       {"[::1]:8080", "/x"},
		"ws://[::1]/x":            {"[::1]:80", "/x"},
	} {
		if got, ok := keyOf(raw); !ok || got != want {
			t.Errorf("keyOf(%q) = %+v, %v; want %+v", raw, got, ok, want)
		}
	}
	if _, ok := keyOf("not a url"); ok {
		t.Errorf("keyOf of a string without a scheme succeeded")
	}
}
