//go:build js && wasm

package wasm

import (
	"context"
	"errors"
	"os"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/hybridws/websocket/internal/live"
	"github.com/hybridws/websocket/internal/wire"
)

// liveFuncs returns how many js.Funcs the package holds: 0 once every
// connection has ended.
func liveFuncs() int { return int(live.Funcs.Load()) }

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
	var ce *closeError
	if !errors.As(err, &ce) {
		t.Fatalf("Read after Close: %v, want a *closeError", err)
	}
	if e := c.End(err); e.Code != 4321 || e.Reason != "bye" || !e.Clean {
		t.Errorf("End = %+v, want 4321 \"bye\" clean", e)
	}
	if err := c.Write(wire.OpBinary, []byte("x")); err == nil {
		t.Errorf("Write after close accepted")
	}
	c.Abort()
	if n := liveFuncs(); n != 0 {
		t.Errorf("%d js.Funcs live after the connection ended", n)
	}
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
		if e := c.End(err); e.Code != wire.CloseAbnormalClosure || e.Clean {
			t.Errorf("End after Abort = %+v, want 1006, not clean", e)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Read still waits after Abort")
	}
	if n := liveFuncs(); n != 0 {
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
	if n := liveFuncs(); n != 0 {
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
	if n := liveFuncs(); n != 0 {
		t.Errorf("%d js.Funcs live after a failed constructor", n)
	}
}

// A dial that gets an error event and no close event still ends, with a
// DialError (1006), every handler released and the socket closed unless
// the browser had closed it: WebKitGTK does this for the ports it blocks
// (1, 9, 6000, ...), leaving readyState at CONNECTING. A stand-in socket
// replays it, and the other engine state such a dial may end in, CLOSED,
// in every engine.
func TestDialErrorWithoutClose(t *testing.T) {
	for _, tc := range []struct {
		readyState int // after the error event
		closeCalls int // the socket's close() calls Dial must make
	}{
		{readyState: 0, closeCalls: 1},
		{readyState: 3, closeCalls: 0},
	} {
		t.Run("readyState "+itoa(tc.readyState), func(t *testing.T) {
			fake := js.Global().Get("Function").New("readyState", `
				return class ErrorOnlySocket {
					constructor() {
						this.readyState = 0;
						this.closeCalls = 0;
						ErrorOnlySocket.last = this;
						setTimeout(() => {
							this.readyState = readyState;
							this.onerror(new Event("error"));
						}, 10);
					}
					close() { this.closeCalls++; }
				};`).Invoke(tc.readyState)
			real := webSocket
			webSocket = fake
			defer func() { webSocket = real }()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, _, err := Dial(ctx, server(t)+"/u/error-only/echo", Options{})
			var de *DialError
			if !errors.As(err, &de) || de.Code != wire.CloseAbnormalClosure {
				t.Fatalf("Dial: %v, want a *DialError with code 1006", err)
			}
			if n := liveFuncs(); n != 0 {
				t.Errorf("%d js.Funcs live after the failed dial", n)
			}
			last := fake.Get("last")
			if n := last.Get("closeCalls").Int(); n != tc.closeCalls {
				t.Errorf("close() called %d times, want %d", n, tc.closeCalls)
			}
			if h := last.Get("onerror"); !h.IsNull() {
				t.Errorf("onerror still attached: %v", h.Type())
			}
		})
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// With Options.Sink, every message goes to the JavaScript handler, in order,
// and none to Read, which reports only the close; the handler is detached
// with the others.
func TestDialWithSink(t *testing.T) {
	got := js.Global().Get("Array").New()
	push := js.FuncOf(func(_ js.Value, a []js.Value) any {
		d := a[0].Get("data")
		if d.Type() == js.TypeString {
			got.Call("push", "text "+d.String())
		} else {
			got.Call("push", "binary "+itoa(d.Get("byteLength").Int()))
		}
		return nil
	})
	defer push.Release()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// The handler is a JavaScript function, as the shim's is; push stands
	// in for its body.
	sink := js.Global().Get("Function").New("push", "return (ev) => push(ev)").Invoke(push)
	c, _, err := Dial(ctx, server(t)+"/send?n=3&size=5&then=close", Options{Sink: sink})
	if err != nil {
		t.Fatal(err)
	}
	if !c.ws.Get("onmessage").Equal(sink) {
		t.Errorf("onmessage is not the sink")
	}
	if _, p, err := c.Read(); err == nil {
		t.Fatalf("Read returned a message %q: messages must go to the sink", p)
	}
	var list []string
	for i := 0; i < got.Length(); i++ {
		list = append(list, got.Index(i).String())
	}
	if s := strings.Join(list, ", "); s != "binary 5, binary 5, binary 5" {
		t.Errorf("the sink got %s", s)
	}
	if e := c.End(nil); e.Code != wire.CloseNormalClosure || e.Reason != "done" {
		t.Errorf("End = %+v, want 1000 \"done\"", e)
	}
	c.Abort()
	if !c.ws.Get("onmessage").IsNull() {
		t.Errorf("the sink is still attached after the connection ended")
	}
	if n := liveFuncs(); n != 0 {
		t.Errorf("%d js.Funcs live after the connection ended", n)
	}
}
