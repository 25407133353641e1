// Command bench measures the arena under load: 200 bots and two game
// pages in headless Chromium in one room at 20 Hz. It reports the server's
// CPU per tick, the Dispatch time per frame (p50, p99) of the bots and of
// the pages, the bytes per second per client and the rate of corrections
// of the clients' predictions, and writes them into a marked section of
// BENCHMARKS.md. `make bench-game` builds what it needs
// and runs it.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hybridws/websocket/tools/wasmrun/drive"
)

type serverStats struct {
	Clients   int64          `json:"clients"`
	Rooms     map[string]int `json:"rooms"`
	Ticks     int64          `json:"ticks"`
	TickNS    int64          `json:"tick_ns"`
	TickP50NS int64          `json:"tick_p50_ns"`
	TickP99NS int64          `json:"tick_p99_ns"`
	CPUNS     int64          `json:"cpu_ns"`
	BytesOut  int64          `json:"bytes_out"`
	BytesIn   int64          `json:"bytes_in"`
	Kicks     map[string]int `json:"kicks"`
}

type botSummary struct {
	Bots          int     `json:"bots"`
	Connected     int     `json:"connected"`
	Frames        int64   `json:"frames"`
	DispatchP50NS int64   `json:"dispatch_p50_ns"`
	DispatchP99NS int64   `json:"dispatch_p99_ns"`
	BusyFrames    int64   `json:"busy_frames"`
	BusyP50NS     int64   `json:"busy_p50_ns"`
	BusyP99NS     int64   `json:"busy_p99_ns"`
	BytesIn       int64   `json:"bytes_in"`
	BytesOut      int64   `json:"bytes_out"`
	Corrections   int64   `json:"corrections"`
	Seconds       float64 `json:"seconds"`
	MinPlayers    int     `json:"min_players"`
}

type pageState struct {
	Connected     bool    `json:"connected"`
	Players       []any   `json:"players"`
	DispatchP50NS int64   `json:"dispatch_p50_ns"`
	DispatchP99NS int64   `json:"dispatch_p99_ns"`
	DispatchN     int64   `json:"dispatch_n"`
	BusyP50NS     int64   `json:"busy_p50_ns"`
	BusyP99NS     int64   `json:"busy_p99_ns"`
	BusyN         int64   `json:"busy_n"`
	BytesIn       int64   `json:"bytes_in"`
	Corrections   int64   `json:"corrections_since_reset"`
	InterpMS      float64 `json:"interp_ms"`
	Status        string  `json:"status"`
}

func main() {
	pageDir := flag.String("page", "../.cache/arena", "the built game page (index.html, wasm_exec.js, arena.wasm)")
	bin := flag.String("bin", "../.cache/bin", "folder with arena-server and arena-bots")
	out := flag.String("out", "../BENCHMARKS.md", "file whose bench-game section to write")
	n := flag.Int("n", 200, "bots")
	warmup := flag.Duration("warmup", 10*time.Second, "time before measuring")
	window := flag.Duration("window", 20*time.Second, "time measured")
	chromium := flag.String("chromium", "/usr/bin/chromium", "the browser")
	npages := flag.Int("pages", 2, "game pages, one tab each")
	flag.Parse()
	log.SetFlags(0)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	srv := exec.Command(filepath.Join(*bin, "arena-server"), "-addr", addr, "-static", *pageDir)
	srv.Stderr = io.Discard
	srvOut, _ := srv.StdoutPipe()
	if err := srv.Start(); err != nil {
		log.Fatal(err)
	}
	defer srv.Process.Kill()
	waitLine(srvOut, "game socket")

	start := time.Now()
	// The bots measure the window they are told: "reset" at its start,
	// "stop" at its end, on their stdin.
	bots := exec.Command(filepath.Join(*bin, "arena-bots"), "-url", "ws://"+addr+"/ws", "-n", fmt.Sprint(*n), "-quiet", "-control")
	var botsOut strings.Builder
	bots.Stdout, bots.Stderr = &botsOut, os.Stderr
	control, err := bots.StdinPipe()
	if err != nil {
		log.Fatal(err)
	}
	if err := bots.Start(); err != nil {
		log.Fatal(err)
	}
	defer bots.Process.Kill()

	pages := openPages(*chromium, "http://"+addr+"/?debug", *npages)
	for i, p := range pages {
		if err := waitPage(p, *n+*npages, start.Add(*warmup)); err != nil {
			log.Fatalf("page %d: %v", i+1, err)
		}
	}
	time.Sleep(time.Until(start.Add(*warmup)))
	for _, p := range pages {
		if _, err := chromedp.Run(p, chromedp.Evaluate[any](`arenaDebugReset()`)); err != nil {
			log.Fatal(err)
		}
	}
	if _, err := io.WriteString(control, "reset\n"); err != nil {
		log.Fatal(err)
	}
	s0 := getStats(addr, true)
	load0 := loadavg()
	t0 := time.Now()
	time.Sleep(*window)
	s1 := getStats(addr, false)
	secs := time.Since(t0).Seconds()
	var ps []pageState
	for _, p := range pages {
		ps = append(ps, readPage(p))
	}
	load1 := loadavg()
	if _, err := io.WriteString(control, "stop\n"); err != nil {
		log.Fatal(err)
	}
	if err := bots.Wait(); err != nil {
		log.Fatalf("bots: %v", err)
	}
	var bs botSummary
	if err := json.Unmarshal([]byte(strings.TrimSpace(botsOut.String())), &bs); err != nil {
		log.Fatalf("bots' summary %q: %v", botsOut.String(), err)
	}

	ticks := s1.Ticks - s0.Ticks
	if s0.Clients != s1.Clients || s1.Clients != int64(*n+*npages) {
		log.Fatalf("%d clients at the start of the window, %d at the end; want %d all along", s0.Clients, s1.Clients, *n+*npages)
	}
	clients := float64(s1.Clients)
	var md strings.Builder
	fmt.Fprintf(&md, "<!-- bench-game: written by `make bench-game`; kept by `make bench` -->\n## Game (make bench-game)\n\n")
	fmt.Fprintf(&md, "The arena example (`examples/arena`) under load: %d bots (`examples/arena/bots`, one process, a 60 fps frame loop each, "+
		"Queue mode) and %d game pages, each in a headless Chromium of its own (WebGL through SwiftShader) in one room; the server sends "+
		"every client a snapshot of all %d players 20 times a second. Measured for %.0f s after %.0f s of warm-up, on %s, %d cores, "+
		"everything (server, bots, browser) on the same machine; load average %s at the start, %s at the end. Run on %s.\n\n",
		bs.Bots, *npages, int(clients), secs, t0.Sub(start).Seconds(), runtime.GOOS+"/"+runtime.GOARCH, runtime.NumCPU(), load0, load1,
		time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&md, "| measure | value |\n| --- | ---: |\n")
	fmt.Fprintf(&md, "| clients in the room | %d |\n", s1.Clients)
	fmt.Fprintf(&md, "| server ticks (20 Hz) | %d |\n", ticks)
	fmt.Fprintf(&md, "| server CPU per tick (process user+system CPU / ticks: reads, writes, tick) | %.2f ms |\n", float64(s1.CPUNS-s0.CPUNS)/float64(ticks)/1e6)
	fmt.Fprintf(&md, "| server tick itself (move, encode, hand to %d writers), p50 / p99 | %s / %s |\n", s1.Clients, us(s1.TickP50NS), us(s1.TickP99NS))
	fmt.Fprintf(&md, "| bots: Dispatch per frame, p50 / p99 (%d frames) | %s / %s |\n", bs.Frames, us(bs.DispatchP50NS), us(bs.DispatchP99NS))
	fmt.Fprintf(&md, "| bots: Dispatch in frames that ran a callback, p50 / p99 (%d frames) | %s / %s |\n", bs.BusyFrames, us(bs.BusyP50NS), us(bs.BusyP99NS))
	for i, p := range ps {
		fmt.Fprintf(&md, "| page %d: Dispatch per frame, p50 / p99 (%d frames, %.0f fps) | %s / %s |\n", i+1, p.DispatchN, float64(p.DispatchN)/secs, us(p.DispatchP50NS), us(p.DispatchP99NS))
		fmt.Fprintf(&md, "| page %d: Dispatch in frames that ran a callback, p50 / p99 (%d frames) | %s / %s |\n", i+1, p.BusyN, us(p.BusyP50NS), us(p.BusyP99NS))
	}
	fmt.Fprintf(&md, "| server → each client, average | %.1f KiB/s |\n", float64(s1.BytesOut-s0.BytesOut)/clients/secs/1024)
	fmt.Fprintf(&md, "| each client → server, average | %.2f KiB/s |\n", float64(s1.BytesIn-s0.BytesIn)/clients/secs/1024)
	fmt.Fprintf(&md, "| bots: received per bot | %.1f KiB/s |\n", float64(bs.BytesIn)/float64(bs.Bots)/bs.Seconds/1024)
	for i, p := range ps {
		fmt.Fprintf(&md, "| page %d: received | %.1f KiB/s |\n", i+1, float64(p.BytesIn)/secs/1024)
	}
	corrections := bs.Corrections
	for _, p := range ps {
		corrections += p.Corrections
	}
	fmt.Fprintf(&md, "| corrections of the clients' own predictions (bots and pages) | %d in %.0f s: %.3f a second per client |\n",
		corrections, secs, float64(corrections)/secs/clients)
	for i, p := range ps {
		fmt.Fprintf(&md, "| page %d: others shown behind the server (interpolation delay, at the end) | %.0f ms |\n", i+1, p.InterpMS)
	}
	fmt.Fprintf(&md, "| clients the server dropped during the run (by close code) | %v |\n", s1.Kicks)
	fmt.Fprintf(&md, "\nPayload bytes only (WebSocket frame headers and TCP not counted). Dispatch time is `netcode.Client.Dispatch` "+
		"(`Queue.Dispatch` and the callbacks it runs), timed by `netcode.Meter` with `time.Now` around it; in the page that clock is "+
		"`performance.now()`, which the server's cross-origin isolation headers make precise to 5 µs (100 µs without). A frame with "+
		"nothing to dispatch costs what the clock costs; a frame with a snapshot of %d players parses it, reconciles the client's "+
		"own player and stores it. A correction is a snapshot that moved a client's prediction of its own player: the server and "+
		"the clients run the same integer movement, so there is none unless the server did what a client could not foresee. "+
		"A page shows the others one tick plus the jitter it measures behind the server: the jitter of its snapshots' arrival "+
		"as its frames see them, so slow frames lengthen it. "+
		"Everything shares two cores here, "+
		"so the figures carry the load of the other processes (and of other work on the machine). The pages draw every player "+
		"through SwiftShader, on the CPU, so their frame rate (the fps above) drops when the machine is busy, and a page's frame "+
		"then dispatches several snapshots.\n<!-- /bench-game -->\n", int(clients))
	fmt.Print(md.String())
	if *out != "" {
		if err := writeSection(*out, md.String()); err != nil {
			log.Fatal(err)
		}
		log.Printf("wrote the bench-game section of %s", *out)
	}
}

func us(ns int64) string { return fmt.Sprintf("%.1f µs", float64(ns)/1e3) }

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:3], " ")
}

func waitLine(r io.Reader, s string) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if strings.Contains(sc.Text(), s) {
			go io.Copy(io.Discard, r)
			return
		}
	}
	log.Fatalf("the server never printed %q", s)
}

func getStats(addr string, reset bool) serverStats {
	u := "http://" + addr + "/stats"
	if reset {
		u += "?reset"
	}
	resp, err := http.Get(u)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var s serverStats
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		log.Fatal(err)
	}
	return s
}

func openPages(chromium, url string, n int) []context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.Flag("use-angle", "swiftshader"),
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.WindowSize(800, 600),
	)
	// Loopback only, quiet: tools/chromium.flags (the repo root is above
	// examples/, where make bench-game runs this), as every harness.
	flags, err := drive.ChromiumFlags("..")
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range flags {
		opts = append(opts, chromedp.Flag(f.Name, f.Value))
	}
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	var pages []context.Context
	for i := range n {
		actx, _ := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, _ := chromedp.NewContext(actx)
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(800, 600), chromedp.Navigate(url)); err != nil {
			log.Fatalf("page %d: %v", i+1, err)
		}
		pages = append(pages, ctx)
	}
	return pages
}

func readPage(ctx context.Context) pageState {
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`globalThis.arenaDebug || ""`))
	if err != nil {
		log.Fatal(err)
	}
	var p pageState
	if s != "" {
		json.Unmarshal([]byte(s), &p)
	}
	return p
}

func waitPage(ctx context.Context, players int, by time.Time) error {
	deadline := by.Add(60 * time.Second)
	for {
		p := readPage(ctx)
		if p.Connected && len(p.Players) >= players {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not connected with %d players: %+v", players, p)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// writeSection puts md in place of the file's bench-game section, or at
// its end.
func writeSection(path, md string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	s := string(old)
	if i := strings.Index(s, "<!-- bench-game"); i >= 0 {
		end := strings.Index(s[i:], "<!-- /bench-game -->")
		rest := ""
		if end >= 0 {
			rest = strings.TrimPrefix(s[i+end+len("<!-- /bench-game -->"):], "\n")
		}
		s = s[:i] + md + rest
	} else {
		if s != "" && !strings.HasSuffix(s, "\n\n") {
			s += "\n"
		}
		s += md
	}
	return os.WriteFile(path, []byte(s), 0o644)
}
