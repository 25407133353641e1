//go:build !js

package native

import (
	"testing"
	"time"

	"github.com/hybridws/websocket/internal/wire"
)

// Abort never blocks for long, even while the writer waits in Close for
// an answer that a server that does not read will never send (coder/
// websocket's CloseNow alone would wait out Close's 5 seconds).
func TestAbortDuringCloseHandshake(t *testing.T) {
	c := dialTest(t, "/noread", Options{})
	if err := c.Close(wire.CloseNormalClosure, ""); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); c.body.sent.Load() == nil || c.body.sent.Load().sentCloseCode() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the close frame did not go out in 20s")
		}
	}
	start := time.Now()
	c.Abort()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Abort took %v while Close waited for the answer, want at once", d)
	}
}
