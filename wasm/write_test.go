//go:build js && wasm

package wasm

import (
	"strings"
	"syscall/js"
	"testing"

	"github.com/hybridws/websocket/internal/jspayload"
	"github.com/hybridws/websocket/internal/wire"
)

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
