//go:build js && wasm

// Package wasm is the browser transport of hybridws: one page WebSocket
// object driven through syscall/js. It only moves bytes: it knows nothing
// of events or callbacks. Use the root package instead.
//
// The browser calls four handlers (open, message, error, close). Each one
// only records what happened under a short mutex and pokes a channel
// without waiting, so no handler ever blocks the page; Dial and Read wait
// for those pokes on their own goroutines.
package wasm
