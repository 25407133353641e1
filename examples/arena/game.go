package main

import (
	"fmt"
	"image/color"
	"sync"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/ebitenutil"
	"github.com/hajimehoshi/ebiten/v2/vector"
	"github.com/hybridws/websocket/examples/netcode"
)

const (
	screenWidth  = netcode.WorldWidth
	screenHeight = netcode.WorldHeight
)

// config is what the platform gives the game: flags natively, the page's
// URL in a browser.
type config struct {
	url         string        // the server's game socket
	debug       bool          // publish the game's state for tests (debug_*.go)
	hiddenGrace time.Duration // how long a hidden page keeps its connection
}

// Game is the arena's ebiten.Game.
type Game struct {
	cfg config
	// mu guards everything below. Update and Draw run on Ebitengine's loop;
	// in a browser, the hidden-page fallback dispatches from a timer while
	// that loop is stopped, so both take mu and never run Dispatch at once.
	mu       sync.Mutex
	client   *netcode.Client
	players  []netcode.Player
	frames   int64
	hidden   bool
	hiddenAt time.Time
	hiddenN  int64  // dispatches made by the hidden-page fallback
	heap     uint64 // the last heap size measured for debugState
}

func newGame(cfg config) *Game {
	return &Game{cfg: cfg, client: netcode.NewClient(netcode.ClientConfig{URL: cfg.url})}
}

// Update is the frame: read the input, run the network (Dispatch inside
// Client.Update, input at 20 Hz), take this frame's interpolated players.
func (g *Game) Update() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := time.Now()
	g.client.Update(now, g.input())
	g.players = g.client.Interp.Players(g.players[:0])
	g.frames++
	if g.cfg.debug && g.frames%6 == 0 {
		publish(g.debugState(now))
	}
	return nil
}

var (
	background = color.RGBA{0x18, 0x1c, 0x24, 0xff}
	gridColor  = color.RGBA{0x26, 0x2c, 0x38, 0xff}
	palette    = [...]color.RGBA{
		{0xe6, 0x4a, 0x4a, 0xff}, {0xf0, 0x8c, 0x2e, 0xff}, {0xf2, 0xd0, 0x3b, 0xff}, {0x8c, 0xd1, 0x3f, 0xff},
		{0x3f, 0xc0, 0x6b, 0xff}, {0x36, 0xc2, 0xb4, 0xff}, {0x3a, 0xa0, 0xe8, 0xff}, {0x4f, 0x64, 0xe8, 0xff},
		{0x8e, 0x55, 0xe6, 0xff}, {0xd1, 0x4f, 0xd6, 0xff}, {0xe8, 0x5a, 0x9b, 0xff}, {0xb0, 0xb4, 0xbd, 0xff},
	}
)

// Draw paints the arena, the players, and the status line.
func (g *Game) Draw(screen *ebiten.Image) {
	g.mu.Lock()
	defer g.mu.Unlock()
	screen.Fill(background)
	for x := float32(40); x < screenWidth; x += 40 {
		vector.StrokeLine(screen, x, 0, x, screenHeight, 1, gridColor, false)
	}
	for y := float32(40); y < screenHeight; y += 40 {
		vector.StrokeLine(screen, 0, y, screenWidth, y, 1, gridColor, false)
	}
	for _, p := range g.players {
		vector.DrawFilledCircle(screen, p.X, p.Y, netcode.PlayerRadius, palette[int(p.Color)%len(palette)], true)
	}
	if p, ok := g.me(); ok { // on top of everyone else, ringed and labelled
		vector.DrawFilledCircle(screen, p.X, p.Y, netcode.PlayerRadius, palette[int(p.Color)%len(palette)], true)
		vector.StrokeCircle(screen, p.X, p.Y, netcode.PlayerRadius+3, 2, color.White, true)
		ebitenutil.DebugPrintAt(screen, "you", int(p.X)-8, int(p.Y)+netcode.PlayerRadius+4)
	}
	vector.DrawFilledRect(screen, 0, 0, screenWidth, 16, color.RGBA{0, 0, 0, 0xa0}, false) // keeps the line readable over players
	ebitenutil.DebugPrint(screen, g.statusLine(time.Now()))
	ebitenutil.DebugPrintAt(screen, "move: arrows / WASD, mouse or touch", 4, screenHeight-18)
}

// statusLine is the on-screen line: players, round trip, connection state.
func (g *Game) statusLine(now time.Time) string {
	rtt := "-"
	if g.client.Welcomed() && g.client.RTT > 0 {
		rtt = fmt.Sprintf("%d ms", g.client.RTT.Milliseconds())
	}
	return fmt.Sprintf("players %d   rtt %s   %s", len(g.players), rtt, g.client.Status(now))
}

// Layout keeps the world's size whatever the window's.
func (g *Game) Layout(int, int) (int, int) { return screenWidth, screenHeight }
