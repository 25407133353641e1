// Package websocket is one WebSocket client API that compiles unchanged for
// native targets and for GOOS=js GOARCH=wasm in a browser, built for games
// that ship both as a desktop binary and in a browser tab.
//
// The API has three calls, [Connect], [Send] and [Disconnect] (and
// [DisconnectWith] for a close code of your own), and reports everything
// else through a [Callback] that receives four events: [EventConnected],
// [EventMessage], [EventError] and [EventDisconnected]. None of the calls
// ever blocks on the network, so they are safe to use from a game loop.
// Natively the transport is github.com/coder/websocket; in a browser it is
// the page's WebSocket object. Every promise below holds on both, and the
// same tests check it natively and in headless browsers.
//
// # Events
//
// [Connect] returns at once. Bad input (a nil callback, a URL that is not
// ws://, wss://, http:// or https:// with a host, a malformed Headers
// string, an invalid subprotocol, a bad Params field) is an error naming
// what was wrong, matching [ErrInvalidArgument] and one of its kinds, and
// no event follows it. After a successful Connect the callback sees
// exactly one of these sequences:
//
//	CONNECTED, MESSAGE*, [ERROR], DISCONNECTED
//	ERROR, DISCONNECTED      (the connection never opened)
//	DISCONNECTED             (Disconnect came before it opened)
//
// Nothing follows DISCONNECTED. Callbacks of one connection never run
// concurrently, see messages in the order the server sent them, and get
// the *Connection that Connect returned; the [Data] and its Message belong
// to the callback. No callback ever runs inside Connect, Send or
// Disconnect: events come later, from the connection's own goroutine or
// from [Queue.Dispatch].
//
// Every failure is an ERROR with a message a person can act on (what was
// dialled and what went wrong: refused, timed out after N, upgrade refused
// with status N, TLS, message too big, protocol error), then DISCONNECTED;
// no connection stays "connected" after its transport died. [Data].Err is
// an [*Error] that matches the sentinels with errors.Is ([ErrTimeout],
// [ErrUpgradeRefused], [ErrTLS], [ErrMessageTooBig], [ErrConnectionLost],
// ...), and Data.Message is its text. A clean close by the server,
// whatever its code, is a lone DISCONNECTED with that code and reason.
//
// The code on DISCONNECTED is the server's; 1005 when its close frame
// carried none; 1006 when the connection never opened or died without a
// close frame; ours after [Disconnect] (1000) or [DisconnectWith]; 1009
// after a message over [Params].MaxMessageSize; 1007 after a text message
// that is not UTF-8 (found at the offending byte); 1002 after a protocol
// violation. The close codes have names: [CloseNormalClosure] and the rest.
//
// # Sending
//
// [Send] queues a message and returns; it never waits for the network. It
// fails, sending nothing, when the connection is not open yet
// ([ErrNotConnected]), is closing or closed ([ErrClosed]), the message is
// text but not UTF-8, the options are wrong, or the send queue is full
// ([ErrSendQueueFull]: [Params].SendQueueSize, 64 MiB by default, bounds
// what may wait). Queued messages go out in order. Send keeps no reference
// to the message: once it returns, the slice is the caller's to reuse.
// [Disconnect] sends close 1000 behind what is queued and returns; it is
// safe twice, from any goroutine, in any state, and from inside a
// callback, and while connecting it aborts the dial.
//
// No goroutine, timer or js.Func outlives its connection.
//
// # Queue mode
//
// By default callbacks run on a goroutine owned by the connection. With
// [Params].Queue set, events wait in the [Queue] until the program calls
// [Queue.Dispatch], which runs them on its caller's goroutine, in order, so
// a game runs every callback on its own loop. Dispatch never blocks: a
// call made while another runs returns 0 at once. [Queue.Ready] gives a
// loop without frame pacing a channel to wait on; [Queue.Len] says how
// many events wait. Events are never dropped: natively a connection whose
// undispatched events pass 4 MiB stops reading (TCP pushes back on the
// server) until the game dispatches again; in a browser, where a socket
// cannot stop reading, it fails with [ErrQueueFull] past 16 MiB.
//
// # Reconnect
//
// With [Params].Reconnect a lost connection, or a failed attempt, comes
// back by itself on the same *Connection after a randomized exponential
// backoff; the grammar becomes
//
//	(CONNECTED, MESSAGE*)?, (ERROR, [CONNECTED, MESSAGE*])*, DISCONNECTED
//
// where each ERROR's RetryIn says when the next attempt starts. See
// [Reconnect] for what is retried and what ends the connection, and how a
// server's Retry-After is honoured.
//
// # Stats
//
// [Connection.Stats] returns where a connection stands ([State]), what
// went in and out, what waits to be sent and, natively with keepalive, the
// round trip of the last ping. It is cheap enough for a HUD to call every
// frame, from any goroutine, and allocates nothing.
//
// # Browser
//
// In a browser [Params].Timeout, Headers, TLSConfig, KeepAlive,
// PongTimeout, Compression and Proxy are validated and then ignored, as
// browsers give pages no control over them; [Params].Protocol is the
// portable way to ask for a subprotocol. A refused upgrade has no status
// or body there, [HandshakeResponse].Headers is empty, and 1007, 1009 and
// 1002 arrive as 1006 (the browser fails the connection itself and says
// nothing more). A requested subprotocol the server does not choose fails
// the connection on every backend. Stats.RTT is always 0: a page never
// sees control frames (a game measures its own ping with a timestamped
// message the server echoes). Messages that arrive after your own
// Disconnect may be dropped. README.md's "In a browser" section lists what
// differs between browser engines.
package websocket
