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
	if code, reason, clean := c.CloseStatus(nil); code != wire.CloseNormalClosure || reason != "done" || !clean {
		t.Errorf("CloseStatus = %d %q %v", code, reason, clean)
	}
	c.Abort()
	c.Abort() // twice is fine
}
