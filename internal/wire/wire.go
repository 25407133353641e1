// Package wire holds the WebSocket numbers that the root package, native/
// and wasm/ share, so that each is written once: the opcodes of data
// messages, and the close codes of RFC 6455 section 7.4.1 and the IANA
// registry (with gorilla/websocket's names, which the root package
// exports).
package wire

import "strconv"

// The opcodes of data messages, which the API's DataType values are.
const (
	OpText   = 1
	OpBinary = 2
)

// The close codes.
const (
	CloseNormalClosure           = 1000
	CloseGoingAway               = 1001
	CloseProtocolError           = 1002
	CloseUnsupportedData         = 1003
	CloseNoStatusReceived        = 1005 // the close frame carried no code
	CloseAbnormalClosure         = 1006 // no close frame: never opened, or the transport died
	CloseInvalidFramePayloadData = 1007
	ClosePolicyViolation         = 1008
	CloseMessageTooBig           = 1009
	CloseMandatoryExtension      = 1010
	CloseInternalServerErr       = 1011
	CloseServiceRestart          = 1012
	CloseTryAgainLater           = 1013
	CloseTLSHandshake            = 1015
)

// MaxCloseReason is the longest close reason in bytes: a control frame's
// payload is at most 125 bytes, two of which are the code.
const MaxCloseReason = 123

// The range of close codes that belong to libraries and applications
// (3000-3999 registered, 4000-4999 private); with 1000, the only codes a
// browser lets a page send.
const (
	CloseAppMin = 3000
	CloseAppMax = 4999
)

// MsgOverhead is what one message waiting to be sent costs besides its
// payload, when a transport counts its queue against the send limit: a
// bound on bytes alone would let a flood of empty messages grow the queue
// without limit.
const MsgOverhead = 16

// QueueFullError is what a transport's Write returns when the message
// would take what the transport holds past its send limit; nothing was
// queued.
type QueueFullError struct {
	Queued int64 // what the transport held, overhead included
	Limit  int64
}

func (e *QueueFullError) Error() string {
	return "send queue full: " + strconv.FormatInt(e.Queued, 10) + " bytes queued, limit " + strconv.FormatInt(e.Limit, 10)
}

// End explains how a connection ended, as a transport reports it once Read
// has failed and Abort has run.
type End struct {
	// Code is the close code that ended the connection: the peer's, or
	// the one we sent when we failed it, or 1006 when no close frame came.
	Code   int
	Reason string
	// Clean is true when the peer closed with a close frame.
	Clean bool
	// Unsent is the payload bytes that Write accepted and that never went
	// out.
	Unsent int64
	// WriteErr is the write failure that ended the connection, nil if
	// none did.
	WriteErr error
}
