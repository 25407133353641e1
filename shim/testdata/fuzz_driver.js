// The page half of TestFuzzArguments (fuzz_test.go): a seeded generator of
// JavaScript values of every kind, the calls of websocket.connect, send,
// disconnect and stats made with them, and the checks on what each call
// does.
// fuzz_test.go evaluates this file as one expression and calls it with env:
// {ws, host, prefix, seed, verbose, live}. It returns the driver object
// below. Its URLs reach the test server's endpoints under prefix (the
// server's /u/TOKEN/ form): Firefox delays sockets to a host and path that
// failed, and the fuzzing fails many on purpose; the other tests then find
// the plain paths fresh.
(env) => {
	"use strict";
	const ws = env.ws;
	const HOST = env.host, P = env.prefix;
	const ECHO = "ws://" + HOST + P + "/echo";
	const violations = [];
	const stats = { echoes: 0, calls: 0, returned: 0, typeErrors: 0, rangeErrors: 0, errors: 0, connects: 0, events: 0, callbackThrows: 0 };
	const violation = (s) => { if (violations.length < 200) violations.push(s); };

	// xorshift32 (Marsaglia), seeded from env.seed: deterministic for a seed.
	let state = (env.seed >>> 0) ^ 0x6d2b79f5;
	if (state === 0) state = 1;
	const next = () => {
		state ^= state << 13; state >>>= 0;
		state ^= state >>> 17;
		state ^= state << 5; state >>>= 0;
		return state;
	};
	for (let i = 0; i < 8; i++) next();
	const rnd = (n) => next() % n;
	const chance = (p) => next() / 4294967296 < p;
	const pick = (a) => a[rnd(a.length)];

	// The intrinsic brand checks: they run no page code and cannot be fooled
	// by prototypes or proxies. The model below uses them.
	const TA = Object.getPrototypeOf(Uint8Array.prototype);
	const taTag = Object.getOwnPropertyDescriptor(TA, Symbol.toStringTag).get;
	const abLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength").get;
	const isU8 = (v) => taTag.call(v) === "Uint8Array";
	const isAB = (v) => { try { abLength.call(v); return true; } catch { return false; } };
	const isArray = (v) => { try { return Array.isArray(v); } catch { return null; } }; // null: a revoked proxy

	// A second realm (an iframe), for typed arrays whose constructor is not
	// this page's.
	let REALM = null;
	try {
		const f = document.createElement("iframe");
		document.body.appendChild(f);
		REALM = f.contentWindow;
	} catch { /* no DOM: those cases are left out */ }

	const detach = (ab) => { structuredClone(ab, { transfer: [ab] }); return ab; };
	const detachedU8 = () => { const b = new ArrayBuffer(8); const u = new Uint8Array(b, 2, 4); detach(b); return u; };
	// detachOnRead returns options {type: DATA_TYPE_BINARY} whose type getter
	// detaches u8's buffer on its read number k: the model reads it once, so
	// k = 2 detaches it inside send, after the message was checked.
	const detachOnRead = (u8, k) => {
		let reads = 0;
		return { get type() { if (++reads === k) detach(u8.buffer); return 2; } };
	};
	const revoked = (target) => { const p = Proxy.revocable(target, {}); p.revoke(); return p.proxy; };
	const withOwn = (o, k, v) => { Object.defineProperty(o, k, { value: v, configurable: true }); return o; };
	const bytes = (n, invalidUTF8) => {
		const u = new Uint8Array(n);
		for (let i = 0; i < n; i++) u[i] = invalidUTF8 ? rnd(256) : 0x20 + rnd(0x5f);
		return u;
	};

	// Every handle connect returned, as the shim's own WeakMap knows them.
	const known = new WeakSet();
	// opened: every handle connect returned, in order, with what its
	// callback saw (null when the callback is not a recorder).
	const opened = [];
	const byHandle = new Map();
	let inCall = false; // a call of the API is running: no callback may run now

	// rec makes a callback that records every event of every connection it
	// is given; some variants also throw or call back into the API.
	let recCount = 0;
	const rec = (variant = "plain") => {
		const id = ++recCount;
		const f = function (c, d) {
			stats.events++;
			if (inCall) violation(`callback ${id} ran inside a call of the API (event ${d && d.event})`);
			if (!known.has(c)) { violation(`callback ${id} got a connection that connect never returned: ${show(c)}`); return; }
			const o = byHandle.get(c);
			if (o === undefined || o.rec === null) return; // it was not registered as this connection's recorder
			const keys = Object.keys(d).join(",");
			if (keys !== "event,message,type,code,reason,handshake_response,retry_in") violation(`${o.what}: data has keys ${keys}`);
			if (typeof d.retry_in !== "number" || d.retry_in < 0 || (d.event !== 3 && d.retry_in !== 0) || (d.retry_in > 0 && !o.reconnect)) {
				violation(`${o.what}: event ${d.event} with retry_in ${show(d.retry_in)}${o.reconnect ? "" : " without params.reconnect"}`);
			}
			if (o.events.includes(1)) violation(`${o.what}: event ${d.event} after DISCONNECTED`);
			o.events.push(d.event);
			checkData(o, d);
			if (d.event === 2) checkEcho(o, d);
			if (variant === "throw") { stats.callbackThrows++; throw new Error("fuzz: callback throws"); }
			if (variant === "throwString") { stats.callbackThrows++; throw "fuzz: a thrown string"; }
			if (variant === "reenter") {
				// Calls from inside a callback keep the same rules.
				const [fn, args, desc] = chance(0.4) ? ["send", [c, genMessage()[0], genOptions()[0]], "send from a callback"]
					: chance(0.5) ? ["stats", [c], "stats from a callback"] : ["disconnect", [c, genCode()[0], genReason()[0]], "disconnect from a callback"];
				call(fn, args, desc);
			}
		};
		f.recorder = id;
		return f;
	};

	const checkData = (o, d) => {
		const bad = (s) => violation(`${o.what}: ${s}`);
		switch (d.event) {
			case 0:
				if (d.message !== "" || d.type !== 0 || d.code !== 0 || d.reason !== "") bad("CONNECTED with fields set");
				if (d.handshake_response === null || typeof d.handshake_response !== "object" || typeof d.handshake_response.status !== "number") bad("CONNECTED without handshake_response");
				break;
			case 2:
				if (!((typeof d.message === "string" && d.type === 1) || (d.message instanceof Uint8Array && d.type === 2))) bad(`MESSAGE with message ${show(d.message)} type ${d.type}`);
				if (d.code !== 0 || d.reason !== "" || d.handshake_response !== null) bad("MESSAGE with fields set");
				break;
			case 3:
				if (typeof d.message !== "string" || d.message === "" || d.type !== 0 || d.code !== 0 || d.handshake_response !== null) bad("ERROR data");
				break;
			case 1:
				if (typeof d.code !== "number" || typeof d.reason !== "string" || d.message !== "" || d.type !== 0 || d.handshake_response !== null) bad("DISCONNECTED data");
				break;
			default:
				bad(`unknown event ${show(d.event)}`);
		}
	};

	// Echo: what a connection to /echo receives is what send accepted, in
	// order and byte for byte (a prefix of it: a disconnect may come first).
	const taBuffer = Object.getOwnPropertyDescriptor(TA, "buffer").get;
	const taOffset = Object.getOwnPropertyDescriptor(TA, "byteOffset").get;
	const taLength = Object.getOwnPropertyDescriptor(TA, "length").get;
	const bytesNow = (m) => { // the bytes of a Uint8Array or ArrayBuffer, now
		const n = isU8(m) ? taLength.call(m) : abLength.call(m);
		return n === 0 ? new Uint8Array(0) : isU8(m) ? new Uint8Array(taBuffer.call(m), taOffset.call(m), n).slice() : new Uint8Array(m).slice();
	};
	const sent = (o, message, type) => {
		if (!o.echo) return;
		if (typeof message === "string") o.sent.push(type === 1 ? message : new TextEncoder().encode(message));
		else o.sent.push(type === 1 ? new TextDecoder("utf-8", { fatal: true }).decode(bytesNow(message)) : bytesNow(message));
	};
	const checkEcho = (o, d) => {
		if (!o.echo) return;
		const i = o.got++;
		const want = o.sent[i];
		const same = typeof want === "string" ? d.message === (want.isWellFormed() ? want : want.toWellFormed())
			: want instanceof Uint8Array && d.message instanceof Uint8Array && want.length === d.message.length && want.every((b, j) => b === d.message[j]);
		if (!same) violation(`${o.what}: echo ${i} is ${show(d.message)}, sent ${show(want)}`);
		else stats.echoes++;
	};

	// show describes a generated value for a failure message. It only
	// sees values this file made, none of which throws when inspected.
	const show = (v, depth = 0) => {
		try {
			if (v === undefined) return "undefined";
			if (v === null) return "null";
			switch (typeof v) {
				case "number": return Object.is(v, -0) ? "-0" : String(v);
				case "bigint": return v + "n";
				case "boolean": return String(v);
				case "symbol": return v.toString();
				case "string": return v.length > 60 ? JSON.stringify(v.slice(0, 40)) + `...(${v.length} chars)` : JSON.stringify(v);
				case "function": return v.recorder ? `rec#${v.recorder}` : `function ${v.name || "(anonymous)"}`;
			}
			if (known.has(v)) return byHandle.get(v)?.what ?? "a handle";
			if (isArray(v) === null) return "a revoked proxy";
			if (isArray(v)) return depth > 1 ? "[...]" : "[" + v.slice(0, 5).map((x) => show(x, depth + 1)).join(", ") + (v.length > 5 ? `, ...(${v.length})` : "") + "]";
			const tag = Object.prototype.toString.call(v);
			if (tag !== "[object Object]") return tag + (v.byteLength !== undefined ? `(${v.byteLength} bytes)` : "");
			if (depth > 1) return "{...}";
			return "{" + Reflect.ownKeys(v).slice(0, 6).map((k) => String(k) + ": " + show(Object.getOwnPropertyDescriptor(v, k).value, depth + 1)).join(", ") + "}";
		} catch (e) {
			return "<" + typeof v + ">";
		}
	};

	// ---- value generators: each returns [value, description] ----
	const V = (v, d) => [v, d ?? show(v)];
	const numbers = [0, -0, 1, 2, 3, -1, 0.5, 1.5, NaN, Infinity, -Infinity, 1e308, Number.MAX_VALUE, Number.MIN_VALUE,
		Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, -(2 ** 53), 2 ** 31, 2 ** 32 + 1, -(2 ** 31) - 1, 1e-300, 9e15, 1000, 5000];
	const genNumber = () => chance(0.7) ? V(pick(numbers)) : V(chance(0.5) ? rnd(100000) - 50000 : (next() / 1000) * (chance(0.5) ? -1 : 1));
	const genString = () => {
		switch (rnd(12)) {
			case 0: return V("");
			case 1: { let s = ""; for (let i = rnd(20); i > 0; i--) s += String.fromCharCode(0x20 + rnd(0x5f)); return V(s); }
			case 2: { let s = ""; for (let i = rnd(20); i > 0; i--) s += String.fromCharCode(rnd(0x10000)); return V(s); } // lone surrogates too
			case 3: return V(pick(["\uD800", "\uDFFF", "a\uD83Db", "\uDE00\uD83D", "\u0000", "\uFFFE", "é✓😀"]));
			case 4: return V(pick(["a\r\nb", "\r\n", "X-A: b\r\n", "X-A: b\r\nX-B: c", "\n", "a\rb"]));
			case 5: return V(pick(["x", "y", "abc"]).repeat(1 + rnd(200000)));
			case 6: return V(pick(["1", "2", "0", "-1", "1e3", "NaN", "Infinity", "true", "null", "undefined"]));
			case 7: return V(pick(["chat", "chat, superchat", "a b", "chat,", ",", "ch@t", "chat\u00e9", " chat"]));
			case 8: return V(pick(["X-Test: 1", "Upgrade: no", "Host: evil", "Sec-WebSocket-Protocol: chat", "nocolon", ": empty", "X-A:", "X-\u00e9: v", "X-A: \u0000"]));
			case 9: return genURL(true);
			case 10: return V(String(pick(numbers)));
			default: return V(pick(["[object Object]", "websocket", "connection", "message", "\u2028\u2029", "'\"`"]));
		}
	};
	// URLs: good ones reach the test server (or fail fast on loopback);
	// bad ones must be refused with a TypeError naming url.
	let connectBudget = 0; // how many more handles the random part may open
	const goodURLs = () => [
		ECHO, ECHO + "?x=1", "http://" + HOST + P + "/echo", "ws://localhost:" + HOST.split(":")[1] + P + "/echo",
		"ws://" + HOST + P + "/close?code=4001&reason=bye", "ws://" + HOST + P + "/refuse", "ws://" + HOST + P + "/drop",
		"ws://" + HOST + P + "/send?n=2&size=3&type=text", "ws://" + HOST + P + "/noproto", "ws://127.0.0.1:1/",
		"wss://" + HOST + P + "/echo", "ws://no-such-host.invalid/", ECHO + "#fragment", "ws://user:pw@" + HOST + P + "/echo",
		"WS://" + HOST.toUpperCase() + P + "/echo", ECHO + "?" + "q".repeat(5000), "ws://" + HOST + P + "/ech\u00f6",
	];
	const badURLs = () => [
		"", "echo", HOST + "/echo", "ftp://" + HOST + "/", "ws://", "ws:///echo", "ws://127.0.0.1:99999/", "ws://127.0.0.1:-1/",
		"ws://h ost/", ECHO + "\r\n", "ws://" + HOST + "/\r\nX: y", "ws://\uD800/", " " + ECHO, ECHO + " ", "ws://[::1/",
		"ws://127.0.0.1:port/", "javascript:alert(1)", "data:,x", "//" + HOST + "/echo", "ws:" + HOST, "\u0000",
		"ws://" + HOST + "/" + "x".repeat(100000) + "\n",
	];
	const genURL = (asString) => {
		if (!asString && connectBudget > 0 && chance(0.4)) return V(pick(goodURLs()));
		if (chance(0.5)) return V(pick(badURLs()));
		const u = pick(goodURLs());
		const i = rnd(u.length + 1);
		const c = pick(["\r", "\n", " ", "%", "#", "?", "\uD800", "\u0000", "@", ":", "/", "\\", "[", "\u00e9"]);
		return V(u.slice(0, i) + c + u.slice(i)); // a mutation: valid or not, connect must cope
	};

	const genTyped = () => {
		switch (rnd(22)) {
			case 0: return V(bytes(rnd(64), chance(0.3)));
			case 1: return V(new Uint8Array(0));
			case 2: { const u = bytes(16 + rnd(16), false); const a = rnd(8); return V(u.subarray(a, a + rnd(8)), "a Uint8Array view at an offset"); }
			case 3: return V(bytes(rnd(32), chance(0.5)).buffer, "an ArrayBuffer");
			case 4: return V(detach(new ArrayBuffer(8)), "a detached ArrayBuffer");
			case 5: return V(detachedU8(), "a Uint8Array on a detached buffer");
			case 6: { class Sub extends Uint8Array {} return V(new Sub([104, 105]), "a Uint8Array subclass"); }
			case 7: return V(withOwn(bytes(4, false), "length", pick([1e10, -5, NaN, 2 ** 53, 100])), "a Uint8Array with an own length");
			case 8: return V(withOwn(bytes(4, false), "byteLength", 1e10), "a Uint8Array with an own byteLength");
			case 9: return V(Object.create(Uint8Array.prototype), "Object.create(Uint8Array.prototype)");
			case 10: return V(Object.create(ArrayBuffer.prototype), "Object.create(ArrayBuffer.prototype)");
			case 11: return V(new Proxy(bytes(3, false), {}), "a Proxy of a Uint8Array");
			case 12: return V(new Proxy(new ArrayBuffer(3), {}), "a Proxy of an ArrayBuffer");
			case 13: return REALM ? V(new REALM.Uint8Array([1, 2, 3]), "a Uint8Array of another realm") : V(new Uint8Array(3));
			case 14: return REALM ? V(new REALM.ArrayBuffer(3), "an ArrayBuffer of another realm") : V(new ArrayBuffer(3));
			case 15: return V(new (pick([Uint8ClampedArray, Int8Array, Uint16Array, Int32Array, Float32Array, Float64Array, BigInt64Array]))(4), "another typed array");
			case 16: return V(new DataView(new ArrayBuffer(4)), "a DataView");
			case 17: { const b = new ArrayBuffer(4, { maxByteLength: 16 }); const u = new Uint8Array(b); b.resize(rnd(17)); return V(u, "a length-tracking Uint8Array on a resizable buffer"); }
			case 18: { const b = new ArrayBuffer(8, { maxByteLength: 16 }); const u = new Uint8Array(b, 4, 4); b.resize(2); return V(u, "an out-of-bounds Uint8Array"); }
			case 19: return typeof SharedArrayBuffer === "function" ? V(new Uint8Array(new SharedArrayBuffer(4)), "a Uint8Array on a SharedArrayBuffer") : V(new Blob(["x"]), "a Blob");
			case 20: return V(new Blob(["blob"]), "a Blob");
			default: return V(bytes(1 + rnd(70000), chance(0.2)), "a large Uint8Array");
		}
	};

	const genFunction = () => {
		switch (rnd(9)) {
			case 0: case 1: return V(rec(pick(["plain", "plain", "throw", "throwString", "reenter"])));
			case 2: return V(() => {}, "() => {}");
			case 3: return V(class Foo {}, "class Foo {}");
			case 4: return V(async () => {}, "async () => {}");
			case 5: return V(function* () {}, "function* () {}");
			case 6: return V(rec().bind(null), "a bound recorder");
			case 7: return V(new Proxy(rec(), {}), "a Proxy of a recorder");
			default: { const f = () => {}; f.timeout = 5; f.protocol = "chat"; f.type = 1; return V(f, "a function with fields"); }
		}
	};

	const fieldNames = ["timeout", "protocol", "headers", "type", "id", "url", "length", "byteLength", "buffer", "then", "toString", "valueOf", "constructor", "__proto__", "x"];
	const genObject = (depth) => {
		switch (rnd(14)) {
			case 0: case 1: case 2: {
				const o = chance(0.15) ? Object.create(null) : {};
				for (let i = rnd(5); i > 0; i--) {
					const k = pick(fieldNames);
					if (k === "__proto__") continue;
					o[k] = gen(depth + 1)[0];
				}
				return V(o);
			}
			case 3: return V([]);
			case 4: { const a = []; for (let i = rnd(6); i > 0; i--) a.push(gen(depth + 1)[0]); return V(a); }
			case 5: return V(new Array(1e6), "new Array(1e6)");
			case 6: return V(pick([new Date(0), /re/g, new Map(), new Set(), new Error("e"), new TypeError("t"), Promise.resolve(1), new Number(1), new String("s"), new Boolean(false), Object(Symbol("boxed")), Object(1n), new WeakMap()]));
			case 7: return V(Object.freeze({ timeout: 1, type: 1 }), "a frozen object");
			case 8: return V(new Proxy({ timeout: 10, type: 1 }, {}), "a Proxy of an object");
			case 9: return V(revoked(pick([{}, [], () => {}])), "a revoked proxy");
			case 10: return V(Object.create(pick([{ constructor: { name: Symbol("s") } }, { constructor: { name: 42 } }, { constructor: { name: {} } }, { constructor: null }, { constructor: 5 }])), "an object with a strange constructor");
			case 11: return V({ [Symbol.toPrimitive]: () => "ws://" + HOST + P + "/echo", toString: () => ECHO, valueOf: () => 1 }, "an object that converts to a URL");
			case 12: return V(new Proxy([], {}), "a Proxy of an array");
			default: return genTyped();
		}
	};

	const gen = (depth = 0) => {
		if (depth > 2) return V(pick([undefined, null, 1, "x"]));
		switch (rnd(13)) {
			case 0: return V(undefined);
			case 1: return V(null);
			case 2: return V(chance(0.5));
			case 3: case 4: return genNumber();
			case 5: case 6: return genString();
			case 7: return V(pick([Symbol(), Symbol("url"), Symbol.iterator, Symbol.for("x")]));
			case 8: return V(pick([0n, 1n, 2n, -1n, 2n ** 64n]));
			case 9: return genFunction();
			case 10: return genTyped();
			case 11: return genHandle();
			default: return genObject(depth);
		}
	};

	// Roles: a value aimed at one argument, often of the right type.
	const genParams = () => {
		if (chance(0.3)) return gen();
		if (chance(0.2)) return V(pick([undefined, null, {}]));
		const o = {};
		const val = (good) => (chance(0.6) ? good() : gen(1))[0];
		if (chance(0.6)) o.timeout = val(() => V(pick([0, 1, 1000, 5000, 30000, 0.5, 1e-9, 1e300, Number.MAX_VALUE, null, undefined])));
		if (chance(0.6)) o.protocol = val(() => V(pick(["", "chat", "chat, superchat", "a b", "chat,", null, undefined, "x".repeat(300)])));
		if (chance(0.6)) o.headers = val(() => V(pick(["", "X-Test: 1", "X-A: 1\r\nX-B: 2\r\n", "Upgrade: no", "nocolon", null, undefined, "X: " + "v".repeat(10000)])));
		if (chance(0.15)) {
			o.reconnect = val(() => V(pick([{}, null, undefined, { min_delay: 20, max_delay: 100 }, { max_attempts: 2 },
				{ min_delay: -1 }, { max_delay: "1s" }, { max_attempts: 1.5 }, { min_delay: 500, max_delay: 100 }, { min_delay: NaN }, true, "yes", []])));
		}
		if (chance(0.2)) o[pick(fieldNames.filter((k) => k !== "__proto__"))] = gen(1)[0];
		return V(o);
	};
	const genCallback = () => chance(0.75) ? V(rec(pick(["plain", "plain", "plain", "throw", "throwString", "reenter"]))) : gen();
	const genMessage = () => {
		if (chance(0.3)) return gen();
		return chance(0.5) ? genString() : genTyped();
	};
	// Close codes and reasons: mostly allowed ones, then the edges, then anything.
	const genCode = () => {
		if (chance(0.2)) return gen();
		if (chance(0.3)) return V(pick([undefined, null, 1000]));
		if (chance(0.5)) return V(3000 + rnd(2000));
		return V(pick([0, -0, 999, 1001, 1005, 1006, 1015, 2999, 5000, 65535, 4000.5, NaN, Infinity, -4000, 2 ** 32 + 4000, "4000", 4000n, new Number(4000)]));
	};
	const genReason = () => {
		if (chance(0.2)) return gen();
		if (chance(0.3)) return V(pick([undefined, null, ""]));
		const unit = pick(["x", "é", "✓", "😀", "\uD800"]);
		return V(unit.repeat(1 + rnd(Math.floor(130 / unit.length))), `${JSON.stringify(unit)} repeated`);
	};
	const genOptions = () => {
		if (chance(0.3)) return gen();
		if (chance(0.2)) return V(pick([undefined, null, {}]));
		const t = chance(0.7) ? V(rnd(10)) : gen(1);
		return V({ type: t[0] }, `{type: ${t[1]}}`);
	};

	// The pool of real handles: open, connecting and closed ones.
	const pool = [];
	const addHandle = (h, what, recorder) => {
		known.add(h);
		const o = { h, what, rec: recorder, events: [], echo: recorder !== null && (h.url === ECHO || h.url === ECHO + "?x=1"), sent: [], got: 0, accepted: 0, sending: 0, lastStats: undefined };
		opened.push(o);
		byHandle.set(h, o);
		pool.push(o);
		if (pool.length > 40) pool.splice(rnd(pool.length), 1);
		return o;
	};
	const isRecorder = (f) => {
		try { return typeof f === "function" && (f.recorder !== undefined || f.name === "bound f"); } catch { return false; } // a revoked proxy
	};
	const genHandle = (preferOpen = false) => {
		if (preferOpen && chance(0.7)) {
			const open = pool.filter((o) => o.events.includes(0) && !o.events.includes(1));
			if (open.length > 0) { const o = pick(open); return V(o.h, o.what); }
		}
		if (pool.length > 0 && chance(0.6)) { const o = pick(pool); return V(o.h, o.what); }
		const o = pool.length > 0 ? pick(pool) : null;
		const h = o ? o.h : { id: 1, url: ECHO };
		switch (rnd(6)) {
			case 0: return V({ id: h.id, url: h.url }, "a look-alike {id, url}");
			case 1: return V(Object.assign({}, h), "a copy of a handle");
			case 2: return V(Object.create(h), "Object.create(handle)");
			case 3: return V(new Proxy(h, {}), "a Proxy of a handle");
			case 4: return V(h.id, "a handle's id");
			default: return V(structuredClone({ id: h.id, url: h.url }), "a cloned look-alike");
		}
	};

	// ---- the model: what each call may do, from the documented rules ----
	// It answers {arg} when the call must throw a TypeError naming arg,
	// {arg, range: true} when it must throw a RangeError naming arg, or
	// {ok: [...]} when it may return, throw a plain Error, or throw a
	// TypeError naming one of the listed arguments (a check on contents the
	// Go side makes).
	const isParams = (v) => v === undefined || v === null || (typeof v === "object" && isArray(v) === false);
	const expect = (fn, args) => {
		if (fn === "connect") {
			let [url, params, callback] = args;
			if (typeof url !== "string") return { arg: "url" };
			if (typeof params === "function" && callback === undefined) [params, callback] = [undefined, params];
			if (!isParams(params)) return { arg: "params" };
			const p = params ?? {};
			const t = p.timeout;
			if (t !== undefined && t !== null && (typeof t !== "number" || !(t >= 0) || t === Infinity)) return { arg: "params.timeout" };
			for (const k of ["protocol", "headers"]) {
				if (p[k] !== undefined && p[k] !== null && typeof p[k] !== "string") return { arg: "params." + k };
			}
			const rc = p.reconnect;
			if (rc !== undefined && rc !== null) {
				if (typeof rc !== "object" || !isParams(rc)) return { arg: "params.reconnect" };
				for (const [k, integer] of [["min_delay", false], ["max_delay", false], ["max_attempts", true]]) {
					const v = rc[k];
					if (v !== undefined && v !== null && (typeof v !== "number" || !(v >= 0) || v === Infinity || (integer && !Number.isInteger(v)))) {
						return { arg: "params.reconnect." + k };
					}
				}
				if ((rc.max_delay ?? 0) > 0 && (rc.min_delay ?? 0) > rc.max_delay) return { arg: "params.reconnect.min_delay" };
			}
			if (typeof callback !== "function") return { arg: "callback" };
			return { ok: ["url", "params", "params.protocol", "params.headers"] };
		}
		const [connection, message, options] = args;
		if (!(typeof connection === "object" && connection !== null && known.has(connection))) return { arg: "connection" };
		if (fn === "stats") return { ok: [] };
		if (fn === "disconnect") {
			// Types first, then values, as the browser's WebSocket.close.
			const code = args[1] ?? 1000, reason = args[2] ?? "";
			if (typeof code !== "number") return { arg: "code" };
			if (typeof reason !== "string") return { arg: "reason" };
			if (code !== 1000 && !(Number.isInteger(code) && code >= 3000 && code <= 4999)) return { arg: "code", range: true };
			if (new TextEncoder().encode(reason).length > 123) return { arg: "reason", range: true };
			return { ok: [] };
		}
		if (typeof message !== "string" && !isU8(message) && !isAB(message)) return { arg: "message" };
		if (!isParams(options)) return { arg: "options" };
		const type = options?.type ?? 2;
		if (type !== 1 && type !== 2) return { arg: "options.type" };
		return { ok: ["message"], type };
	};

	// call makes one call and checks what it did against the model.
	const call = (fn, args, desc) => {
		stats.calls++;
		const exp = expect(fn, args);
		let ret, thrown, threw = false;
		if (env.verbose) console.log("fuzz:", desc);
		// A call may run nested inside another one: Go's goroutines run
		// while JavaScript calls into Go, and the test's goroutine calls
		// this driver (a page's code never runs there). So a send is counted
		// while it runs (sending), and stats is checked against what was
		// accepted when it started and may be by the time it returns.
		const target = exp.arg === undefined && (fn === "send" || fn === "stats") ? byHandle.get(args[0]) : undefined;
		const acceptedBefore = target?.accepted;
		if (fn === "send" && target) target.sending++;
		const wasInCall = inCall;
		inCall = true; // also for a call made from inside a callback
		try {
			ret = ws[fn](...args);
		} catch (e) {
			threw = true;
			thrown = e;
		} finally {
			inCall = wasInCall;
			if (fn === "send" && target) target.sending--;
		}
		const where = `${desc}`;
		if (threw) {
			const proto = (typeof thrown === "object" && thrown !== null) ? Object.getPrototypeOf(thrown) : null;
			if (proto !== TypeError.prototype && proto !== RangeError.prototype && proto !== Error.prototype) {
				violation(`${where}: threw ${show(thrown)} (${proto?.constructor?.name ?? typeof thrown}), not a TypeError, RangeError or Error: ${String(thrown?.message ?? thrown)}`);
				return;
			}
			const msg = String(thrown.message);
			if (proto === RangeError.prototype) {
				stats.rangeErrors++;
				if (!exp.range) violation(`${where}: RangeError ${JSON.stringify(msg.slice(0, 200))}, want ${exp.arg !== undefined ? "a TypeError naming " + exp.arg : "no RangeError"}`);
				else if (!msg.startsWith(`websocket.${fn}: ${exp.arg} `)) violation(`${where}: RangeError ${JSON.stringify(msg.slice(0, 200))} does not name ${exp.arg}`);
			} else if (proto === TypeError.prototype) {
				stats.typeErrors++;
				const names = exp.arg !== undefined ? [exp.arg] : exp.ok;
				if (exp.range) violation(`${where}: TypeError ${JSON.stringify(msg.slice(0, 200))}, want a RangeError naming ${exp.arg}`);
				else if (!names.some((a) => msg.startsWith(`websocket.${fn}: ${a} `))) {
					violation(`${where}: TypeError ${JSON.stringify(msg.slice(0, 200))} does not name ${names.join(" or ")}`);
				}
			} else {
				stats.errors++;
				if (exp.arg !== undefined) violation(`${where}: threw Error ${JSON.stringify(msg.slice(0, 200))}, want a TypeError naming ${exp.arg}`);
				else if (!msg.startsWith("websocket: ")) violation(`${where}: Error ${JSON.stringify(msg.slice(0, 200))} is not the Go error text`);
			}
			return;
		}
		stats.returned++;
		if (exp.arg !== undefined) {
			violation(`${where}: returned ${show(ret)}, want a ${exp.range ? "RangeError" : "TypeError"} naming ${exp.arg}`);
			if (fn !== "connect" || typeof ret !== "object" || ret === null) return;
		}
		if (fn === "stats") {
			checkStats(where, target, ret, acceptedBefore, !wasInCall);
			return;
		}
		if (fn !== "connect") {
			if (ret !== undefined) violation(`${where}: returned ${show(ret)}`);
			if (fn === "send" && exp.type !== undefined) {
				const o = byHandle.get(args[0]);
				o.accepted++;
				sent(o, args[1], exp.type);
			}
			return;
		}
		if (typeof ret !== "object" || ret === null || Object.prototype.toString.call(ret) !== "[object WebSocketConnection]" || !Object.isFrozen(ret)) {
			violation(`${where}: returned ${show(ret)}, not a handle`);
			return;
		}
		stats.connects++;
		connectBudget--;
		let [, params, callback] = args;
		if (typeof params === "function" && callback === undefined) callback = params;
		const o = addHandle(ret, `handle ${ret.id} (${desc.slice(0, 300)})`, isRecorder(callback) ? callback : null);
		o.reconnect = isParams(params) && params !== null && params !== undefined && params.reconnect !== undefined && params.reconnect !== null;
		if (connectBudget < 0) call("disconnect", [ret], `disconnect ${o.what} at once`);
		return ret;
	};

	// checkStats checks what stats returned for handle o: the documented
	// fields in order, counts that never go down from one call made at the
	// top to the next, messages_out the sends that returned (from
	// acceptedBefore, those accepted when stats was called, up to those
	// accepted or still running when it returned), and once the callback
	// saw DISCONNECTED, state "closed" and as many connects as it saw
	// CONNECTED.
	const statsKeys = "state,connects,messages_in,bytes_in,messages_out,bytes_out,send_queued,rtt";
	const checkStats = (where, o, s, acceptedBefore, top) => {
		const bad = (what) => violation(`${where}: ${what}: ${show(s)}`);
		if (typeof s !== "object" || s === null || Object.getPrototypeOf(s) !== Object.prototype) return bad("not a plain object");
		if (Object.keys(s).join(",") !== statsKeys) return bad("keys " + Object.keys(s).join(","));
		if (!["connecting", "open", "reconnecting", "closing", "closed"].includes(s.state)) return bad("state");
		const counts = ["connects", "messages_in", "bytes_in", "messages_out", "bytes_out", "send_queued"];
		if (!counts.every((k) => Number.isSafeInteger(s[k]) && s[k] >= 0) || s.rtt !== 0) return bad("a count that is not a whole number >= 0, or rtt not 0");
		if (top && o.lastStats !== undefined) {
			for (const k of ["connects", "messages_in", "bytes_in", "messages_out", "bytes_out"]) {
				if (s[k] < o.lastStats[k]) return bad(`${k} went down from ${o.lastStats[k]}`);
			}
			if (o.lastStats.state === "closed" && s.state !== "closed") return bad("state after closed");
		}
		if (top) o.lastStats = s;
		if (s.messages_out < acceptedBefore || s.messages_out > o.accepted + o.sending) {
			return bad(`messages_out, want ${acceptedBefore}..${o.accepted + o.sending} (sends that returned, or still run)`);
		}
		if (o.rec === null) return;
		const seen = (e) => o.events.filter((x) => x === e).length;
		if (s.messages_in < seen(2)) return bad(`messages_in below the ${seen(2)} MESSAGE events seen`);
		if (o.events.includes(1) && (s.state !== "closed" || s.connects !== seen(0) || s.send_queued !== 0)) {
			return bad(`after DISCONNECTED (${seen(0)} CONNECTED seen)`);
		}
		if (s.connects < seen(0)) return bad(`connects below the ${seen(0)} CONNECTED events seen`);
	};

	const genCall = (fn) => {
		const gens = fn === "connect" ? [() => genURL(false), genParams, genCallback]
			: fn === "send" ? [() => genHandle(true), genMessage, genOptions]
			: fn === "disconnect" ? [genHandle, genCode, genReason] : [() => genHandle(true)];
		let argc = gens.length;
		if (chance(0.15)) argc = rnd(gens.length + 2);
		const args = [], descs = [];
		for (let i = 0; i < argc; i++) {
			const [v, d] = i < gens.length ? (chance(0.85) ? gens[i]() : gen()) : gen();
			args.push(v);
			descs.push(d);
		}
		return [args, `${fn}(${descs.join(", ")})`];
	};

	const fns = ["connect", "send", "disconnect", "stats"];
	let step = 0;
	// guard keeps the driver's own failures out of Go (a JavaScript
	// exception there is a Go panic): they become violations.
	const guard = (name, f) => function (...a) {
		try {
			return f.apply(this, a);
		} catch (e) {
			violation(`the driver's ${name} threw (after ${stats.calls} calls): ${e && e.stack || e}`);
			return undefined;
		}
	};
	const driver = {
		// prepare opens the handles the corpus names: OPEN (wait for its
		// CONNECTED: opened() says when) and CLOSED (disconnected at once).
		prepare(budget) {
			connectBudget = budget;
			this.OPEN = call("connect", [ECHO, null, rec()], "connect OPEN");
			this.CLOSED = call("connect", [ECHO, null, rec()], "connect CLOSED");
			call("disconnect", [this.CLOSED], "disconnect CLOSED");
		},
		prepared() {
			return byHandle.get(this.OPEN).events.includes(0) && byHandle.get(this.CLOSED).events.includes(1);
		},
		// corpus runs every case of the seed file, then returns how many.
		corpus(text) {
			const CONNECTING = call("connect", [ECHO, {}, rec()], "connect CONNECTING");
			const names = { OPEN: this.OPEN, CLOSED: this.CLOSED, CONNECTING, ECHO, HOST, REALM, rec, detach, detachedU8, detachOnRead, revoked, withOwn };
			const capture = {};
			for (const fn of fns) capture[fn] = (...args) => [fn, args];
			let n = 0;
			for (const raw of text.split("\n")) {
				const line = raw.trim();
				if (line === "" || line.startsWith("#")) continue;
				let fn, args;
				try {
					[fn, args] = new Function(...fns, ...Object.keys(names), "return " + line + ";")(...fns.map((f) => capture[f]), ...Object.values(names));
				} catch (e) {
					violation(`corpus line ${JSON.stringify(line)} does not evaluate: ${e}`);
					continue;
				}
				if (fn === "connect" && connectBudget <= 0) connectBudget = 1; // the corpus always gets its connections
				call(fn, args, `corpus: ${line}`);
				n++;
			}
			return n;
		},
		// run makes n random calls, the three functions in turn.
		run(n) {
			for (let i = 0; i < n; i++, step++) {
				const fn = fns[step % fns.length];
				const [args, desc] = genCall(fn);
				call(fn, args, `#${step} ${desc}`);
			}
			// Keep four live connections to /echo in the pool, for send.
			let live = pool.filter((o) => !o.events.includes(1) && o.rec !== null).length;
			for (; live < 4; live++) {
				const cb = rec();
				inCall = true;
				const h = ws.connect(ECHO, null, cb);
				inCall = false;
				addHandle(h, `handle ${h.id} (pool)`, cb);
			}
		},
		// finish disconnects every handle ever opened; disconnect must not throw.
		finish() {
			for (const o of opened) call("disconnect", [o.h], `final disconnect of ${o.what}`);
		},
		// finalStats checks every handle's stats once all have ended.
		finalStats() {
			for (const o of opened) call("stats", [o.h], `final stats of ${o.what}`);
		},
		// pending: handles with a recorder and no DISCONNECTED yet.
		pending() {
			return opened.filter((o) => o.rec !== null && !o.events.includes(1)).map((o) => o.what).slice(0, 10);
		},
		// verify checks every recorded sequence: (CONNECTED MESSAGE*)? ERROR? DISCONNECTED,
		// or with params.reconnect (CONNECTED MESSAGE*)? (ERROR (CONNECTED MESSAGE*)?)* DISCONNECTED.
		verify() {
			for (const o of opened) {
				if (o.rec === null) continue;
				const seq = o.events.map((e) => "DCME"[[1, 0, 2, 3].indexOf(e)] ?? "?").join("");
				const grammar = o.reconnect ? /^(CM*)?(E(CM*)?)*D$/ : /^(CM*)?E?D$/;
				if (!grammar.test(seq)) violation(`${o.what}: events ${seq} (C CONNECTED, M MESSAGE, E ERROR, D DISCONNECTED)`);
			}
			return violations;
		},
		stats() { return JSON.stringify(Object.assign({ handles: opened.length }, stats)); },
	};
	for (const k of ["prepare", "corpus", "run", "finish", "finalStats"]) driver[k] = guard(k, driver[k]);
	return driver;
}
