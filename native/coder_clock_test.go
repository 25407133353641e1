//go:build !js && go1.25

package native

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/coder/websocket"
)

// The assumptions about coder/websocket's own timers (coder_test.go has
// the others). They run on testing/synctest's fake clock: time in a bubble
// moves only when every goroutine in it waits, so coder/websocket's 3 and
// 5 seconds pass at once, and exactly. synctest.Test is in Go 1.25 and
// later; the Go 1.24 run of make test-toolchains builds without this file.

// readInBubble reads ws until it fails, on a goroutine of the bubble, as
// the root package's reader does.
func readInBubble(ws *websocket.Conn) {
	go func() {
		for {
			if _, _, err := ws.Read(context.Background()); err != nil {
				return
			}
		}
	}()
}

func TestCoderReadsRefusedBodyFor3s(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := pin{t, "check.go (checkedConn reads as empty until armed)",
			"when coder/websocket rejects a 101 (a wrong Sec-WebSocket-Accept, a subprotocol we did not offer), it reads the body \"for easier debugging\" until 3 s pass; on an upgraded connection that waits for a server with nothing to say, so checkedConn reads as empty until Dial arms it. If coder/websocket reads no longer, or no longer for so long, that is still right but may no longer be needed"}
		pc := newPinConn() // a server that answers 101 and then says nothing
		start := time.Now()
		_, _, err := dialPin(&pinUpgrade{conn: pc, badAccept: true}, nil)
		took := time.Since(start)
		_, reads, _, closed := pc.state()
		if err == nil || took != 3*time.Second || reads == 0 || !closed {
			p.fatalf("a rejected 101 whose body never ends: Dial returned %v after %v, having read the body %d times, body closed %v; want an error after exactly 3s of reading it, then the body closed", err, took, reads, closed)
		}
	})
}

func TestCoderCloseWaits5sForAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := pin{t, "send.go (Close), conn.go (closeNow, failWait) and close.go in the root package (closeTimeout)",
			"Close's writer waits coder/websocket's 5 s at most for the server's answer, and the root package's Disconnect aborts the connection after closeTimeout (5 s as well); failWait cuts the wait to 1 s when the code fails the connection"}
		ws, pc := openPin(p, nil, nil)
		readInBubble(ws)
		start := time.Now()
		ws.Close(websocket.StatusNormalClosure, "")
		took := time.Since(start)
		if _, _, _, closed := pc.state(); took != 5*time.Second || !closed {
			p.fatalf("Close against a server that never answers returned after %v, connection closed %v; want exactly 5s, then closed", took, closed)
		}
	})
}

func TestCoderCloseEndsWhenConnCloses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := pin{t, "conn.go (closeNow's failWait timer)",
			"closeNow bounds the wait for the answer to a failing close frame by closing the connection under coder/websocket (checkedConn.Close) after failWait; Close must return then, not after its own 5 s"}
		ws, pc := openPin(p, nil, nil)
		readInBubble(ws)
		closed := make(chan struct{})
		go func() {
			defer close(closed)
			ws.Close(websocket.StatusProtocolError, "protocol error")
		}()
		time.Sleep(time.Second)
		pc.Close()
		synctest.Wait()
		select {
		case <-closed:
		default:
			p.fatalf("Close still waited for the server's answer after the connection under it was closed")
		}
	})
}

func TestCoderCloseNowWaitsForClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := pin{t, "conn.go (Abort, abortNow)",
			"Abort ends the connection with CloseNow, which waits for a Close in progress: while the writer goroutine waits for the server's answer, Abort waits with it (coder/websocket's 5 s at most, failWait for a failing code). If CloseNow no longer waits, Abort during the closing handshake returns at once: re-check close.go's closeTimeout in the root package"}
		ws, _ := openPin(p, nil, nil)
		readInBubble(ws)
		go ws.Close(websocket.StatusNormalClosure, "")
		synctest.Wait() // Close waits for the answer
		start := time.Now()
		ws.CloseNow()
		if took := time.Since(start); took != 5*time.Second {
			p.fatalf("CloseNow during a Close that waits for the server's answer returned after %v, want when Close gives up, after 5s", took)
		}
	})
}
