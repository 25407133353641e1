//go:build js && wasm

// Package wasm is the browser transport of hybridws: one page WebSocket
// object driven through syscall/js. It only moves bytes: it knows nothing
// of events or callbacks. Use the root package instead.
//
// A Conn is the transport the root package drives (its transport.go):
// Dial opens the socket and waits for its open or close event; Read
// returns the next message, then, once the close event has come, an error
// that End explains; Write hands one message to the socket; Close, Fail
// and Abort end it. It has neither of the root package's optional
// interfaces: no Hold and Release, as a write never waits for the network
// here, and no Pings, as a page can neither send a ping nor see a pong.
//
// # The page's one thread
//
// Go runs on the page's only thread: JavaScript (the socket's handlers
// included) runs only while every goroutine waits, and a handler that
// waited would freeze the page. The browser calls four handlers (open,
// message, error, close). Each one only records what happened under a
// short mutex and pokes a channel without waiting; Dial and Read wait for
// those pokes on their own goroutines. The socket's binaryType is
// "arraybuffer", so messages come in order (a Blob needs an asynchronous
// read).
//
// # Receiving: four paths
//
// Dial (open in conn.go) installs one onmessage handler, the first of these
// that applies:
//
//   - The sink (Options.Sink): the JavaScript API's own handler, made by
//     shim/glue.js and passed through internal/jspayload. Messages go from
//     the socket to the page's callback without entering Go at all; Read
//     only ever reports the close.
//   - The inbox (inbox.go, mem.go): a handler from helpers.js writes each
//     message straight into a 64 KiB buffer in Go memory, and calls into Go
//     only to wake a Read that waits. Used wherever helpers.js holds a view
//     of the wasm memory (see below).
//   - The wrapper (handleData in read.go): where helpers.js runs but has no
//     view of the memory, a handler that hands Go the data ready to copy, a
//     string and -1 or a Uint8Array and its length: one call into Go and
//     one copy per message.
//   - The plain handler (decode in read.go): where the page's
//     Content-Security-Policy lets no helpers.js run (see below), a js.Func
//     that reads event.data, its type and its bytes from Go, a call into
//     JavaScript each.
//
// Read returns the messages in the order they came, from the inbox or from
// the queue in the Conn that the wrapper and the plain handler fill, and
// the close only once none is left.
//
// # The inbox
//
// The inbox is one buffer in Go memory shared with its handler in
// helpers.js: a 16-byte header of control words (where the next record
// goes, written by JavaScript; whether Read waits for a wake, set by Go
// and cleared by JavaScript when it wakes Go; how many messages wait in
// JavaScript), then records of a 32-bit word (the length times two, plus
// one for text) and the bytes, padded to a word. There are no races:
// JavaScript writes only while Go waits. Go reads the records in order;
// once it has read them all, JavaScript writes from the start again. A
// message that does not fit, or comes while others wait in JavaScript or
// while the memory view is stale, waits in JavaScript, in order, until Go
// calls refill to move it in; one too big for the whole buffer gets a
// buffer of its own (take). The handler calls Go only when Read waits: a
// message after a quiet moment wakes it at once, while in a burst the wake
// waits for a task of its own (a MessageChannel), so that the messages the
// browser has queued already come in first and a burst costs one call into
// Go.
//
// # Sending: four paths
//
// Write (write.go) never blocks: the browser queues what send takes. It
// sends each message the first way that applies:
//
//   - A staged JavaScript value: the JavaScript API's send passes the root
//     package's Send a stand-in, zero bytes of the message's length, that
//     internal/jspayload made; Write knows it by its address and sends the
//     string or Uint8Array the page gave instead, never copied into Go and
//     out.
//   - sendMem (mem.go): helpers.js sends the bytes straight from Go memory
//     (a view of them; for text, the string decoded from them), one call
//     into JavaScript per message.
//   - A string, for text, where the memory cannot be reached.
//   - A Uint8Array, for binary, where the memory cannot be reached: one is
//     kept and reused for every message of the same length, as send copies
//     the bytes at once.
//
// Where helpers.js runs, sendIfOpen checks readyState and sends in one
// call.
//
// # The memory view, and why it works with wasm_exec.js
//
// syscall/js offers no way to give JavaScript the wasm memory, so mem.go
// takes one: it copies a byte with js.CopyBytesToJS into grabber, a
// Uint8Array subclass from helpers.js. The toolchain's wasm_exec.js does
// that copy with dst.set(src), src being a Uint8Array over the memory's
// whole ArrayBuffer; grabber's set keeps that buffer, and helpers.js makes
// its own byte and 32-bit views of it. Go then passes addresses in that
// memory: the inbox's buffer, a message's bytes (runtime.KeepAlive keeps
// them alive through the call).
//
// The memory can grow (as Go's heap grows), and growing it detaches the
// old ArrayBuffer: the views go stale and read as empty. So Go compares
// the memory's size (memPages: the CurrentMemory instruction, mem_wasm.s)
// with its size at the last hand-over before each use, and hands it over
// again when it grew (freshMem); helpers.js touches the memory only while
// its views are current, and otherwise answers "stale" (sendMem -1, refill
// and take -2) or keeps messages in JavaScript. A call into JavaScript can
// itself grow the memory, so those calls are tried again. If a
// wasm_exec.js ever copied some other way, helpers.js would report no view
// (memReady) and every path that needs one would give way to the wrapper,
// the string and the Uint8Array: nothing depends on the trick but speed.
//
// # Where helpers.js comes from
//
// The ES module websocket.js (js/) carries helpers.js and shim/glue.js as
// ordinary code and puts them in globalThis.__hybridws while the program
// starts (helpers.go reads them then), so a page whose
// Content-Security-Policy forbids 'unsafe-eval' gets the fast paths too. A
// page that loads the wasm itself gets them compiled from the copies
// embedded in the binary with the Function constructor; where the policy
// refuses that as well, there are no helpers and the plain paths run.
//
// # internal/jspayload's side channel
//
// The JavaScript API (shim/) moves payloads past the root package, which
// still decides everything else: the events and their order, the send
// bound, nothing after DISCONNECTED. For receiving, the shim leaves its
// sink keyed by the *Params it passes to Connect; the root package's
// browser dial looks it up at every dial (reconnects included) and passes
// it as Options.Sink, and the shim takes it away at DISCONNECTED. For
// sending, see the staged value above; a stand-in written without a
// staged value is an error, never zeros.
//
// # What waits for CONNECTED
//
// Through the sink, a message can reach shim/glue.js before Go has
// reported CONNECTED (the socket opens, and its first message may come
// before the connection's goroutine has run). glue.js keeps such messages
// with the connection and delivers them right after CONNECTED; once an
// open connection is lost (its ERROR), the messages of the next socket (a
// retry) wait for that socket's CONNECTED; after DISCONNECTED they are
// dropped. The page's callbacks run from microtasks, never inside connect,
// send or disconnect, nor inside Go. On the Go paths nothing is needed:
// the root package starts to Read only once it has reported CONNECTED, and
// messages wait in the inbox (or in JavaScript, or in the Conn) until
// then.
package wasm
