//go:build !js

package websocket_test

import (
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// RTT is the keepalive ping's round trip: through a proxy that delays
// every chunk by 50 ms each way, it is at least 100 ms, and not much more.
func TestStatsRTT(t *testing.T) {
	const latency = 50 * time.Millisecond
	p := newProxy(t, testServerAddr)
	p.SetLatency(latency)
	r := newRecorder(t)
	c := openConn(t, r, "ws://"+p.Addr()+"/echo", &websocket.Params{KeepAlive: 30 * time.Millisecond, PongTimeout: 5 * time.Second})
	if rtt := c.Stats().RTT; rtt != 0 {
		t.Errorf("RTT %v before any ping was answered, want 0", rtt)
	}
	waitPongs(t, r, c, 3)
	rtt := c.Stats().RTT
	t.Logf("RTT %v through %v of latency each way", rtt, latency)
	if rtt < 2*latency || rtt > 2*latency+250*time.Millisecond {
		t.Errorf("RTT %v, want about %v (the proxy's latency both ways)", rtt, 2*latency)
	}
	websocket.Disconnect(c)
	r.waitDone()
	if rtt := c.Stats().RTT; rtt != 0 {
		t.Errorf("RTT %v once closed, want 0", rtt)
	}
}
