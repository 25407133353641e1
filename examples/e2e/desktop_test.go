//go:build !js

package e2e

import (
	"bytes"
	"encoding/json"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDesktop: the native build under xvfb-run (Mesa's software GL) starts,
// connects, shows the other players; a screenshot of the X screen is saved.
func TestDesktop(t *testing.T) {
	for _, tool := range []string{"xvfb-run", "xwd"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found: make test-game installs it on Debian (xvfb, x11-apps)", tool)
		}
	}
	build(t)
	game := filepath.Join(filepath.Dir(serverBin), "arena")
	if err := goBuild("..", []string{"CGO_ENABLED=1"}, game, "./arena"); err != nil {
		t.Fatalf("%v\n(the desktop build needs cgo and the X11/GL headers: make game-native installs them on Debian)", err)
	}
	addr := freeAddr(t)
	startServer(t, addr)
	startBots(t, addr, 2)

	// xvfb-run picks a free display and an auth file; the shell prints
	// both so that xwd can reach the same screen.
	g := start(t, "xvfb-run", "-a", "-s", "-screen 0 800x600x24", "sh", "-c",
		`echo "xenv $DISPLAY $XAUTHORITY"; exec "$0" -url "$1" -debug`, game, "ws://"+addr+"/ws")
	s := waitDesktop(t, g, 60*time.Second, func(s state) bool { return s.Connected && len(s.Players) == 3 && s.RTTMS > 0 })
	t.Logf("desktop: %s", s.Status)

	var display, xauth string
	for _, l := range strings.Split(g.output(), "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "xenv" {
			display, xauth = f[1], f[2]
		}
	}
	if display == "" {
		t.Fatalf("no display from xvfb-run; output:\n%s", g.output())
	}
	time.Sleep(500 * time.Millisecond) // a few more frames with everyone on screen
	xwd := exec.Command("xwd", "-root", "-silent", "-display", display)
	xwd.Env = append(os.Environ(), "XAUTHORITY="+xauth)
	var stderr bytes.Buffer
	xwd.Stderr = &stderr
	dump, err := xwd.Output()
	if err != nil {
		t.Fatalf("xwd: %v: %s", err, stderr.String())
	}
	img, err := decodeXWD(dump)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", saveShot(t, "arena-desktop.png", buf.Bytes()))

	// The window shows the arena's background and at least three players'
	// colours (discs of radius 10: ~300 pixels each).
	bg := color.RGBA{0x18, 0x1c, 0x24, 0xff}
	colours := map[color.RGBA]int{}
	bgN := 0
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
			c := img.RGBAAt(x, y)
			if c == bg {
				bgN++
			} else if isPlayerColour(c) {
				colours[c]++
			}
		}
	}
	discs := 0
	for _, n := range colours {
		if n >= 100 {
			discs++
		}
	}
	if bgN < 100000 || discs < 2 {
		t.Errorf("screenshot: %d background pixels and %d player colours of 100+ pixels (%v); want the arena with the players", bgN, discs, colours)
	}
}

// isPlayerColour reports whether c is one of the game's palette entries
// (arena/game.go), which is saturated: far from grey.
func isPlayerColour(c color.RGBA) bool {
	hi := max(c.R, c.G, c.B)
	lo := min(c.R, c.G, c.B)
	return hi > 0x80 && hi-lo > 0x40
}

// waitDesktop waits for an "arena-debug" line from the native game whose
// state satisfies cond.
func waitDesktop(t *testing.T, g *proc, timeout time.Duration, cond func(state) bool) state {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last state
	for time.Now().Before(deadline) {
		lines := strings.Split(g.output(), "\n")
		for i := len(lines) - 1; i >= 0; i-- {
			if j, ok := strings.CutPrefix(lines[i], "arena-debug "); ok {
				if err := json.Unmarshal([]byte(j), &last); err != nil {
					t.Fatalf("debug line %q: %v", lines[i], err)
				}
				if cond(last) {
					return last
				}
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("waited %v for the desktop game; last state %+v; output:\n%s", timeout, last, g.output())
	return last
}
