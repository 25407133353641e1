//go:build js && wasm

// Command shim is the wasm program that gives web pages the hybridws API:
// it installs globalThis.websocket with the names of the seed API
// (connect, send, disconnect and the EVENT_* and DATA_TYPE_* constants),
// and stats, and drives the Go package github.com/hybridws/websocket
// underneath.
//
// Build it with
//
//	GOOS=js GOARCH=wasm go build -tags hybridws_lean -o websocket.wasm ./shim
//
// (the tag keeps crypto/tls and net/http out of it, which no browser path
// uses: see the root package's nativetypes_lean.go)
// and load it with the wasm_exec.js of the same Go toolchain. Once
// globalThis.websocket is installed, the program dispatches the event
// "websocket-ready" on globalThis (detail: the websocket object), so a page
// can wait for it:
//
//	const ready = new Promise(r => addEventListener("websocket-ready", r, {once: true}));
//	const go = new Go();
//	const {instance} = await WebAssembly.instantiateStreaming(fetch("websocket.wasm"), go.importObject);
//	go.run(instance);
//	await ready; // websocket.connect(...) from here on
//
// The object also carries ready, a promise already resolved with it, for
// code that only gets hold of websocket later.
package main

func main() {
	install()
	select {} // serve calls from the page for as long as it lives
}
