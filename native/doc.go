//go:build !js

// Package native is the native transport of hybridws, over
// github.com/coder/websocket. It only moves bytes: it knows nothing of
// events or callbacks. Use the root package instead.
//
// A Conn is a stack of layers, from the root package down to the socket:
//
//   - Conn (conn.go): the transport the root package drives: Read one whole
//     message, Write one, Close, Fail, Abort, and the close status that
//     explains why Read ended. Read goes through readMessage (read.go),
//     which reads a message into a pooled buffer and allocates once at its
//     exact size (coder/websocket's Read grows several buffers per message).
//   - sendQueue (send.go): Write never waits for the network. Messages wait
//     in a queue bounded by Options.SendLimit; a writer goroutine, alive
//     only while there is something to write, writes them in order (corked
//     while more wait), then the close frame Close queued behind them. Hold
//     and Release bracket the root package's callbacks: where writes never
//     block, Release writes what the callback sent on its own goroutine.
//   - keepalive (keepalive.go): pings at Options.KeepAlive and fails the
//     connection when nothing at all moves for PongTimeout while it reads:
//     the only way to notice a peer that vanished without closing TCP.
//   - permessage-deflate (extension.go, deflate.go, huffman.go): the offer
//     and the server's answer are ours (coder/websocket offers no
//     client_max_window_bits and takes no answer that bounds our window);
//     our messages are compressed by our own deflater, which keeps a
//     window's history per connection for context takeover and honours
//     the window the server allows; the frame that carries one gets RSV1
//     in the cork buffer (sentFrames). coder/websocket inflates the
//     server's messages, and readMessage reads them in pieces that never
//     pass MaxMessageSize.
//   - coder/websocket: framing, masking, control frames, the closing
//     handshake, inflating.
//   - checkedConn (check.go, utf8.go): the upgraded connection as
//     coder/websocket sees it. It follows the frame headers going by and
//     fails what coder/websocket lets through (or fails without a close
//     frame): a masked frame from the server, a 64-bit length with its top
//     bit set, text that stops being UTF-8 (at the offending byte, not at
//     the end of the message), a close reason that is not UTF-8 (held back,
//     so that coder/websocket does not echo it).
//   - corking (cork.go): while corked, coder/websocket's per-message
//     flushes and the 4 KiB pieces of a big message are gathered into
//     writes of up to 64 KiB.
//   - nbWriter (nbwrite.go, nbwrite_unix.go): on Unix, writes to a plain
//     ws:// socket use a non-blocking write system call, with a spill
//     buffer and a drainer goroutine for what the socket does not take at
//     once; so a message sent from a callback is written on the callback's
//     goroutine without waiting for the network. Elsewhere
//     (nbwrite_other.go: Windows, wss://, the hybridws_portable tag) writes
//     block in the writer goroutine.
//   - sentFrames (sent.go): follows the frames written, for the code of the
//     close frame that went out, coder/websocket's own included (it reports
//     a protocol violation it closed with 1002 only as error text), and sets
//     RSV1 on a compressed message's frame.
//
// Dial (dial.go) builds the stack: its own http.Transport per dial (so no
// idle connection outlives a refused upgrade), the permessage-deflate
// offer and answer (extension.go), and the marks that classify a failure
// as TLS by where it happened rather than by its text.
package native
