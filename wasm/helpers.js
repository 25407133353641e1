// The small JavaScript helpers of the browser transport (wasm/helpers.go),
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
	// direct() returns the helpers that read and write the wasm memory
	// directly, with their own view of it: each Go program calls it once
	// (two programs never share a view, even if they share this object).
	direct: () => {
		// mem is the wasm memory as bytes, i32 as 32-bit words. Go hands it
		// over by copying a slice into grabber (js.CopyBytesToJS): wasm_exec.js
		// then calls grabber.set with a view of that slice in the wasm memory,
		// whose buffer is the whole memory. Growing the memory detaches the
		// buffer (its length becomes 0): Go grabs again when it sees the memory
		// grew (wasm/mem.go), and until then nothing here touches it.
		let mem = new Uint8Array(0), i32 = new Int32Array(0);
		class Grab extends Uint8Array {
			set(v) {
				mem = new Uint8Array(v.buffer);
				i32 = new Int32Array(v.buffer);
			}
		}
		const enc = new TextEncoder(), dec = new TextDecoder();
		// ready: the memory views are current.
		const ready = () => mem.length !== 0;
		return {
			grabber: new Grab(0),
			memReady: ready,
			// sendMem(ws, text, ptr, n) sends the n bytes at ptr in the wasm
			// memory (as text if text is true) if ws is open, and returns
			// readyState; -1 if the memory views are stale (nothing sent). send
			// copies the bytes at once, so Go's slice is free when it returns.
			sendMem: (ws, text, ptr, n) => {
				if (!ready()) return -1;
				const s = ws.readyState;
				if (s === 1) {
					const v = mem.subarray(ptr, ptr + n);
					ws.send(text ? dec.decode(v) : v);
				}
				return s;
			},
			// inbox(ws, wake, at, size) installs ws's onmessage handler, which
			// writes each message straight into a Go buffer of size bytes at
			// address at (wasm/inbox.go): four control words (w: where the next
			// record goes, idle: Go waits for a wake, pend: messages waiting
			// here), then records of a word (length*2, +1 for text) and the
			// bytes, padded to a word. A message that does not fit, or that comes
			// while others wait here or while the views are stale, waits here in
			// order until Go calls refill. wake (a Go function) is called only
			// when Go waits for it. A message that comes after a quiet moment
			// (the tick that each wake posts has run since) wakes Go at once; one
			// that comes before the tick is part of a burst, and its wake waits
			// for a task of its own, so that the messages the browser has queued
			// already come first: one call into Go for a burst, and no task's
			// delay for a lone message. close drops a tick or wake to come.
			inbox: (ws, wake, at, size) => {
				const W = at >> 2, IDLE = W + 1, PEND = W + 2, start = at + 16, end = at + size;
				// quiet: the last wake's tick has run; ticking: it has not;
				// scheduled: a wake waits for its task.
				let quiet = true, ticking = false, scheduled = false;
				const mc = new MessageChannel(), port = mc.port2;
				const wakeNow = () => {
					if (ready()) i32[IDLE] = 0;
					quiet = false;
					wake();
					if (!ticking) { // after the wake: Go's answer goes out first
						ticking = true;
						port.postMessage(true);
					}
				};
				mc.port1.onmessage = (ev) => {
					if (ev.data) { // the tick
						ticking = false;
						quiet = true;
						return;
					}
					scheduled = false;
					if (!ready() || i32[IDLE] === 1) wakeNow();
				};
				const pend = [], pendText = []; // the messages waiting here, from head on
				let head = 0;
				const waiting = () => pend.length - head;
				// put writes message d (a string, an ArrayBuffer or a Uint8Array)
				// at the end of the records if it fits.
				const put = (d, text) => {
					const w = start + i32[W], room = end - w - 4;
					let n;
					if (typeof d === "string") {
						if (d.length * 3 > room) return false;
						n = enc.encodeInto(d, mem.subarray(w + 4, end)).written;
					} else {
						n = d.byteLength;
						if (n > room) return false;
						mem.set(d instanceof Uint8Array ? d : new Uint8Array(d), w + 4);
					}
					i32[w >> 2] = n * 2 + (text ? 1 : 0);
					i32[W] = w + 4 + ((n + 3) & ~3) - start;
					return true;
				};
				const push = (d) => {
					pend.push(d);
					pendText.push(typeof d === "string");
				};
				const shift = () => {
					pend[head] = undefined;
					if (++head === pend.length) pend.length = pendText.length = head = 0;
				};
				ws.onmessage = (ev) => {
					const d = ev.data;
					if (!ready()) {
						push(d);
						wake(); // Go grabs the memory again and refills
						return;
					}
					if (waiting() > 0 || !put(d, typeof d === "string")) {
						push(d);
						i32[PEND] = waiting();
					}
					if (i32[IDLE] === 1 && !scheduled) {
						if (quiet) {
							wakeNow();
						} else {
							scheduled = true;
							port.postMessage(false);
						}
					}
				};
				return {
					// refill moves waiting messages into the records (Go emptied
					// them). It returns -1 if none wait any more, 0 if it moved
					// some, -2 if the views are stale; or, when the first one does
					// not fit even in empty records, its length*2 (+1 for text):
					// Go then gives it a buffer of its own (take).
					refill: () => {
						if (!ready()) return -2;
						let moved = false;
						while (waiting() > 0) {
							let d = pend[head];
							const text = pendText[head];
							if (!put(d, text)) {
								if (moved) break;
								if (typeof d === "string") pend[head] = d = enc.encode(d);
								i32[PEND] = waiting();
								return d.byteLength * 2 + (text ? 1 : 0);
							}
							moved = true;
							shift();
						}
						i32[PEND] = waiting();
						return moved ? 0 : -1;
					},
					// take copies the first waiting message, whose length refill
					// returned, to ptr in the wasm memory; -2 if the views are
					// stale.
					close: () => {
						mc.port1.onmessage = null;
						mc.port1.close();
						port.close();
					},
					take: (ptr) => {
						if (!ready()) return -2;
						const d = pend[head];
						mem.set(d instanceof Uint8Array ? d : new Uint8Array(d), ptr);
						shift();
						i32[PEND] = waiting();
						return 0;
					},
				};
			},
		};
	},
})
