package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// The compression section of BENCHMARKS.md (issues 14 and 30). `go run .
// run -compression` measures it alone and rewrites only that section.

const compressionBlurb = "The same bench server process: coder/websocket accepting permessage-deflate when a client offers it and echoing every message, " +
	"counting the bytes that cross its socket. On `/deflate` it keeps context both ways unless the client asks otherwise; " +
	"on `/deflate-nct` it answers `client_no_context_takeover; server_no_context_takeover` (neither side keeps context). " +
	"`hybrid` is this library without `Params.Compression`; `hybrid-deflate` with it, against `/deflate`: it offers `permessage-deflate; client_max_window_bits`, " +
	"inflates the server's messages with context takeover and compresses its own (128 bytes and more) with context takeover too, with its own deflater (native/deflate.go); " +
	"`hybrid-deflate-nct` the same against `/deflate-nct` (no context either way, our messages of 512 bytes and more). " +
	"`coder` is raw coder/websocket without compression, `coder-deflate` with `CompressionContextTakeover` (context takeover both ways, 128-byte threshold, compress/flate at BestSpeed), " +
	"`coder-deflate-nct` with `CompressionNoContextTakeover` (neither way, 512-byte threshold). " +
	"The game state is JSON of about 1 KiB (ten players with position, velocity, health, score and state; 600 distinct ticks, each much like the one before, cycled).\n\n" +
	"- json: sequential round trips of the game state, text (round trips/s; both ends compress and inflate every message, on the same 2 cores)\n" +
	"- wire-up, wire-down: bytes on the wire per message in the json runs, client to server and back, frame headers included, as the server's socket counted them (lower is better)\n" +
	"- idle-json1, idle-json: Go heap plus stacks per open idle connection after one game-state round trip each, so that whatever compression state a connection keeps exists, at 1 connection and at %d (lower is better)\n" +
	"- files: sequential round trips of 16 KiB binary messages cut from the Autobahn|Testsuite's five compression test files in turn (JSON, a bitmap, German text, HTML, a PDF: internal/test/autobahn/testdata), MiB/s of echoes\n" +
	"- files-up, files-down: bytes on the wire per payload byte in the files runs, each way (lower is better)\n\n"

// compressionNote is the hand-written reading of the table: why
// Params.Compression does what it does.
const compressionNote = "Why our messages are compressed with context takeover. Context takeover deflates each message against the ones before it, " +
	"so a game state that repeats most of the last one shrinks further: compare `hybrid-deflate` with `hybrid-deflate-nct` in wire-up (and `coder-deflate` with `coder-deflate-nct`). " +
	"What it costs is memory per connection. compress/flate keeps a whole `flate.Writer` (about 1.2 MiB) for as long as the connection lives, idle or not (`coder-deflate` in idle-json); " +
	"our deflater keeps only the last window of what the connection sent (32 KiB at most, less when the server answers a smaller `client_max_window_bits`), " +
	"and its working memory (the hash table and buffers, a few hundred KiB) is pooled, one per message being compressed at the moment, shared by all connections: an idle connection costs the history, whether there is one connection or a thousand (idle-json1, idle-json). " +
	"The side that inflates with context takeover keeps coder/websocket's 32 KiB window as well. " +
	"A server that answers `client_no_context_takeover` gets each message compressed on its own, and no history is kept. " +
	"Compression costs CPU at both ends for every message (json and files, against the uncompressed clients): it stays off by default; " +
	"turn it on for a server that requires it, or where bytes cost more than CPU.\n\n"

// writeCompression writes the section if any compression workload ran.
func writeCompression(b *strings.Builder, nst map[[2]string]*stat, o runOpts, sr savedRun) {
	var works, libs []string
	for _, w := range compressionWorks {
		if slices.Contains(o.works, w) ||
			(strings.HasPrefix(w, "wire-") && slices.Contains(o.works, "json")) ||
			(strings.HasPrefix(w, "files-") && slices.Contains(o.works, "files")) {
			works = append(works, w)
		}
	}
	for _, l := range compressionLibs {
		if slices.Contains(o.libs, l) {
			libs = append(libs, l)
		}
	}
	if len(works) == 0 || len(libs) == 0 {
		return
	}
	fmt.Fprintf(b, "## Compression\n\n")
	fmt.Fprintf(b, "Measured by `%s` on %s, %d runs per client and workload, in %s; load average (1, 5, 15 min) at the start: %s; at the end: %s.\n\n",
		sr.Cmd, sr.Start.UTC().Format("2006-01-02 15:04 MST"), sr.Runs, sr.End.Sub(sr.Start).Round(time.Second), sr.LoadFrom, sr.LoadTo)
	fmt.Fprintf(b, compressionBlurb, max(1, o.conns/2))
	table(b, nst, works, libs, "hybrid", "× hybrid", "coder-deflate", "× coder-deflate")
	b.WriteString(compressionNote)
}

// writeCompressionOnly replaces the Compression section of the report with
// the one sr makes, and keeps the rest.
func writeCompressionOnly(o runOpts, sr savedRun) error {
	o.runs, o.dur, o.conns = sr.Runs, sr.Dur, sr.Conns
	o.libs, o.works = sr.Libs, sr.Works
	var b strings.Builder
	writeCompression(&b, stats(sr.Native), o, sr)
	old, err := os.ReadFile(o.out)
	if err != nil {
		return err
	}
	report := string(old)
	start := strings.Index(report, "## Compression\n")
	if start < 0 {
		return errors.New(o.out + " has no Compression section to replace: run make bench once")
	}
	end := len(report)
	if i := strings.Index(report[start+1:], "\n## "); i >= 0 {
		end = start + 1 + i + 1
	}
	return os.WriteFile(o.out, []byte(report[:start]+b.String()+report[end:]), 0o644)
}

// withoutCompression drops the compression workloads and clients from the
// main native table and the chart.
func withoutCompression(works, libs []string) ([]string, []string) {
	var w, l []string
	for _, x := range works {
		if !slices.Contains(compressionWorks, x) {
			w = append(w, x)
		}
	}
	for _, x := range libs {
		if !strings.Contains(x, "-deflate") {
			l = append(l, x)
		}
	}
	return w, l
}
