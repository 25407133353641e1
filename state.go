package websocket

import "strconv"

// State is where a connection stands (Stats.State).
type State int

// The states of a connection, in the order it passes them. With
// Params.Reconnect a connection goes from StateOpen (or StateConnecting)
// to StateReconnecting and back to StateConnecting for each retry.
const (
	StateConnecting   State = iota // dialling (the first time or a retry)
	StateOpen                      // CONNECTED delivered or about to be
	StateReconnecting              // lost, waiting RetryIn before the next attempt
	StateClosing                   // Disconnect called or the close handshake under way
	StateClosed                    // DISCONNECTED delivered or about to be
)

// String returns "connecting", "open", "reconnecting", "closing" or
// "closed".
func (s State) String() string {
	switch s {
	case StateConnecting:
		return "connecting"
	case StateOpen:
		return "open"
	case StateReconnecting:
		return "reconnecting"
	case StateClosing:
		return "closing"
	case StateClosed:
		return "closed"
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}
