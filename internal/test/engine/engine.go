// Package engine tells the tests which browser engine runs them, so that
// a test can expect each engine's own documented behaviour where engines
// legitimately differ (README's "In a browser" lists the differences).
package engine

import "strings"

// The engines the browser suite runs in (make test-browser), and Native
// for the tests' native run.
const (
	Chromium = "chromium" // Chromium and Chrome (Blink)
	Firefox  = "firefox"  // Gecko
	WebKit   = "webkit"   // WebKitGTK's MiniBrowser here; Safari's engine
	Native   = "native"   // not in a browser
)

// fromUserAgent returns the engine of a browser's navigator.userAgent.
func fromUserAgent(ua string) string {
	switch {
	case strings.Contains(ua, "Firefox/"):
		return Firefox
	case strings.Contains(ua, "Chrome/"):
		return Chromium
	case strings.Contains(ua, "AppleWebKit/"):
		return WebKit
	}
	panic("engine: unknown browser engine, user agent " + ua)
}
