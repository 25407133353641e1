// Two small JavaScript helpers of the browser transport (wasm/helpers.go),
// which save calls across the Go–JavaScript boundary: each call costs, and
// every property or method name passed from Go is a string to convert.
//
// This file is one JavaScript expression. The ES module websocket.js
// carries it as ordinary code and hands it to Go before the program starts
// (globalThis.__hybridws.wasm), so a page whose Content-Security-Policy
// forbids 'unsafe-eval' gets the fast path too. Otherwise Go compiles it
// with the Function constructor (embedded in the wasm binary), and where
// that is refused it uses the plain path without helpers.
({
	// wrap(h) returns an onmessage handler that hands h the data ready to
	// copy: a string and -1, or a Uint8Array and its length.
	wrap: (h) => (ev) => {
		const d = ev.data;
		if (typeof d === "string") h(d, -1); else h(new Uint8Array(d), d.byteLength);
	},
	// sendIfOpen(ws, data) sends data if ws is open and returns readyState.
	sendIfOpen: (ws, data) => {
		const s = ws.readyState;
		if (s === 1) ws.send(data);
		return s;
	},
})
