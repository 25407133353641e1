//go:build !(js && wasm && hybridws_lean)

package websocket

import (
	"crypto/tls"
	"net/http"
)

// TLSConfig is the type of Params.TLSConfig: crypto/tls's Config, so
// &tls.Config{...} goes there as it is. A js/wasm program built with the
// tag hybridws_lean gets an empty struct instead (see nativetypes_lean.go).
type TLSConfig = tls.Config

// Header is the type of HandshakeResponse.Headers: net/http's Header, so
// every http.Header method works on it. A js/wasm program built with the
// tag hybridws_lean gets a map of its own instead, with Get and Values
// (see nativetypes_lean.go).
type Header = http.Header
