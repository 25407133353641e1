package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hybridws/websocket/bench/internal/work"
)

type runOpts struct {
	runs     int
	dur      time.Duration
	conns    int
	trips    int
	libs     []string
	works    []string
	out      string // BENCHMARKS.md
	chart    string // PNG path, relative to out's directory
	browser  bool
	sizes    bool
	bworks   []string
	blibs    []string // browser clients, a subset of browserLibs
	pageDir  string
	profile  string // directory for CPU profiles of every client run, "" for none
	base     string // an older bench binary, which runs the clients named X-base as X
	start    time.Time
	since    time.Time
	loadFrom string
	// compressionOnly: only the compression workloads and clients, and
	// only the report's Compression section is rewritten.
	compressionOnly bool
}

func runMain(args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	var o runOpts
	var libs, works, bworks, blibs, shimBase, wasmBase string
	fs.IntVar(&o.runs, "runs", 5, "alternating runs per client and workload")
	fs.DurationVar(&o.dur, "dur", time.Second, "rtt, pipe, big: sending time per run")
	fs.IntVar(&o.conns, "conns", 2000, "idle, many: connections")
	fs.IntVar(&o.trips, "trips", 100, "many: round trips per connection")
	fs.StringVar(&libs, "libs", strings.Join(nativeLibs, ","), "native clients")
	fs.StringVar(&works, "works", strings.Join(nativeWorks, ","), "native workloads (empty: none)")
	fs.BoolVar(&o.browser, "browser", true, "also run the browser benchmark in headless Chromium")
	fs.StringVar(&bworks, "bworks", "rtt,pipe,big", "browser workloads")
	fs.BoolVar(&o.sizes, "sizes", true, "also measure the download size of the js/wasm builds (the table bench sizes writes)")
	fs.StringVar(&shimBase, "shimbase", "", "an older websocket.wasm (the shim) to run as the browser client shim-base, for A/B runs: -blibs=js,shim,shim-base")
	fs.StringVar(&wasmBase, "wasmbase", "", "an older bench/wasmclient build (GOOS=js GOARCH=wasm) to run as the browser client hybrid-base, for A/B runs of the Go API: -blibs=js,hybrid-wasm,hybrid-base")
	fs.StringVar(&blibs, "blibs", strings.Join(browserLibs, ","), "browser clients (a quick A/B: -works= -blibs=js,shim -out /dev/null)")
	fs.StringVar(&o.out, "out", "../BENCHMARKS.md", "report to write")
	fs.StringVar(&o.chart, "chart", "bench/chart.png", "chart to write, relative to the report's directory")
	fs.StringVar(&o.profile, "cpuprofile", "", "directory: write a CPU profile of every native client run there")
	fs.StringVar(&o.base, "base", "", "an older bench binary (go build at the old commit), for A/B runs of the library: it runs the native clients named X-base as X (-libs=hybrid,hybrid-base)")
	since := fs.Int64("since", 0, "Unix time the whole run (make bench) started, for the wall time in the report")
	resultsFile := fs.String("results", "results.json", "write the measurements here as JSON")
	from := fs.String("from", "", "draw the report again from a -results file, without measuring")
	fs.BoolVar(&o.compressionOnly, "compression", false, "measure only the compression workloads and clients (natively, a few minutes) and rewrite only the report's Compression section")
	fs.Parse(args)
	if o.compressionOnly {
		var measured []string // the workloads run; wire-* and files-* are figures of json and files
		for _, w := range compressionWorks {
			if !strings.HasSuffix(w, "-up") && !strings.HasSuffix(w, "-down") {
				measured = append(measured, w)
			}
		}
		works, libs = strings.Join(measured, ","), strings.Join(compressionLibs, ",")
		o.browser = false
		if *resultsFile == "results.json" {
			*resultsFile = "results-compression.json"
		}
	}
	o.libs = splitList(libs)
	o.works = splitList(works)
	o.bworks = splitList(bworks)
	o.blibs = splitList(blibs)
	o.start = time.Now()
	o.since = o.start
	if *since > 0 {
		o.since = time.Unix(*since, 0)
	}
	o.loadFrom = loadAvg()
	if *from != "" {
		data, err := os.ReadFile(*from)
		if err != nil {
			return err
		}
		var sr savedRun
		if err := json.Unmarshal(data, &sr); err != nil {
			return fmt.Errorf("%s: %v", *from, err)
		}
		return writeReport(o, sr)
	}

	self, err := os.Executable()
	if err != nil {
		return err
	}
	var pageDir string
	var bw *browserSetup
	if o.browser {
		bw, err = prepareBrowser(shimBase, wasmBase)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench: browser part skipped:", err)
			o.browser = false
		} else {
			pageDir = bw.dir
			defer os.RemoveAll(bw.dir)
		}
	}
	srv, base, err := startServer(self, pageDir)
	if err != nil {
		return err
	}
	defer func() { srv.Process.Kill(); srv.Wait() }()
	url := "ws" + strings.TrimPrefix(base, "http") + "/echo"
	deflateURL := "ws" + strings.TrimPrefix(base, "http") + "/deflate"

	var results []work.Result
	for run := 0; run < o.runs; run++ {
		for _, w := range o.works {
			for i := range o.libs {
				lib := o.libs[(i+run)%len(o.libs)] // alternate the order run by run
				if !runs(lib, w) {
					continue
				}
				u := url
				switch {
				case slices.Contains(compressionWorks, w) && lib == "hybrid-deflate-nct":
					// Our client cannot ask for no context takeover: this
					// server answers it, both ways.
					u = deflateURL + "-nct"
				case slices.Contains(compressionWorks, w):
					u = deflateURL
				}
				r := clientRun(self, lib, w, u, o, run)
				fmt.Fprintf(os.Stderr, "run %d %-9s %-14s %s\n", run+1, w, lib, describe(r))
				results = append(results, r)
				if w == "json" || w == "files" {
					// Its bytes on the wire, as workloads of their own.
					prefix := map[string]string{"json": "wire", "files": "files"}[w]
					up, down := work.Result{Lib: lib, Work: prefix + "-up", Err: r.Err}, work.Result{Lib: lib, Work: prefix + "-down", Err: r.Err}
					up.Value, down.Value = r.Up, r.Down
					results = append(results, up, down)
				}
			}
		}
	}
	var bres []work.Result
	if o.browser {
		bres, err = runBrowser(bw, base, o)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench: browser part failed:", err)
			bres = append(bres, work.Result{Lib: "browser", Work: "all", Err: err.Error()})
		}
	}
	var sizes *sizeRun
	if o.sizes {
		sizes = measureSizes()
	}
	sr := savedRun{
		Cmd:   "cd bench && go run . run " + strings.Join(args, " "),
		Start: o.start, Since: o.since, End: time.Now(),
		LoadFrom: o.loadFrom, LoadTo: loadAvg(),
		Runs: o.runs, Dur: o.dur, Conns: o.conns, Trips: o.trips,
		Libs: o.libs, Works: o.works, BWorks: o.bworks,
		Native: results, Browser: bres, Sizes: sizes,
		CompressionOnly: o.compressionOnly,
	}
	if !o.browser {
		sr.BWorks = nil
	}
	if *resultsFile != "" {
		data, _ := json.MarshalIndent(sr, "", "\t")
		if err := os.WriteFile(*resultsFile, data, 0o644); err != nil {
			return err
		}
	}
	return writeReport(o, sr)
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func describe(r work.Result) string {
	if r.Err != "" {
		return "FAILED: " + r.Err
	}
	switch r.Work {
	case "json":
		return fmt.Sprintf("%.1f %s, %.0f bytes/msg up, %.0f down", r.Value, work.Units[r.Work], r.Up, r.Down)
	case "files":
		return fmt.Sprintf("%.1f %s, %.3f wire/payload up, %.3f down", r.Value, work.Units[r.Work], r.Up, r.Down)
	}
	return fmt.Sprintf("%.1f %s", r.Value, work.Units[r.Work])
}

func startServer(self, pageDir string) (*exec.Cmd, string, error) {
	cmd := exec.Command(self, "server", "-addr", "127.0.0.1:0", "-dir", pageDir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		return nil, "", fmt.Errorf("echo server did not start: %v", err)
	}
	go io.Copy(io.Discard, out)
	return cmd, strings.TrimSpace(line), nil
}

func clientRun(self, lib, w, url string, o runOpts, run int) work.Result {
	bin, name := self, lib
	if base, ok := strings.CutSuffix(lib, "-base"); ok && o.base != "" {
		bin, name = o.base, base
	}
	args := []string{"client", "-lib", name, "-work", w, "-url", url,
		"-dur", o.dur.String(), "-conns", fmt.Sprint(o.conns), "-trips", fmt.Sprint(o.trips)}
	if o.profile != "" {
		os.MkdirAll(o.profile, 0o755)
		args = append(args, "-cpuprofile", filepath.Join(o.profile, fmt.Sprintf("%s-%s-%d.prof", w, lib, run+1)))
	}
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		return work.Result{Lib: lib, Work: w, Err: err.Error()}
	}
	timer := time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() })
	err := cmd.Wait()
	timer.Stop()
	var r work.Result
	if jerr := json.Unmarshal(stdout.Bytes(), &r); jerr != nil {
		msg := strings.TrimSpace(stderr.String())
		if err != nil {
			msg = err.Error() + " " + msg
		}
		return work.Result{Lib: lib, Work: w, Err: "client process: " + msg}
	}
	r.Lib = lib
	return r
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
