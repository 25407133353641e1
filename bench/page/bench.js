// The browser benchmark, run by chromedp (bench/browser.go). The page is
// opened with ?client=js|shim|hybrid-wasm|coder-wasm|raw-wasm and loads only what
// that client needs; then the driver calls benchRun(work, url, durMs,
// window), which resolves to a JSON result {lib, work, n, secs, err}.
//
// js and shim run the same workload code below through a small adapter:
// js on the page's own WebSocket (the upper limit), shim on this library's
// JavaScript API (globalThis.websocket from websocket.wasm). The Go clients
// run the native workload code compiled to wasm (wasmclient/main.go).
// Every echo is checked: length, sequence number and content.
"use strict";

const client = new URLSearchParams(location.search).get("client");
const HDR = 16, RTT = 32, PIPE = 1024, BIG = 1 << 20;

async function loadGo(file) {
	const go = new Go();
	const {instance} = await WebAssembly.instantiateStreaming(fetch(file), go.importObject);
	go.run(instance);
}

window.benchReady = (async () => {
	if (client === "shim") {
		// The way the README shows: the ES module, which loads websocket.wasm.
		const {load} = await import("./websocket.js");
		await load();
	} else if (client === "shim-base") {
		// An older websocket.wasm (run -shimbase), for A/B runs.
		const ready = new Promise(r => addEventListener("websocket-ready", r, {once: true}));
		await loadGo("websocket-base.wasm");
		await ready;
	} else if (goClient(client)) {
		// hybrid-base: an older wasmclient.wasm (run -wasmbase), for A/B runs.
		await loadGo(client === "hybrid-base" ? "wasmclient-base.wasm" : "wasmclient.wasm");
		while (typeof globalThis.benchGo !== "function") await new Promise(r => setTimeout(r, 5));
	}
	return client;
})();

// ---- messages: the same bytes as bench/internal/work/msg.go ----

const hex = (seq) => seq.toString(16).padStart(HDR, "0");

function smallText(seq, size) {
	let s = hex(seq);
	for (let i = HDR; i < size; i++) s += String.fromCharCode(97 + (seq + i) % 26);
	return s;
}

function template(size) {
	const b = new Uint8Array(size);
	for (let i = HDR; i < size; i++) b[i] = 97 + i % 26;
	return b;
}

function putSeq(b, seq) {
	const h = hex(seq);
	for (let i = 0; i < HDR; i++) b[i] = h.charCodeAt(i);
}

// checkBin throws unless u8 is message seq of the template's size.
function checkBin(u8, seq, tmpl, tmpl32) {
	if (u8.length !== tmpl.length) throw new Error(`echo of message ${seq} has ${u8.length} bytes, want ${tmpl.length}`);
	const h = hex(seq);
	for (let i = 0; i < HDR; i++) {
		if (u8[i] !== h.charCodeAt(i)) throw new Error(`echo has the wrong sequence number, want ${seq} (lost or reordered)`);
	}
	if ((u8.byteOffset & 3) === 0) {
		const a = new Uint32Array(u8.buffer, u8.byteOffset + HDR, (u8.length - HDR) >> 2);
		for (let i = 0; i < a.length; i++) {
			if (a[i] !== tmpl32[i]) throw new Error(`echo of message ${seq}: content differs`);
		}
	} else {
		for (let i = HDR; i < u8.length; i++) {
			if (u8[i] !== tmpl[i]) throw new Error(`echo of message ${seq}: content differs`);
		}
	}
}

// ---- adapters: open(url, onOpen, onMessage(isText, data), onFail) ----

const adapters = {
	js(url, onOpen, onMessage, onFail) {
		const ws = new WebSocket(url);
		ws.binaryType = "arraybuffer";
		let done = false;
		ws.onopen = onOpen;
		ws.onmessage = (ev) => {
			const d = ev.data;
			if (typeof d === "string") onMessage(true, d);
			else onMessage(false, new Uint8Array(d));
		};
		ws.onerror = () => { if (!done) onFail(new Error("WebSocket error")); };
		ws.onclose = (ev) => { if (!done) onFail(new Error(`closed ${ev.code}`)); };
		return {
			text: (s) => ws.send(s),
			bin: (u8) => ws.send(u8),
			close: () => { done = true; ws.close(1000); },
		};
	},
	"shim-base"(url, onOpen, onMessage, onFail) { return adapters.shim(url, onOpen, onMessage, onFail); },
	shim(url, onOpen, onMessage, onFail) {
		const api = globalThis.websocket;
		const textOpt = {type: api.DATA_TYPE_TEXT};
		let done = false;
		const conn = api.connect(url, {}, (c, d) => {
			switch (d.event) {
			case api.EVENT_CONNECTED: onOpen(); break;
			case api.EVENT_MESSAGE: onMessage(d.type === api.DATA_TYPE_TEXT, d.message); break;
			case api.EVENT_ERROR: if (!done) onFail(new Error(d.message)); break;
			case api.EVENT_DISCONNECTED: if (!done) onFail(new Error(`disconnected ${d.code}`)); break;
			}
		});
		return {
			text: (s) => api.send(conn, s, textOpt),
			bin: (u8) => api.send(conn, u8),
			close: () => { done = true; api.disconnect(conn); },
		};
	},
};

// ---- workloads, event-driven ----

function rtt(open, url, durMs) {
	return new Promise((resolve, reject) => {
		let seq = 0, start = 0, c;
		c = open(url, () => {
			start = performance.now();
			c.text(smallText(0, RTT));
		}, (isText, d) => {
			try {
				if (!isText) throw new Error("echo is binary, want text");
				if (d !== smallText(seq, RTT)) throw new Error(`echo of message ${seq} differs (lost, reordered or changed)`);
			} catch (e) { c.close(); reject(e); return; }
			seq++;
			const el = performance.now() - start;
			if (seq % 16 === 0 && el >= durMs) { c.close(); resolve({n: seq, secs: el / 1000}); return; }
			c.text(smallText(seq, RTT));
		}, reject);
	});
}

function big(open, url, durMs) {
	const buf = template(BIG), tmpl = template(BIG);
	const tmpl32 = new Uint32Array(tmpl.buffer, HDR, (BIG - HDR) >> 2);
	return new Promise((resolve, reject) => {
		let seq = 0, start = 0, c;
		c = open(url, () => {
			start = performance.now();
			putSeq(buf, 0);
			c.bin(buf);
		}, (isText, d) => {
			try {
				if (isText) throw new Error("echo is text, want binary");
				checkBin(d, seq, tmpl, tmpl32);
			} catch (e) { c.close(); reject(e); return; }
			seq++;
			const el = performance.now() - start;
			if (seq >= 5 && el >= durMs) { c.close(); resolve({n: seq, secs: el / 1000}); return; }
			putSeq(buf, seq);
			c.bin(buf); // send copies the bytes: buf can be reused at once
		}, reject);
	});
}

// pipe: the sender keeps up to window messages in flight and tops up
// after every echo; the receiver checks each echo as it comes.
function pipe(open, url, durMs, window) {
	const buf = template(PIPE), tmpl = template(PIPE);
	const tmpl32 = new Uint32Array(tmpl.buffer, HDR, (PIPE - HDR) >> 2);
	return new Promise((resolve, reject) => {
		let sent = 0, got = 0, total = -1, start = 0, c;
		const pump = () => {
			while (total < 0 && sent - got < window) {
				if (performance.now() - start >= durMs) total = sent + 1;
				putSeq(buf, sent);
				c.bin(buf);
				sent++;
			}
		};
		c = open(url, () => { start = performance.now(); pump(); }, (isText, d) => {
			try {
				if (isText) throw new Error("echo is text, want binary");
				checkBin(d, got, tmpl, tmpl32);
			} catch (e) { c.close(); reject(e); return; }
			got++;
			if (got === total) {
				c.close();
				resolve({n: got, secs: (performance.now() - start) / 1000});
				return;
			}
			pump();
		}, reject);
	});
}

const works = {rtt, pipe, big};

// goClient: the clients that wasmclient.wasm runs.
function goClient(c) { return ["hybrid-wasm", "coder-wasm", "raw-wasm", "hybrid-base"].includes(c); }

window.benchRun = async (work, url, durMs, window) => {
	await window_benchReady();
	if (goClient(client)) {
		const lib = client === "hybrid-base" ? "hybrid-wasm" : client;
		return await new Promise(r => globalThis.benchGo(lib, work, url, durMs, window, r));
	}
	const r = {lib: client, work};
	try {
		const {n, secs} = await works[work](adapters[client], url, durMs, window);
		Object.assign(r, {n, secs});
	} catch (e) {
		r.err = String(e && e.message || e);
	}
	return JSON.stringify(r);
};

function window_benchReady() { return globalThis.benchReady; }
