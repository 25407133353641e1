//go:build !js

package websocket

import (
	"errors"

	"github.com/hybridws/websocket/native"
)

// proxyFailure finds in err the native backend's error for a proxy that
// refused or failed the tunnel, whose text names the proxy (never its
// password) and says what it answered, and whether retrying cannot help
// (the proxy refused us for good: credentials, its rules). nil if there
// is none.
func proxyFailure(err error) (pe error, final bool) {
	var e *native.ProxyError
	if errors.As(err, &e) {
		return e, e.Final
	}
	return nil, false
}
