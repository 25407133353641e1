//go:build !js

package e2e

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/hybridws/websocket/tools/wasmrun/drive"
)

// TestArenaInEngines: the game loads and plays in Firefox and WebKit too
// (through the drivers of tools/wasmrun, each with a window on a private
// Xvfb display: WebGL through Mesa's software renderer): it connects, sees
// the bot, and the world goes on (snapshots keep coming, frames are
// drawn); a screenshot of each.
func TestArenaInEngines(t *testing.T) {
	build(t)
	addr := freeAddr(t)
	startServer(t, addr)
	startBots(t, addr, 1)
	for _, engine := range drive.Engines {
		t.Run(engine, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			b, err := drive.Start(ctx, engine, drive.Options{Width: 800, Height: 600, Headed: true})
			if err != nil {
				t.Fatalf("%v (make test-game installs the browsers)", err)
			}
			defer b.Close()
			if err := b.Navigate(ctx, "http://"+addr+"/?debug"); err != nil {
				t.Fatal(err)
			}
			st := func() (s state) {
				var js string
				if err := b.Eval(ctx, `globalThis.arenaDebug || ""`, &js); err != nil {
					t.Fatal(err)
				}
				if js != "" {
					if err := json.Unmarshal([]byte(js), &s); err != nil {
						t.Fatalf("debug state %q: %v", js, err)
					}
				}
				return s
			}
			deadline := time.Now().Add(60 * time.Second)
			var s state
			for s = st(); !(s.Connected && len(s.Players) >= 2); s = st() {
				if time.Now().After(deadline) {
					t.Fatalf("waited 60s for the game to connect and show the bot; last state %+v; console %q", s, b.Console())
				}
				time.Sleep(200 * time.Millisecond)
			}
			first := s
			for s = st(); s.Tick < first.Tick+10 || s.Frames <= first.Frames; s = st() {
				if time.Now().After(deadline) {
					t.Fatalf("the game stopped: %+v, then %+v", first, s)
				}
				time.Sleep(200 * time.Millisecond)
			}
			png, err := b.Screenshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: player id %d, %d players in the room, %s; screenshot %s", engine, s.ID, len(s.Players), s.Status, saveShot(t, "arena-"+engine+".png", png))
		})
	}
}
