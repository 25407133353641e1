//go:build js && wasm

package wasm

import (
	"context"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/hybridws/websocket/internal/jspayload"
	"github.com/hybridws/websocket/internal/wire"
)

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
	if code, reason, _ := c.CloseStatus(nil); code != wire.CloseNormalClosure || reason != "done" {
		t.Errorf("CloseStatus = %d %q", code, reason)
	}
	c.Abort()
	if !c.ws.Get("onmessage").IsNull() {
		t.Errorf("the sink is still attached after the connection ended")
	}
	if n := LiveFuncs(); n != 0 {
		t.Errorf("%d js.Funcs live after the connection ended", n)
	}
}

// A stand-in from jspayload.Stage sends the staged value; one written
// without a staged value is an error, and nothing is sent.
func TestWriteStaged(t *testing.T) {
	c := dial(t, "/echo")
	defer c.Abort()
	p := jspayload.Stage(js.ValueOf("staged text"), len("staged text"))
	err := c.Write(wire.OpText, p)
	jspayload.Unstage()
	if err != nil {
		t.Fatal(err)
	}
	if typ, got, err := c.Read(); err != nil || typ != wire.OpText || string(got) != "staged text" {
		t.Fatalf("echo of the staged text: %d %q %v", typ, got, err)
	}
	u := js.Global().Get("Uint8Array").New(3)
	js.CopyBytesToJS(u, []byte{7, 8, 9})
	p = jspayload.Stage(u, 3)
	err = c.Write(wire.OpBinary, p)
	jspayload.Unstage()
	if err != nil {
		t.Fatal(err)
	}
	if typ, got, err := c.Read(); err != nil || typ != wire.OpBinary || string(got) != "\x07\x08\x09" {
		t.Fatalf("echo of the staged bytes: %d %q %v", typ, got, err)
	}
	p = jspayload.Stage(js.ValueOf("x"), 1)
	jspayload.Unstage()
	if err := c.Write(wire.OpText, p); err == nil || !strings.Contains(err.Error(), "staged") {
		t.Errorf("Write of a stand-in without a staged value: %v, want an error", err)
	}
	if err := c.Write(wire.OpText, []byte("after")); err != nil {
		t.Fatal(err)
	}
	if _, got, err := c.Read(); err != nil || string(got) != "after" {
		t.Fatalf("next echo: %q %v (the stand-in must not have been sent)", got, err)
	}
}
