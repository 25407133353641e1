//go:build !js

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/coder/websocket"
	"github.com/hybridws/websocket/examples/internal/feel"
	"github.com/hybridws/websocket/examples/internal/lagproxy"
	"github.com/hybridws/websocket/examples/netcode"
)

// mover is a player that circles the middle of the arena when told to: a
// netcode client on a frame loop of its own, straight to the server.
type mover struct {
	id     atomic.Int32
	circle atomic.Bool
	done   chan struct{}
	wg     sync.WaitGroup
}

func startMover(t *testing.T, url string) *mover {
	m := &mover{done: make(chan struct{})}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		c := netcode.NewClient(netcode.ClientConfig{URL: url, Logf: t.Logf})
		defer c.Close()
		tk := time.NewTicker(time.Second / 60)
		defer tk.Stop()
		for {
			select {
			case <-m.done:
				return
			case now := <-tk.C:
				var in netcode.Input
				if m.circle.Load() && c.Me.Ready() {
					in = feel.Steer(c.Me.Shown())
				}
				c.Update(now, in)
				if c.Me.Ready() {
					m.id.Store(int32(c.ID))
				}
			}
		}
	}()
	t.Cleanup(func() { close(m.done); m.wg.Wait() })
	return m
}

// sighting is where the server had a player at one tick, as a client
// straight to it saw it arrive.
type sighting struct {
	at   time.Time
	x, y float32
}

// observer reads the server's snapshots straight from it (no proxy) and
// keeps every player's positions: the server's authority, as it happens.
type observer struct {
	mu   sync.Mutex
	seen map[uint16][]sighting
}

func startObserver(t *testing.T, url string) *observer {
	ctx, cancel := context.WithCancel(context.Background())
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(netcode.MaxServerMessage)
	o := &observer{seen: map[uint16][]sighting{}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			_, b, err := c.Read(ctx)
			if err != nil {
				return
			}
			now := time.Now()
			m, err := netcode.ParseServer(b, nil)
			if err != nil || m.Kind != netcode.KindSnapshot {
				continue
			}
			o.mu.Lock()
			for _, p := range m.Snapshot.Players {
				o.seen[p.ID] = append(o.seen[p.ID], sighting{now, p.X, p.Y})
			}
			o.mu.Unlock()
		}
	}()
	t.Cleanup(func() { cancel(); c.CloseNow(); <-done })
	return o
}

// settled returns how long after stop the server's position of player id
// came within 1 px of (x, y) for good, and how far it was at most.
func (o *observer) settled(id uint16, stop time.Time, x, y float32) (time.Duration, float64, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	at, ok, far := stop, false, 0.0
	for _, s := range o.seen[id] {
		if s.at.Before(stop) {
			continue
		}
		d := math.Hypot(float64(s.x-x), float64(s.y-y))
		far = max(far, d)
		switch {
		case d >= 1:
			ok = false
		case !ok:
			at, ok = s.at, true
		}
	}
	return at.Sub(stop), far, ok
}

// trace asks the page for the trace of the watched player.
func (p *page) trace() []feel.Sample {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Evaluate[any](`globalThis.arenaTrace = ""; arenaDebugTrace()`)); err != nil {
		p.t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`globalThis.arenaTrace || ""`))
		if err != nil {
			p.t.Fatal(err)
		}
		if s != "" {
			var tr []feel.Sample
			if err := json.Unmarshal([]byte(s), &tr); err != nil {
				p.t.Fatalf("%s: trace %q: %v", p.name, s, err)
			}
			return tr
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.t.Fatalf("%s: no trace", p.name)
	return nil
}

// TestFeelInBrowser measures the netcode in a game page, on loopback and
// with 100 ms of latency and ±20 ms of jitter each way between the page and
// the server (the lag proxy serves the page too): the page's own disc
// moves on the frame its input is applied (the game's own frame counter);
// after a stop, the server's authoritative position (seen by a client
// straight to the server) comes within 1 px of where the page shows the
// disc within 500 ms; the server never corrects the page; a player
// circling is shown going forward, also with 5% of the chunks to the page
// 150 ms late.
func TestFeelInBrowser(t *testing.T) {
	build(t)
	addr := freeAddr(t)
	startServer(t, addr)
	bctx := newBrowser(t)
	for i, tc := range []struct {
		name string
		lag  lagproxy.Delay
	}{
		{"loopback", lagproxy.Delay{}},
		{"100ms±20ms", lagproxy.Delay{Latency: 100 * time.Millisecond, Jitter: 20 * time.Millisecond}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			room := []string{"feel-loopback", "feel-lag"}[i]
			proxy, err := lagproxy.New(addr)
			if err != nil {
				t.Fatal(err)
			}
			defer proxy.Close()
			proxy.Set(tc.lag, tc.lag)
			mv := startMover(t, "ws://"+addr+"/ws?room="+room)
			obs := startObserver(t, "ws://"+addr+"/ws?room="+room)
			p := openPage(t, bctx, "page", "http://"+proxy.Addr()+"/?debug&room="+room, false)
			feelInBrowser(t, p, mv, obs, proxy, tc.lag, room)
		})
	}
}

// fps is the page's frame rate over a second.
func fps(p *page) float64 {
	s0, _ := p.state()
	t0 := time.Now()
	time.Sleep(time.Second)
	s1, _ := p.state()
	return float64(s1.Frames-s0.Frames) / time.Since(t0).Seconds()
}

func feelInBrowser(t *testing.T, p *page, mv *mover, obs *observer, proxy *lagproxy.Proxy, lag lagproxy.Delay, room string) {
	s := p.waitFor("three players", 60*time.Second, func(s state) bool { return s.Connected && len(s.Players) == 3 })

	// Hold a key for 600 ms toward the side with more room, then let go.
	x0, _, _ := s.player(s.ID)
	key, code := "ArrowRight", int64(39)
	if x0 > netcode.WorldWidth/2 {
		key, code = "ArrowLeft", 37
	}
	p.key(true, key, code)
	time.Sleep(600 * time.Millisecond)
	released := time.Now() // just before: the page sees the key go up a little later
	p.key(false, key, code)
	s = p.waitFor("the stop and a second after it", 20*time.Second, func(s state) bool {
		return s.StopUnixMS != 0 && time.Since(time.UnixMilli(s.StopUnixMS)) > 1500*time.Millisecond
	})
	x, y, _ := s.player(s.ID)
	settle, far, ok := obs.settled(s.ID, time.UnixMilli(s.StopUnixMS), x, y)
	fromKey, _, _ := obs.settled(s.ID, released, x, y)
	t.Logf("input delay: %d frames (applied on frame %d, moved on %d); after the frame that stopped, the server was %.1f px away at most, "+
		"within 1 px after %v (%v after the key was let go; as the page's snapshots show it: %.0f ms); %d corrections; others shown %.0f ms behind (jitter %.0f ms); %.0f fps",
		s.MoveFrame-s.InputFrame, s.InputFrame, s.MoveFrame, far, settle.Round(time.Millisecond), fromKey.Round(time.Millisecond), s.ViewSettleMS,
		s.Corrections, s.InterpMS, s.JitterMS, fps(p))
	if s.MoveFrame != s.InputFrame {
		t.Errorf("the disc moved on frame %d, the input was applied on frame %d: want the same frame", s.MoveFrame, s.InputFrame)
	}
	if !ok || settle > 500*time.Millisecond {
		t.Errorf("the server's position came within 1 px of the page's disc %v after the stop (for good: %v), want under 500 ms", settle, ok)
	}
	if s.Corrections != 0 {
		t.Errorf("%d corrections, want none: the server applies exactly what the page predicted", s.Corrections)
	}

	// The mover circles; the page shows it going forward.
	id := mv.id.Load()
	if _, err := chromedp.Run(p.ctx, chromedp.Evaluate[any](fmt.Sprintf("arenaDebugWatch(%d)", id))); err != nil {
		t.Fatal(err)
	}
	watched := time.Now()
	mv.circle.Store(true)
	time.Sleep(6 * time.Second)
	late := lag
	late.SpikeRate, late.Spike = 0.05, 150*time.Millisecond
	proxy.Set(lag, late)
	spiked, spikes := time.Since(watched), proxy.Spikes()
	time.Sleep(10 * time.Second)
	tr := p.trace()
	spikes = proxy.Spikes() - spikes
	proxy.Set(lag, lag)
	var calm, rough []feel.Sample
	for _, s := range tr {
		switch {
		case s.T > 2*time.Second && s.T < spiked:
			calm = append(calm, s)
		case s.T > spiked+500*time.Millisecond:
			rough = append(rough, s)
		}
	}
	s, _ = p.state()
	mc, mr := feel.Circling(calm), feel.Circling(rough)
	t.Logf("a player circling, as the page shows it: %v", mc)
	t.Logf("with 5%% of the chunks to the page 150 ms late (%d): %v; others shown %.0f ms behind (jitter %.0f ms)", spikes, mr, s.InterpMS, s.JitterMS)
	for _, m := range []feel.Motion{mc, mr} {
		if m.Frames < 10 || m.Backward != 0 || m.Fastest > 2*netcode.Speed {
			t.Errorf("the circling player as the page shows it: %v; want frames, none backward, no jump", m)
		}
	}
	name := "arena-" + strings.TrimPrefix(room, "feel-") + ".png"
	t.Logf("screenshot: %s", p.screenshot(name))
}
