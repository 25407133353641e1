// The JavaScript half of the shim: one JavaScript expression, a function
// that Go calls once with the bridge, the Go functions that drive the real
// API. The ES module websocket.js carries it as ordinary code (no
// 'unsafe-eval' needed); websocket.wasm embeds it too and compiles it with
// the Function constructor when a page loads the wasm itself. It checks every argument (a Go
// function cannot throw into JavaScript), throws the errors the bridge
// reports, and runs the page's callbacks from microtasks, outside any Go
// call, so that a slow or throwing callback never touches the Go side.
//
// bridge: {connect(id, url, timeoutMs, protocol, headers, minDelayMs,
// maxDelayMs, maxAttempts, statsBytes), send(id, message, isText, length,
// asIs), disconnect(id, code, reason), stats(id), states, consts}. connect,
// send and disconnect return null on success or [errorClass, text];
// stats(id) writes connection id's Stats into the statsBytes it was
// connected with (see readStats); states holds State.String() of each
// State. The value returned is {api, deliver, sink, live}: api is
// globalThis.websocket; Go calls deliver(id, event, message, type, code,
// reason, handshake_response, closedText, retry_in) from the connection's
// goroutine for every event but messages, and writes the connection's
// last Stats just before its DISCONNECTED; sink(id) makes the socket's
// onmessage handler of connection id, which queues its messages without a
// call into Go; live() counts the connections whose DISCONNECTED the page
// has not seen yet (for the tests).
(bridge) => {
	"use strict";
	const c = bridge.consts;

	// got describes a wrong argument for an error message. Whatever the
	// value (a revoked proxy, a prototype whose constructor's name is a
	// symbol), it returns a string and throws nothing.
	const got = (v) => {
		try {
			if (v === null) return "null";
			if (Array.isArray(v)) return "an array";
			switch (typeof v) {
				case "undefined": return "undefined";
				case "string": return "a string";
				case "number": return "the number " + v;
				case "boolean": return "the boolean " + v;
				case "object": {
					const name = Object.getPrototypeOf(v)?.constructor?.name;
					return typeof name === "string" && name !== "" && name !== "Object" ? "a " + name : "an object";
				}
			}
		} catch {
			// a revoked proxy, or a getter on the way that throws
		}
		return "a " + typeof v;
	};
	const fail = (result) => {
		if (result === undefined || result === null) return; // a Go function returning nil gives null
		const [cls, text] = result;
		throw cls === "TypeError" ? new TypeError(text) : cls === "RangeError" ? new RangeError(text) : new Error(text);
	};

	// A connection handle: a frozen object that only the shim makes.
	class WebSocketConnection {
		constructor(id, url) {
			this.id = id;
			this.url = url;
			Object.freeze(this);
		}
		get [Symbol.toStringTag]() { return "WebSocketConnection"; }
	}
	// records maps each handle to its record {id, handle, callback, closed,
	// open, early, messagesIn, bytesIn, statsView}; closed is the Go error
	// text a send gets once DISCONNECTED happened; open tells that Go
	// reported CONNECTED; early holds messages the socket delivered before
	// that (in case Go reports it later than the socket's open event);
	// messagesIn and bytesIn count what sink received, which Go never sees;
	// statsView is where Go writes the connection's Stats.
	const records = new WeakMap();
	const live = new Map(); // id -> record, until DISCONNECTED
	let nextID = 1;

	const record = (fn, connection) => {
		const r = typeof connection === "object" && connection !== null ? records.get(connection) : undefined;
		if (r === undefined) {
			throw new TypeError(`websocket.${fn}: connection must be a connection returned by websocket.connect, got ${got(connection)}`);
		}
		return r;
	};

	const optString = (fn, name, v) => {
		if (v === undefined || v === null) return "";
		if (typeof v !== "string") throw new TypeError(`websocket.${fn}: ${name} must be a string, got ${got(v)}`);
		return v;
	};

	// isParams: undefined, null or an object that is not an array. A revoked
	// proxy is none of these (Array.isArray throws for it).
	const isParams = (v) => {
		if (v === undefined || v === null) return true;
		if (typeof v !== "object") return false;
		try {
			return !Array.isArray(v);
		} catch {
			return false;
		}
	};

	// The intrinsic getters of typed arrays and ArrayBuffer, looked up once:
	// unlike instanceof and .length they run no code of the page and cannot
	// be fooled by a prototype, a proxy or an own "length" property.
	const typedArray = Object.getPrototypeOf(Uint8Array.prototype);
	const getter = (proto, key) => Object.getOwnPropertyDescriptor(proto, key).get;
	const taTag = getter(typedArray, Symbol.toStringTag);
	const taLength = getter(typedArray, "length");
	const taBuffer = getter(typedArray, "buffer");
	const taOffset = getter(typedArray, "byteOffset");
	const abLength = getter(ArrayBuffer.prototype, "byteLength");
	const isArrayBuffer = (v) => {
		try {
			abLength.call(v);
			return true;
		} catch {
			return false;
		}
	};
	// isBinary tells a Uint8Array or an ArrayBuffer, of any realm.
	const isBinary = (v) => taTag.call(v) === "Uint8Array" || isArrayBuffer(v);
	// bytesOf returns the bytes of a binary message (isBinary) as a
	// Uint8Array of this realm, what Go can copy from.
	// A detached or out-of-bounds buffer has none: a copy from its view
	// would throw inside Go's wasm_exec.js and leave the Go program broken,
	// so Go must get an empty array instead. No code of the page may run
	// between this and the call into Go (it could detach the buffer).
	const bytesOf = (message) => {
		let n;
		if (taTag.call(message) === "Uint8Array") {
			n = taLength.call(message);
			if (n !== 0 && Object.getPrototypeOf(message) === Uint8Array.prototype) return message;
			if (n !== 0) return new Uint8Array(taBuffer.call(message), taOffset.call(message), n); // a subclass, or another realm's
		} else {
			n = abLength.call(message);
			if (n !== 0) return new Uint8Array(message);
		}
		return new Uint8Array(0);
	};

	const encoder = new TextEncoder();
	// utf8Length is the length of s in UTF-8, as the socket will send it (a
	// lone surrogate becomes U+FFFD, 3 bytes): the encoder's own count, many
	// times faster than a loop over the string for all but short ones. It
	// encodes into a scratch buffer a part at a time; encodeInto never
	// splits a character, and read says where the next part starts.
	const encodeInto = TextEncoder.prototype.encodeInto;
	const substring = String.prototype.substring;
	const scratch = new Uint8Array(1 << 16);
	const utf8Length = (s) => {
		let n = 0;
		for (;;) {
			const { read, written } = encodeInto.call(encoder, s, scratch);
			n += written;
			if (read === s.length) return n;
			s = substring.call(s, read);
		}
	};

	function connect(url, params, callback) {
		if (typeof url !== "string") {
			throw new TypeError(`websocket.connect: url must be a string, got ${got(url)}`);
		}
		if (typeof params === "function" && callback === undefined) {
			[params, callback] = [undefined, params]; // connect(url, callback): params omitted
		}
		if (!isParams(params)) {
			throw new TypeError(`websocket.connect: params must be an object {timeout, protocol, headers, reconnect}, null or undefined, got ${got(params)}`);
		}
		params ??= {};
		let timeout = params.timeout;
		if (timeout === undefined || timeout === null) {
			timeout = 0;
		} else if (typeof timeout !== "number" || !(timeout >= 0) || timeout === Infinity) {
			throw new TypeError(`websocket.connect: params.timeout must be a number of milliseconds >= 0, got ${got(timeout)}`);
		}
		const protocol = optString("connect", "params.protocol", params.protocol);
		const headers = optString("connect", "params.headers", params.headers);
		// reconnect: {min_delay, max_delay, max_attempts}, milliseconds; -1
		// tells Go there is none.
		let minDelay = -1, maxDelay = 0, maxAttempts = 0;
		const rc = params.reconnect;
		if (rc !== undefined && rc !== null) {
			if (typeof rc !== "object" || !isParams(rc)) {
				throw new TypeError(`websocket.connect: params.reconnect must be an object {min_delay, max_delay, max_attempts}, null or undefined, got ${got(rc)}`);
			}
			const ms = (name, v, integer) => {
				if (v === undefined || v === null) return 0;
				if (typeof v !== "number" || !(v >= 0) || v === Infinity || (integer && !Number.isInteger(v))) {
					throw new TypeError(`websocket.connect: params.reconnect.${name} must be ${integer ? "an integer" : "a number of milliseconds"} >= 0, got ${got(v)}`);
				}
				return v;
			};
			minDelay = ms("min_delay", rc.min_delay, false);
			maxDelay = ms("max_delay", rc.max_delay, false);
			maxAttempts = ms("max_attempts", rc.max_attempts, true);
			if (maxDelay > 0 && minDelay > maxDelay) {
				throw new TypeError(`websocket.connect: params.reconnect.min_delay (${minDelay}) must not be more than max_delay (${maxDelay})`);
			}
		}
		if (typeof callback !== "function") {
			throw new TypeError(`websocket.connect: callback must be a function (connection, data), got ${got(callback)}`);
		}
		const id = nextID++;
		const handle = new WebSocketConnection(id, url);
		// Each connection's Stats cross in a buffer of its own: Go's
		// goroutines run during bridge.stats, and one may meanwhile write
		// another connection's (before its DISCONNECTED, or through a
		// nested call into the API).
		const statsBytes = new Uint8Array(64);
		const r = { id, handle, callback, closed: undefined, open: false, early: [],
			messagesIn: 0, bytesIn: 0, statsView: new DataView(statsBytes.buffer) };
		records.set(handle, r);
		live.set(id, r); // before Go starts: Go may report events before connect returns
		try {
			fail(bridge.connect(id, url, timeout, protocol, headers, minDelay, maxDelay, maxAttempts, statsBytes));
		} catch (e) {
			live.delete(id);
			records.delete(handle);
			throw e;
		}
		return handle;
	}

	function send(connection, message, options) {
		const r = record("send", connection);
		if (typeof message !== "string" && !isBinary(message)) {
			throw new TypeError(`websocket.send: message must be a string, a Uint8Array or an ArrayBuffer, got ${got(message)}`);
		}
		if (!isParams(options)) {
			throw new TypeError(`websocket.send: options must be an object {type}, null or undefined, got ${got(options)}`);
		}
		const type = options?.type ?? c.DATA_TYPE_BINARY;
		if (type !== c.DATA_TYPE_TEXT && type !== c.DATA_TYPE_BINARY) {
			throw new TypeError(`websocket.send: options.type must be websocket.DATA_TYPE_TEXT (${c.DATA_TYPE_TEXT}) or websocket.DATA_TYPE_BINARY (${c.DATA_TYPE_BINARY}), got ${got(type)}`);
		}
		if (r.closed !== undefined) throw new Error(r.closed);
		// Go gets the length in UTF-8 bytes, and "as is" when the socket can
		// send message itself, its bytes never copied into Go: a string as
		// text, bytes as binary. Bytes sent as text go through Go, which
		// checks that they are UTF-8.
		const text = type === c.DATA_TYPE_TEXT;
		if (typeof message === "string") {
			if (text) {
				fail(bridge.send(r.id, message, true, utf8Length(message), true));
			} else {
				const bytes = encoder.encode(message);
				fail(bridge.send(r.id, bytes, false, taLength.call(bytes), true));
			}
		} else {
			const bytes = bytesOf(message);
			fail(bridge.send(r.id, bytes, text, taLength.call(bytes), !text));
		}
	}

	// disconnect checks the types of every argument before their values, as
	// a browser's own WebSocket.close does (WebIDL converts the arguments
	// first). A code or reason that is not allowed is a RangeError: the
	// right type, a value out of range (Go's DisconnectWith rules, which
	// are the browser's).
	function disconnect(connection, code, reason) {
		const r = record("disconnect", connection);
		code ??= 1000;
		reason ??= "";
		if (typeof code !== "number") {
			throw new TypeError(`websocket.disconnect: code must be a number (1000 or 3000-4999), got ${got(code)}`);
		}
		if (typeof reason !== "string") {
			throw new TypeError(`websocket.disconnect: reason must be a string, got ${got(reason)}`);
		}
		if (code !== 1000 && !(Number.isInteger(code) && code >= 3000 && code <= 4999)) {
			throw new RangeError(`websocket.disconnect: code must be 1000 or an integer from 3000 to 4999, got ${got(code)}`);
		}
		const n = utf8Length(reason);
		if (n > 123) {
			throw new RangeError(`websocket.disconnect: reason must be at most 123 bytes of UTF-8, got ${n}`);
		}
		if (r.closed !== undefined) return; // a second disconnect is fine
		fail(bridge.disconnect(r.id, code, reason));
	}

	// Go writes a connection's Stats as eight little-endian float64s (every
	// count is far below 2^53), in this order; the state as its index in
	// bridge.states, rtt in milliseconds.
	const states = Array.from(bridge.states);
	const readStats = (r) => {
		const v = r.statsView;
		return {
			state: states[v.getFloat64(0, true)],
			connects: v.getFloat64(8, true),
			messages_in: v.getFloat64(16, true) + r.messagesIn,
			bytes_in: v.getFloat64(24, true) + r.bytesIn,
			messages_out: v.getFloat64(32, true),
			bytes_out: v.getFloat64(40, true),
			send_queued: v.getFloat64(48, true),
			rtt: v.getFloat64(56, true),
		};
	};

	// stats returns a new object each call, the page's to keep. After
	// DISCONNECTED, Go no longer holds the connection, and the handle
	// answers without asking it: with the stats Go wrote just before that
	// DISCONNECTED (state "closed", the final counts), which nothing
	// changes any more.
	function stats(connection) {
		const r = record("stats", connection);
		if (r.closed === undefined) bridge.stats(r.id);
		return readStats(r);
	}

	// Events wait here for a microtask, so none runs inside connect, send
	// or disconnect, nor inside Go. They keep the order Go reported them in.
	const queue = [];
	const names = {
		[c.EVENT_CONNECTED]: "EVENT_CONNECTED", [c.EVENT_DISCONNECTED]: "EVENT_DISCONNECTED",
		[c.EVENT_MESSAGE]: "EVENT_MESSAGE", [c.EVENT_ERROR]: "EVENT_ERROR",
	};
	let scheduled = false;
	const flush = () => {
		for (let i = 0; i < queue.length; i++) {
			const [r, data] = queue[i];
			queue[i] = undefined;
			try {
				r.callback(r.handle, data);
			} catch (e) {
				try {
					console.error(`websocket: the callback of connection ${r.id} (${r.handle.url}) threw on ${names[data.event]}:`, e);
				} catch {
					// a console.error that throws too must not stall the queue
				}
			}
		}
		queue.length = 0;
		scheduled = false;
	};
	const enqueue = (r, data) => {
		queue.push([r, data]);
		if (!scheduled) {
			scheduled = true;
			queueMicrotask(flush);
		}
	};
	const deliver = (id, event, message, type, code, reason, handshake_response, closedText, retry_in) => {
		const r = live.get(id);
		if (r === undefined) return;
		enqueue(r, {event, message, type, code, reason, handshake_response, retry_in});
		if (closedText !== undefined) {
			r.closed = closedText;
			live.delete(id);
		}
		if (event === c.EVENT_CONNECTED) {
			r.open = true;
			for (const data of r.early) enqueue(r, data);
			r.early = null;
		} else if (event === c.EVENT_ERROR && r.open) {
			// The connection was lost (a retry may follow): the next
			// socket's messages wait for its CONNECTED.
			r.open = false;
			r.early = [];
		}
	};
	// sink(id) is the socket's onmessage handler for connection id (Go
	// installs it, and detaches it when the connection ends). A text
	// message is the socket's string; a binary one a Uint8Array over the
	// event's own fresh ArrayBuffer, which nobody else holds.
	const sink = (id) => (ev) => {
		const r = live.get(id);
		if (r === undefined) return; // after DISCONNECTED: nothing more
		const d = ev.data;
		r.messagesIn++;
		r.bytesIn += typeof d === "string" ? utf8Length(d) : d.byteLength;
		const data = typeof d === "string"
			? { event: c.EVENT_MESSAGE, message: d, type: c.DATA_TYPE_TEXT, code: 0, reason: "", handshake_response: null, retry_in: 0 }
			: { event: c.EVENT_MESSAGE, message: new Uint8Array(d), type: c.DATA_TYPE_BINARY, code: 0, reason: "", handshake_response: null, retry_in: 0 };
		if (r.open) enqueue(r, data);
		else r.early.push(data);
	};

	const api = { connect, send, disconnect, stats };
	for (const k of Object.keys(c)) api[k] = c[k];
	api.ready = Promise.resolve(api);
	Object.freeze(api);
	return { api, deliver, sink, live: () => live.size };
}
