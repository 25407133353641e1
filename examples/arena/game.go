package main

import (
	"image"
	"image/color"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/ebitenutil"
	"github.com/hajimehoshi/ebiten/v2/vector"
	"github.com/hybridws/websocket/examples/netcode"
)

// The screen is the HUD band on top of the world, so that the HUD never
// covers the play area.
const (
	hudHeight    = 36
	screenWidth  = netcode.WorldWidth
	screenHeight = hudHeight + netcode.WorldHeight
)

// config is what the platform gives the game: flags natively, the page's
// URL in a browser.
type config struct {
	url         string        // the server's game socket
	debug       bool          // publish the game's state for tests (debug.go, publish_*.go)
	hiddenGrace time.Duration // how long a hidden page keeps its connection
}

// Game is the arena's ebiten.Game. Everything in it belongs to
// Ebitengine's loop (Update and Draw): no lock. The only other goroutine,
// the hidden-page timer of a browser build, touches the client through
// what netcode.Client allows from anywhere (Suspend, Resume, Stats,
// Queued), and the game through atomics (visibility_js.go).
type Game struct {
	cfg     config
	client  *netcode.Client
	players []netcode.Player
	frames  int64
	hud     hud
	vis     visibility
	debug   *debug // nil unless cfg.debug
}

func newGame(cfg config) *Game {
	g := &Game{cfg: cfg, client: netcode.NewClient(netcode.ClientConfig{URL: cfg.url})}
	if cfg.debug {
		g.debug = &debug{}
	}
	return g
}

// Update is the frame: read the input, run the network (Dispatch, the
// input applied to this player at once and sent at 20 Hz), take this
// frame's players.
func (g *Game) Update() error {
	now := time.Now()
	in := g.input()
	if g.debug != nil {
		g.debug.meter.Update(g.client, now, in)
	} else {
		g.client.Update(now, in)
	}
	g.players = g.client.Players(g.players[:0])
	g.frames++
	g.hud.update(now, g.client, len(g.players))
	if g.debug != nil {
		g.debug.frame(g, now, in)
	}
	return nil
}

var (
	background = color.RGBA{0x18, 0x1c, 0x24, 0xff}
	gridColor  = color.RGBA{0x26, 0x2c, 0x38, 0xff}
	hudColor   = color.RGBA{0x0c, 0x0e, 0x12, 0xff}
	palette    = [...]color.RGBA{
		{0xe6, 0x4a, 0x4a, 0xff}, {0xf0, 0x8c, 0x2e, 0xff}, {0xf2, 0xd0, 0x3b, 0xff}, {0x8c, 0xd1, 0x3f, 0xff},
		{0x3f, 0xc0, 0x6b, 0xff}, {0x36, 0xc2, 0xb4, 0xff}, {0x3a, 0xa0, 0xe8, 0xff}, {0x4f, 0x64, 0xe8, 0xff},
		{0x8e, 0x55, 0xe6, 0xff}, {0xd1, 0x4f, 0xd6, 0xff}, {0xe8, 0x5a, 0x9b, 0xff}, {0xb0, 0xb4, 0xbd, 0xff},
	}
)

// Draw paints the HUD band, then the arena and the players below it.
func (g *Game) Draw(screen *ebiten.Image) {
	screen.Fill(hudColor)
	g.hud.draw(screen)
	// The world is a sub-image: what is drawn there stays there.
	world := screen.SubImage(image.Rect(0, hudHeight, screenWidth, screenHeight)).(*ebiten.Image)
	world.Fill(background)
	const top = hudHeight
	for x := float32(40); x < screenWidth; x += 40 {
		vector.StrokeLine(world, x, top, x, screenHeight, 1, gridColor, false)
	}
	for y := float32(40); y < netcode.WorldHeight; y += 40 {
		vector.StrokeLine(world, 0, top+y, screenWidth, top+y, 1, gridColor, false)
	}
	for _, p := range g.players {
		if p.ID != g.client.ID {
			vector.DrawFilledCircle(world, p.X, top+p.Y, netcode.PlayerRadius, palette[int(p.Color)%len(palette)], true)
		}
	}
	if p, ok := g.me(); ok { // on top of everyone else, ringed and labelled
		vector.DrawFilledCircle(world, p.X, top+p.Y, netcode.PlayerRadius, palette[int(p.Color)%len(palette)], true)
		vector.StrokeCircle(world, p.X, top+p.Y, netcode.PlayerRadius+3, 2, color.White, true)
		ebitenutil.DebugPrintAt(world, "you", int(p.X)-8, top+int(p.Y)+netcode.PlayerRadius+4)
	}
}

// Layout keeps the screen's size whatever the window's.
func (g *Game) Layout(int, int) (int, int) { return screenWidth, screenHeight }
