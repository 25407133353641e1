//go:build js && wasm

package engine

import "syscall/js"

// Name is the engine running this program: Chromium, Firefox or WebKit.
var Name = fromUserAgent(js.Global().Get("navigator").Get("userAgent").String())
