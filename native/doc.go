//go:build !js

// Package native is the native transport of hybridws, over
// github.com/coder/websocket and frames of its own. It only moves bytes: it
// knows nothing of events or callbacks. Use the root package instead.
//
// A Conn is a stack of layers, from the root package down to the socket:
//
//   - Conn (conn.go): the transport the root package drives (its
//     transport.go): Read one whole message, Write one, Close, Fail, Abort,
//     Queued (what Write accepted that the network has not taken yet), and
//     End, which explains why Read ended: the close code and reason, what
//     never went out, the write failure if one ended it. The table of
//     failures gives each error that ends Read its close code, once. Read
//     goes through our frame reader (dataread.go, below) where it can, or
//     else through readMessage (read.go), which reads a message from
//     coder/websocket into a pooled buffer and allocates once at its exact
//     size (coder/websocket's Read grows several buffers per message).
//   - sendQueue (send.go): Write never waits for the network. Messages wait
//     in a queue bounded by Options.SendLimit; a writer goroutine, alive
//     only while there is something to write, writes them in order (corked
//     while more wait), then the close frame Close queued behind them. Hold
//     and Release (the root package's optional holder interface, which only
//     this backend has) bracket the root package's callbacks: where writes
//     never block, Release writes what the callback sent on its own
//     goroutine.
//   - keepalive (keepalive.go): pings at Options.KeepAlive and fails the
//     connection when nothing at all moves for PongTimeout while it reads:
//     the only way to notice a peer that vanished without closing TCP.
//     Pings (the optional pinger interface) reports the last round trip and
//     how many pings were answered.
//   - permessage-deflate (extension.go, deflate.go, huffman.go): the offer
//     and the server's answer are ours (coder/websocket offers no
//     client_max_window_bits and takes no answer that bounds our window);
//     our messages are compressed by our own deflater, which keeps a
//     window's history per connection for context takeover and honours
//     the window the server allows; the frame that carries one gets RSV1
//     in the cork buffer (sentFrames). coder/websocket inflates the
//     server's messages, and readMessage reads them in pieces that never
//     pass MaxMessageSize.
//   - Frames of our own. Where no compression was negotiated, Write's
//     messages are framed and masked by us (datawrite.go), straight into
//     the cork buffer, without coder/websocket's two channel locks and
//     4 KiB pieces per message. Where writes also do not block (plain
//     ws:// on Unix), the whole protocol after the handshake is ours:
//     frames are read by us (dataread.go) from a pooled buffer held only
//     while bytes wait in it, each message into a buffer of its exact
//     size, and the control frames and the closing handshake are ours too
//     (control.go); coder/websocket, which dialled, is let go, with its
//     4 KiB read and write buffers, so that an idle connection costs a
//     third of what it did (BENCHMARKS.md).
//   - coder/websocket: the handshake; and where we do not frame
//     (compression, wss://, other platforms, the hybridws_portable tag),
//     the framing, the control frames, the closing handshake, and
//     inflating the server's compressed messages.
//   - checkedConn (check.go, utf8.go): the upgraded connection as
//     coder/websocket sees it, and what our reader reads through. It
//     follows the frame headers going by and fails what coder/websocket
//     lets through (or fails without a close frame): a masked frame from
//     the server, a 64-bit length with its top bit set, text that stops
//     being UTF-8 (at the offending byte, not at the end of the message),
//     a close reason that is not UTF-8 (held back, so that coder/websocket
//     does not echo it).
//   - corking (cork.go): while corked, coder/websocket's per-message
//     flushes and the 4 KiB pieces of a big message are gathered into
//     writes of up to 64 KiB.
//   - nbWriter (nbwrite.go, nbwrite_unix.go): on Unix, writes to a plain
//     ws:// socket (direct, or the tunnel of an http:// or SOCKS5 proxy,
//     which is the bare TCP socket once the proxy has answered) use a
//     non-blocking write system call, with a spill buffer and a drainer
//     goroutine for what the socket does not take at once; so a message
//     sent from a callback is written on the callback's goroutine without
//     waiting for the network. Elsewhere
//     (nbwrite_other.go: Windows, wss://, an https:// proxy, the
//     hybridws_portable tag) writes block in the writer goroutine.
//   - sentFrames (sent.go): follows the frames written, for the code of the
//     close frame that went out, coder/websocket's own included (it reports
//     a protocol violation it closed with 1002 only as error text), and sets
//     RSV1 on a compressed message's frame.
//
// Dial (dial.go) builds the stack: its own http.Transport per dial (so no
// idle connection outlives a refused upgrade), the proxy's tunnel, opened
// before the transport runs (proxy.go, socks.go), the permessage-deflate
// offer and answer (extension.go), and the marks that classify a failure as TLS by where it
// happened rather than by its text.
//
// # What it relies on in coder/websocket
//
// The layers above lean on behaviour of coder/websocket (v1.8.15) that its
// documentation does not promise, or that an upgrade could change. Each
// assumption has a test named for it in coder_test.go (those about its
// timers in coder_clock_test.go, on a fake clock, Go 1.25 and later); a
// failure names the file that relies on it and what to re-check. Run them
// after every upgrade (go test -run TestCoder ./native). The assumption,
// its test, and who relies on it:
//
// Writing:
//
//   - It reads and writes the upgraded connection only through the 101
//     response's body, and reads none of it before Dial returns:
//     TestCoderTalksThroughResponseBody; check.go, cork.go, sent.go,
//     nbwrite.go, keepalive.go.
//   - Each message goes out in a write of its own:
//     TestCoderWritesEachMessageAtOnce; cork.go, and datawrite.go (its
//     control frames are whole in one write, so ours never land inside
//     one).
//   - A big message goes out in 4 KiB pieces (its write buffer):
//     TestCoderWritesIn4KiBPieces; cork.go, corkBig in conn.go.
//   - Every frame it writes is masked, the key in its header:
//     TestCoderMasksEveryFrame; sent.go.
//   - The close codes and reasons (up to 123 bytes) Close and Fail pass go
//     out as given: TestCoderSendsOurCloseCodes; conn.go.
//
// Reading:
//
//   - A masked frame from the server is let through, its data still
//     masked: TestCoderAcceptsMaskedServerFrames; check.go.
//   - A 64-bit length with its top bit set fails the read without a close
//     frame: TestCoderFailsHugeLengthWithoutCloseFrame; check.go.
//   - Text is not checked for UTF-8: TestCoderDoesNotCheckUTF8; check.go,
//     utf8.go.
//   - RSV2, RSV3, and RSV1 anywhere but on the first frame of a data
//     message with permessage-deflate, fail with 1002:
//     TestCoderChecksRSVBits; check.go.
//   - A protocol violation is answered with close 1002 and reported only as
//     error text: TestCoderReportsProtocolCloseOnlyAsText; sent.go,
//     conn.go.
//   - A message past the read limit is answered with 1009, and the error
//     wraps ErrMessageTooBig: TestCoderClosesWith1009PastReadLimit; conn.go,
//     sent.go.
//   - The read limit is inclusive: TestCoderReadLimitIsInclusive; dial.go.
//   - Any negative read limit means none: TestCoderReadLimitNegativeIsNone;
//     dial.go.
//   - A message's reader ends with io.EOF itself, not wrapped:
//     TestCoderReaderEndsWithBareEOF; read.go.
//
// Closing:
//
//   - Read returns the server's close frame as a CloseError (1005 when it
//     has no code): TestCoderReadReturnsCloseError; conn.go.
//   - The server's close code and reason are echoed as they came, UTF-8 or
//     not: TestCoderEchoesCloseReason; check.go, conn.go.
//   - While Close waits for the answer, a Read that waits reads it:
//     TestCoderReadSeesAnswerToOurClose; send.go, conn.go.
//   - Close waits at most 5 s for the answer: TestCoderCloseWaits5sForAnswer;
//     send.go, conn.go, and closeTimeout in the root package's close.go.
//   - Close returns once the connection under it is closed:
//     TestCoderCloseEndsWhenConnCloses; failWait in conn.go.
//   - CloseNow closes at once without a close frame, ends a Read that
//     waits, and may be called again: TestCoderCloseNowClosesAtOnce; conn.go,
//     keepalive.go, and control.go (letGo: it must send nothing).
//   - CloseNow during a Close waits for that Close to end, so Abort does too
//     (at most 5 s, or failWait): TestCoderCloseNowWaitsForClose; conn.go.
//
// Pings:
//
//   - Ping waits for a pong that only a concurrent Read reads:
//     TestCoderPingNeedsConcurrentReader; keepalive.go.
//   - A ping's payload is a decimal counter: TestCoderPingPayloadIsCounter;
//     maxPingFrame in keepalive.go.
//
// Dialling:
//
//   - The first 1 KiB of a refused upgrade's body comes back in the
//     response: TestCoderKeepsRefusedBody1KiB; dial.go.
//   - A rejected response's body is read for up to 3 s:
//     TestCoderReadsRefusedBodyFor3s; check.go (checkedConn reads as empty
//     until armed).
//   - A 101 it rejects comes back with the error:
//     TestCoderReturns101WithHandshakeError; HandshakeError in dial.go.
//   - A server that chooses none of the subprotocols offered is accepted:
//     TestCoderAllowsNoSubprotocol; the root package's conn.go
//     (ErrSubprotocol).
//
// permessage-deflate:
//
//   - Its offer is one Sec-WebSocket-Extensions value, which
//     upgradeTransport replaces with deflateOffer:
//     TestCoderDeflateOfferIsOneHeader; check.go.
//   - It never compresses our messages itself (its threshold is set past
//     any message; our deflater does): TestCoderNeverCompressesItself;
//     extension.go, deflate.go.
//   - It inflates the server's messages as the answer it was shown says
//     (context kept or not): TestCoderInflatesAsTold; extension.go.
//   - Its read limit lets at most one byte more through before it fails:
//     TestCoderReadLimitYieldsAtMostOneMore; read.go.
//   - Corrupt compressed data fails the read without a close frame:
//     TestCoderCorruptDeflateSendsNoCloseFrame; conn.go.
//   - The read limit counts inflated bytes:
//     TestCoderReadLimitCountsInflatedBytes; conn.go, dial.go.
package native
