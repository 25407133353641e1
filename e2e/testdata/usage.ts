// Type-checked by TestTypes (tsc --noEmit --strict) against js/websocket.d.ts.
// Every line under a @ts-expect-error must fail to type-check: tsc reports
// a directive that has no error to excuse, so each one is a test too.
import { load, type Connection, type Data, type State, type Stats, type WebSocketAPI } from "./websocket.js";

async function main(): Promise<void> {
	const ws: WebSocketAPI = await load();
	await load("other/websocket.wasm");
	await load(new URL("websocket.wasm", import.meta.url));
	// @ts-expect-error: the URL is a string or a URL
	await load(42);

	const e0: 0 = ws.EVENT_CONNECTED;
	const e1: 1 = ws.EVENT_DISCONNECTED;
	const e2: 2 = ws.EVENT_MESSAGE;
	const e3: 3 = ws.EVENT_ERROR;
	const t1: 1 = ws.DATA_TYPE_TEXT;
	const t2: 2 = ws.DATA_TYPE_BINARY;
	console.log(e0, e1, e2, e3, t1, t2);
	// @ts-expect-error: the constants are read-only
	ws.EVENT_ERROR = 4;

	const conn: Connection = ws.connect("ws://127.0.0.1:8080/echo", { protocol: "chat", timeout: 5000, headers: "X-A: 1" }, (c: Connection, d: Data) => {
		switch (d.event) {
			case ws.EVENT_CONNECTED: {
				const status: number = d.handshake_response.status;
				const protocol: string = d.handshake_response.protocol;
				const h: Record<string, string> = d.handshake_response.headers;
				console.log(status, protocol, h);
				ws.send(c, "hi", { type: ws.DATA_TYPE_TEXT });
				break;
			}
			case ws.EVENT_MESSAGE:
				if (d.type === ws.DATA_TYPE_TEXT) {
					const s: string = d.message;
					console.log(s.toUpperCase());
				} else {
					const b: Uint8Array = d.message;
					console.log(b.byteLength);
					// @ts-expect-error: a binary message is not a string
					d.message.toUpperCase();
				}
				// @ts-expect-error: a message event has no handshake response
				d.handshake_response.status;
				break;
			case ws.EVENT_ERROR: {
				const text: string = d.message;
				const retryIn: number = d.retry_in;
				console.error(text, retryIn > 0 ? `reconnecting in ${retryIn} ms` : "");
				break;
			}
			case ws.EVENT_DISCONNECTED: {
				const code: number = d.code;
				const reason: string = d.reason;
				console.log(code, reason);
				break;
			}
		}
		// @ts-expect-error: before narrowing, handshake_response may be null
		d.handshake_response.status;
		// @ts-expect-error: before narrowing, message may be a Uint8Array
		d.message.toUpperCase();
	});
	ws.connect("ws://127.0.0.1:8080/echo", (c, d) => console.log(c.id, c.url, d.event));
	ws.connect("ws://127.0.0.1:8080/echo", null, () => {});
	ws.connect("ws://127.0.0.1:8080/echo", {}, () => {});
	ws.connect("ws://127.0.0.1:8080/echo", { reconnect: {} }, () => {});
	ws.connect("ws://127.0.0.1:8080/echo", { reconnect: { min_delay: 250, max_delay: 10000, max_attempts: 5 } }, (c, d) => {
		if (d.event === ws.EVENT_CONNECTED) {
			const none: 0 = d.retry_in;
			console.log(none);
		}
	});

	ws.send(conn, "text as binary");
	ws.send(conn, new Uint8Array([1, 2, 3]), { type: ws.DATA_TYPE_BINARY });
	ws.send(conn, new ArrayBuffer(8), null);
	const s: Stats = ws.stats(conn);
	const state: State = s.state;
	const hud = `${state} in ${s.messages_in} (${s.bytes_in} B) out ${s.messages_out} (${s.bytes_out} B) queued ${s.send_queued} B, ${s.connects} connects, rtt ${s.rtt} ms`;
	console.log(hud);
	if (s.state === "reconnecting") console.log("back soon");
	ws.disconnect(conn);
	ws.disconnect(conn, 4000);
	ws.disconnect(conn, 4001, "kicked");
	ws.disconnect(conn, null, null);
	ws.disconnect(conn, undefined, "bye");
	const again: WebSocketAPI = await ws.ready;
	console.log(again === globalThis.websocket);

	// @ts-expect-error: the url is a string
	ws.connect(new URL("ws://127.0.0.1/"), {}, () => {});
	// @ts-expect-error: timeout is a number of milliseconds
	ws.connect("ws://127.0.0.1/", { timeout: "3000" }, () => {});
	// @ts-expect-error: protocol is one comma-separated string
	ws.connect("ws://127.0.0.1/", { protocol: ["chat"] }, () => {});
	// @ts-expect-error: headers are one string of lines
	ws.connect("ws://127.0.0.1/", { headers: { "X-A": "1" } }, () => {});
	// @ts-expect-error: reconnect delays are numbers of milliseconds
	ws.connect("ws://127.0.0.1/", { reconnect: { min_delay: "1s" } }, () => {});
	// @ts-expect-error: reconnect is an object
	ws.connect("ws://127.0.0.1/", { reconnect: true }, () => {});
	// @ts-expect-error: the callback is required
	ws.connect("ws://127.0.0.1/", {});
	// @ts-expect-error: a plain object is not a connection
	ws.send({ id: 1, url: "ws://127.0.0.1/" }, "x");
	// @ts-expect-error: a number is not a message
	ws.send(conn, 42);
	// @ts-expect-error: a Uint16Array is not a message
	ws.send(conn, new Uint16Array(2));
	// @ts-expect-error: type is DATA_TYPE_TEXT or DATA_TYPE_BINARY
	ws.send(conn, "x", { type: 3 });
	// @ts-expect-error: disconnect takes a connection
	ws.disconnect("conn");
	// @ts-expect-error: the close code is a number
	ws.disconnect(conn, "4000");
	// @ts-expect-error: the close reason is a string
	ws.disconnect(conn, 4000, { text: "bye" });
	// @ts-expect-error: stats takes a connection
	ws.stats({ id: 1, url: "ws://127.0.0.1/" });
	// @ts-expect-error: "opened" is not a state
	if (s.state === "opened") console.log("never");
	// @ts-expect-error: state may be any of five
	const two: "open" | "closed" = s.state;
	// @ts-expect-error: the counts are numbers
	const text: string = s.bytes_in;
	console.log(two, text);
	// @ts-expect-error: connection handles are read-only
	conn.id = 2;
}

// The plain way: the event that says the API is there.
addEventListener("websocket-ready", (ev) => {
	const ws: WebSocketAPI = ev.detail;
	ws.connect("ws://127.0.0.1/", () => {});
});

main();
