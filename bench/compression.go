package main

import (
	"fmt"
	"slices"
	"strings"
)

// The compression section of BENCHMARKS.md (issue 14).

const compressionBlurb = "The same bench server process, endpoint `/deflate`: coder/websocket accepting permessage-deflate when a client offers it " +
	"(compressing its own messages with context takeover unless the client asks otherwise, and its default thresholds), echoing every message, " +
	"and counting the bytes that cross its socket. The message is a JSON game state of about 1 KiB " +
	"(ten players with position, velocity, health, score and state; 600 distinct ticks, each much like the one before, cycled). " +
	"`hybrid` is this library without `Params.Compression`, `hybrid-deflate` with it (it offers `permessage-deflate; client_no_context_takeover`: " +
	"the server's messages with context takeover, ours each on its own, 512-byte threshold); " +
	"`coder` is raw coder/websocket without compression, `coder-deflate` with `CompressionContextTakeover` (context takeover both ways, 128-byte threshold), " +
	"`coder-deflate-nct` with `CompressionNoContextTakeover` (neither way, 512-byte threshold).\n\n" +
	"- json: sequential round trips of the game state, text (round trips/s; both ends compress and inflate every message, on the same 2 cores)\n" +
	"- wire-up, wire-down: bytes on the wire per message in the json runs, client to server and back, frame headers included, as the server's socket counted them (lower is better)\n" +
	"- idle-json: Go heap plus stacks per open idle connection after one game-state round trip each, so that whatever compression state a connection keeps exists (lower is better), at %d connections\n\n"

// compressionNote is the hand-written reading of the table: why
// Params.Compression offers what it does.
const compressionNote = "Why `Params.Compression` offers context takeover for the server's messages and not for ours. " +
	"Context takeover deflates each message against the ones before it, so a game state that repeats most of the last one shrinks further: " +
	"compare `coder-deflate` (takeover both ways) with `coder-deflate-nct` (neither way) in wire-up and wire-down. " +
	"But the side that compresses with takeover keeps its `flate.Writer`, about 1.2 MiB in coder/websocket, for as long as the connection lives, " +
	"idle or not (`coder-deflate` in idle-json); the side that inflates with takeover keeps only a 32 KiB window. " +
	"Games mostly receive state and send small inputs, so the saving that matters is in the server's direction, and that one costs the client little: " +
	"`hybrid-deflate` gets `coder-deflate`'s wire-down for a few tens of KiB per connection, and `coder-deflate-nct`'s wire-up for its own messages. " +
	"Compression costs CPU at both ends for every message (json, against the uncompressed clients), so it stays off by default: " +
	"turn it on for a server that requires it, or where bytes cost more than CPU.\n\n"

// writeCompression writes the section if any compression workload ran.
func writeCompression(b *strings.Builder, nst map[[2]string]*stat, o runOpts) {
	var works, libs []string
	for _, w := range compressionWorks {
		if slices.Contains(o.works, w) || (strings.HasPrefix(w, "wire-") && slices.Contains(o.works, "json")) {
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
	fmt.Fprintf(b, compressionBlurb, max(1, o.conns/4))
	table(b, nst, works, libs, "hybrid", "× hybrid")
	b.WriteString(compressionNote)
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
