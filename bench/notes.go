package main

// notesText is the hand-written part of BENCHMARKS.md: what was changed
// in the library for speed, and what the profiles say about every target
// that a run can miss. The tables above it are measured on each run; this
// text was written from the profiles named in it (how to take them: the
// last section).
const notesText = `## What the profiles say

### Native

Since the protocol after the handshake became ours (below), the peers to
beat are the lean ones: lxzan/gws does about as little per message as a
Go client can, and ` + "`coder-chan`" + ` is what a game loop on raw
coder/websocket pays. Counting instructions (valgrind ` + "`--tool=callgrind`" + `,
user space, per round trip or message, the difference of a 3 s and a 6 s
run, so that start-up drops out; load does not change them):

| | rtt (round trip) | pipe (message) | rtt, Queue mode |
| --- | ---: | ---: | ---: |
| hybrid before this work | 14,900 | 17,400 | 22,800 |
| hybrid, our own data frames written | 13,300 | 11,900 | |
| hybrid, frames read and the protocol ours | 7,700 | 7,700 | 15,200 |
| gws | 7,000–7,700 | 5,500 | |
| coder | 13,700 | | |
| coder-chan | | | 17,800–19,100 |

Half of the old cost was coder/websocket's locks: each is a channel taken
with a select (its Reader, every Read of a message, its Write and its
frame writer: five per round trip, about 6,000 instructions), and every
byte went through its 4 KiB buffers.

- **What changed.** Where no compression was negotiated, every message is
  framed and masked by us straight into the cork buffer (` + "`native/datawrite.go`" + `).
  Where writes do not block (plain ws:// on Unix) the whole protocol after the
  handshake is ours (` + "`native/dataread.go`" + `, ` + "`control.go`" + `): frames are read from
  a pooled buffer held only while bytes wait in it, each message into a
  buffer of its exact size (a big payload straight from the socket), the
  pings, pongs and the closing handshake answered as coder/websocket did,
  every byte still through checkedConn's checks; coder/websocket dials and
  is then let go. Conformance (298 of the 301 client cases OK, 3
  informational, as before) and interop with npm ws and python3-websockets
  pass on it; wss://, compression and the portable build keep
  coder/websocket's framing.
- **Sending.** A message sent when nothing waits goes out at once on the
  caller's goroutine, also from inside a callback (the reply of a
  request/response leaves before the callback returns); one sent less than
  5 µs after such a write is part of a loop's burst and waits, to go out
  corked with the rest (one system call per 64 KiB instead of one per
  message). When ` + "`Send`" + ` began to copy a message that waits and to write one that
  does not at once, pipe lost that batching: 304 -> 161 MiB/s, client CPU
  3.2 -> 5.8 µs per message (hybrid, Queue mode alike: 315 -> 139; rtt and
  big unchanged within the noise: 16,200 -> 17,900 round trips/s, 609 ->
  645 MiB/s; 9 alternating runs, load 1.4-3); the copy itself was not the
  cost. The burst rule brought it back (6.6 -> 4.2 µs per message at load
  26-29), and our own frames past it: against the library before ` + "`Send`" + `
  copied, pipe 307 -> 455 MiB/s, big 625 -> 868 MiB/s (Queue mode 314 ->
  498 and 602 -> 826), rtt within the noise (7 alternating runs, load
  1.8-3.5).
- **rtt against gws.** Both make one write and one read system call per
  round trip (strace) and now run about the same instructions. Their CPU
  profiles (5 s each, load 2): system calls 81% of the client's CPU for
  hybrid, 83% for gws; the scheduler (parking, waking, the netpoller) 8%
  and 6%; the library's own code 3% and 4%; 13.2 and 12.0 µs of CPU per
  round trip. The floor is those two system calls and the wake-up of the
  goroutine that waits for the echo; what is left between the two clients
  is how the two processes are scheduled on two loaded cores: single runs
  of either spread 2-3x, and medians of 5 to 21 alternating runs put hybrid
  at 0.86-0.99x gws (the table above has this run's).
- **rtt, Queue mode.** Each event crosses from the connection's reader
  goroutine to the loop that calls ` + "`Dispatch`" + `, as in ` + "`coder-chan`" + `; the queue
  now takes no connection lock per event (the pending count is an atomic)
  and wakes the loop after letting go of its own lock. Counted, a round trip
  costs less than ` + "`coder-chan`" + `'s (15,200 instructions against 17,800-19,100); the
  rates of both are those of the hand-off between two goroutines on two
  cores, and swing more from run to run (min-max 2-3x) than they differ.
- **pipe and big** are far above every peer because a burst goes out
  corked and a received message is read into a pooled buffer and allocated
  once at its size (gws copies into pooled buffers the callback must give
  back; coder/websocket's ` + "`Read`" + ` grows several).

### Idle memory

What one idle open connection costs (` + "`bench client -work idle -memprofile`" + `,
every allocation sampled, 2,000 connections; stacks from
` + "`runtime.MemStats.StackInuse`" + `), in bytes:

| | before | now |
| --- | ---: | ---: |
| coder/websocket: its 4 KiB read and 4 KiB write buffers | 8,352 | 0 |
| coder/websocket: its Conn, two channel locks, message reader and writer | 1,440 | 0 |
| this library: checkedConn, native.Conn, nbWriter, frame reader | 672 | 960 |
| this library: Connection, its config and headers | 448 | 448 |
| net: the socket's netFD, addresses | 376 | 376 |
| the reader goroutine's descriptor | 502 | 502 |
| the benchmark's own callback closures | 240 | 240 |
| read buffers kept for the next reader (128 KiB a process) | | 66 |
| the reader goroutine's stack | 4,096 | 2,048-2,540 |
| **total** | **16.1 KiB** | **4.6-5.2 KiB** |

coder/websocket keeps its two 4 KiB buffers and 1.4 KiB of state for the
life of a connection, idle or not: 9.6 KiB, more than the 10 KiB goal
leaves for everything else. Where the protocol is ours it is let go after
the handshake (CloseNow sends nothing; its buffers go back to its pools).
The reader used to wait deep in coder/websocket's Reader (2.5 KiB of
frames: a 4 KiB stack); now it waits in the netpoller under frames kept
small (1 KiB), holding no read buffer (it takes one from four atomic spare
slots inside the netpoller's read function, where sync.Pool's slow paths
made a fifth of the stacks grow), so its stack stays at 2 KiB. Go starts a
goroutine's stack at the average size it saw at the last collection
(` + "`GODEBUG=adaptivestackstart`" + `), and dialling raises that average: with it off
every reader stack is 2 KiB (4.6 KiB a connection); with it on, as in
` + "`make bench`" + `, up to a third start at 4 KiB. A connection that has run callbacks
keeps the stack they grew (at least 4 KiB once the collector has shrunk
it); wss://, compression and the portable build still carry
coder/websocket (about 14.5 KiB).

### Browser

- On this machine Chromium delivers only about 6,000–9,000 WebSocket messages a
  second to any page: plain JavaScript pipe with 16 messages in flight reached
  5,800 messages/s, with 8,192 in flight 8,100 (DevTools Network domain off).
  Every client pays that per-message cost; the ratios compare what each adds.
- **The floor of a Go client** (` + "`raw-wasm`" + `): the cheapest Go echo client on
  syscall/js alone, everything done in the socket's handlers (no goroutine
  switch, no allocation per message, one reused Uint8Array each way, send
  bound once). It still pays what syscall/js makes every Go program pay per
  message: the browser's call into Go through ` + "`js.FuncOf`" + ` (about eight
  property reads and writes on the Go object and the event inside
  syscall/js, each a crossing with a property name converted), reading
  ` + "`event.data`" + `, copying the payload in (text: two crossings and a string
  conversion), copying the echo out and calling ` + "`send`" + `. It is the ceiling
  of a Go client that takes its messages the ordinary way: in the runs for
  issue 16 here it reached 0.68–0.89× plain JS on rtt, 0.62–0.96× on pipe
  and 0.88–1.03× on big (medians of seven runs of the browser benchmark
  at load averages of 1 to 10).
- **Go API (wasm) vs plain JS.** Profile of the Go client in the page
  (` + "`bench/wasmclient`" + ` TestProfile under wasmbrowsertest, ` + "`-cpuprofile`" + `; wasmbrowsertest
  leaves the DevTools Network domain on, so its rates are lower than the
  table's, but the split of the Go side holds). The first round of work
  (onmessage through a JavaScript wrapper that hands Go the data and its
  length, Write checking readyState and sending in one call, ` + "`Send`" + ` keeping
  an upper bound of ` + "`bufferedAmount`" + ` instead of reading it, Write yielding every
  16th call) brought an echoed message to about four crossings plus the
  call into Go. The second round (issue 16) made the payloads cross
  without calls: ` + "`helpers.js`" + ` gets a view of the wasm memory from Go (through
  ` + "`js.CopyBytesToJS`" + `, and again when the memory grew), the ` + "`onmessage`" + ` handler
  writes each message straight into a 64 KiB inbox in Go memory (wasm/inbox.go;
  what does not fit waits in JavaScript, in order), and Write sends with
  one call whose ` + "`ws.send`" + ` reads the Go slice itself. And Go is called once
  per burst: the handler wakes Go only when Read waits, from a
  MessageChannel task of its own, so the messages the browser had queued
  already are in the inbox when Go reads; a message that comes after a
  quiet moment (the tick each wake posts has run) wakes Go at once, as a
  task costs time too. Costs measured in the page here (a loop in a
  wasmbrowsertest test): JavaScript calling an empty ` + "`js.FuncOf`" + ` 18.5 µs,
  a MessageChannel task 14.5 µs, Go calling an empty JavaScript function
  0.45 µs, a property read from Go 1.1 µs. In alternating A/B runs here
  (the previous wasmclient as ` + "`hybrid-base`" + `, ` + "`run -wasmbase`" + `; load average 4–8): the
  inbox and the sends from Go memory took rtt from 5,160 to 6,010 round
  trips/s (0.78× to 0.91× plain JS) and big from 268 to 318 MiB/s (9 runs),
  pipe unchanged (16.5 to 16.7 MiB/s); one wake per burst then took pipe from
  14.8 to 19.7 MiB/s (7 runs) and left rtt alone (5,256 and 5,227); a 64 KiB
  inbox instead of 16 KiB, pipe from 18.7 to 21.3 MiB/s; waking at once
  after a quiet moment, rtt from 5,188 to 5,725 and pipe from 16.6 to 20.2
  (15 runs, load average 8). The profiles now:
  rtt is 54% idle (waiting for the echo), 18% inside the browser
  ("(program)") and 12% in ` + "`ws.send`" + `; pipe 50% idle, 25% browser, 10% ` + "`ws.send`" + `;
  this library's Go code is under 3% in each. What is left is the call into
  Go itself (18.5 µs, syscall/js's own crossings: once per message in rtt,
  about an eighth of a round trip, once per burst in pipe) and the hand-off
  from that call to the goroutine that reads, and for big a 1 MiB buffer per received message (allocated, zeroed,
  written by JavaScript, then collected): the floor above reuses one buffer,
  which the API cannot, as a received message belongs to the callback. A
  build that reused the buffer (to measure only: it breaks that promise)
  reached 345 MiB/s, 0.99× plain JS and level with the floor, against 285
  MiB/s (0.82×) for the same code with a fresh buffer (7 alternating runs
  each), so that buffer and the garbage collection it causes are big's
  whole gap. Not tried:
  running the callback on the goroutine that JavaScript calls, to save the
  hand-off (it would take a change of the transport seam), and
  ` + "`go:wasmexport`" + ` functions for the wake (a library cannot reach the
  instance's exports in a page it does not control: ` + "`wasm_exec.js`" + ` keeps the
  instance in the page's own ` + "`Go`" + ` object).
- **JS API (shim) vs plain JS.** A call from JavaScript into Go costs about
  10–20 µs in a page here (a loop of calls to an empty ` + "`js.FuncOf`" + `), and the
  shim used to make two per echoed message (the socket's message event, the
  page's ` + "`send`" + `) and copy each payload four times between JavaScript and
  wasm memory. Now received messages never enter Go: the shim leaves a
  JavaScript ` + "`onmessage`" + ` handler per connection that the browser backend
  installs when it dials (` + "`wasm.Options.Sink`" + `), and which queues the messages
  with Go's events (held until Go reported CONNECTED, dropped after
  DISCONNECTED); a binary message is a view of the event's own fresh
  ArrayBuffer, not a copy. A sent string (text) or bytes (binary) go to
  ` + "`ws.send`" + ` as they are: Go's ` + "`Send`" + ` still decides (state, order, the send
  queue bound) on a stand-in of the same length that the backend swaps for
  the staged value (internal/jspayload). One call into Go per echo, none
  for the payload: in A/B runs (the old websocket.wasm as a client beside
  the new one, alternating, 8 runs on this loaded machine) rtt went from
  about 0.5× to 0.8× plain JS, pipe from 0.4× to 0.8×, big from 0.7× to
  0.8–1.0×.
- **coder/websocket's wasm build** takes every message through syscall/js
  the ordinary way (a ` + "`js.FuncOf`" + ` handler, the data copied in, its own read
  buffer and a channel to the reading goroutine), so it sits near the
  floor above, less its own hand-offs. On rtt every client waits mostly
  for the echo's trip through the browser and the server: in three runs at
  load averages of 1 to 7 plain JavaScript itself was only 1.02–1.17× coder/websocket's
  wasm build, so 1.15× coder there asks more of a Go client than plain
  JavaScript achieves.

### Library changes for speed (micro-benchmarks, one op = one message)

` + "`go test -run '^$' -bench . -benchmem`" + ` at the root, before (the library as it
was when this work started) and after, back to back on this machine (ns/op
noisy ±30%):

| benchmark | before | after | raw coder/websocket |
| --- | --- | --- | --- |
| Receive 32 B | 0.9–1.4 µs, 2 allocs, 660–716 B | 1.3–1.5 µs, 2 allocs, 128 B | 1.0–1.1 µs, 1 alloc, 512 B |
| Receive 1 KiB | 4.6 µs, 5 allocs, 2,273–2,359 B | 3.0–3.2 µs, 2 allocs, 1,123 B | 3.3–4.4 µs, 4 allocs, 2,176 B |
| Receive 32 B, Queue mode | 3.8–5.8 µs, 2 allocs, 693–784 B | 1.6–1.7 µs, 2 allocs, 155–170 B | |
| Send 32 B (throughput) | 6.6–7.9 µs, 0 allocs | 1.1–1.2 µs, 0 allocs | 6.4–8.5 µs |
| Send 1 KiB (throughput) | 8.3–10.4 µs, 0 allocs | 1.8–1.9 µs, 0 allocs | 5.8–10.2 µs |
| Round trip 32 B (in-process echo, server included) | 35–50 µs, 11 allocs, 837 B | 21–29 µs, 10 allocs, 313 B | 21–30 µs, 9 allocs, 696 B |

The two allocations left per received message are the ` + "`*Data`" + ` and the payload,
both owned by the callback (DESIGN.md); the send path allocates only a copy
of a message that has to wait (` + "`Send`" + ` keeps no reference to it). These
micro-benchmarks are from the round before the frames became ours; the
instruction counts above are this round's.

### How to profile

- Native: ` + "`cd bench && go run . run -cpuprofile DIR`" + ` writes a profile of every
  client run; or one run: ` + "`go run . server`" + ` then
  ` + "`go run . client -lib hybrid -work rtt -url ws://ADDR/echo -cpuprofile cpu.prof`" + `.
- Browser: ` + "`BENCH_URL=ws://ADDR/echo BENCH_LIB=hybrid-wasm BENCH_WORK=pipe GOOS=js GOARCH=wasm go test -exec wasmbrowsertest -run TestProfile -cpuprofile cpu.prof ./wasmclient`" + `
  (wasmbrowsertest and the headless_shell wrapper as ` + "`make test-browser`" + ` builds them in .cache/bin);
  BENCH_LIB=raw-wasm profiles the floor.
- A/B of the Go API in the browser: build the old ` + "`bench/wasmclient`" + ` (` + "`GOOS=js GOARCH=wasm go build -o old.wasm ./wasmclient`" + `
  at the old commit), then ` + "`make bench BENCHFLAGS=\"-works= -blibs=js,hybrid-wasm,hybrid-base -wasmbase old.wasm -runs=15 -out /tmp/ab.md -chart ab.png -results /tmp/ab.json\"`" + `:
  the old build runs as ` + "`hybrid-base`" + `, alternating with the new one run by run.
`
