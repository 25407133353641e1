//go:build js && wasm

package wasm

import (
	"strings"
	"testing"

	"github.com/hybridws/websocket/internal/wire"
)

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
	if e := c.End(nil); e.Code != wire.CloseNormalClosure || e.Reason != "done" || !e.Clean {
		t.Errorf("End = %+v, want 1000 \"done\" clean", e)
	}
	c.Abort()
	c.Abort() // twice is fine
}
