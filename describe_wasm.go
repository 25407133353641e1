//go:build js && wasm

package websocket

// The browser half of describe.go: a page is told nothing about why a
// connection failed (refused, DNS, TLS and a refused upgrade all look
// alike), so every dial failure is described by what was dialled alone.

// explainNetError returns a nil kind: a browser explains no failure.
func explainNetError(error, string) (kind error, msg string) { return nil, "" }

// isReset is false: a browser does not say how a connection ended.
func isReset(error) bool { return false }

// statusText is "": a browser hides the status of a refused upgrade.
func statusText(int) string { return "" }
