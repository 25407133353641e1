// Types of hybridws's JavaScript API: the ES module websocket.js (load) and
// the object it resolves to, which is also globalThis.websocket.

/** Loads websocket.wasm and resolves to the API once it is installed. */
export declare function load(wasmURL?: string | URL): Promise<WebSocketAPI>;

/** The event values of data.event. */
export type EventConnected = 0;
export type EventDisconnected = 1;
export type EventMessage = 2;
export type EventError = 3;
export type Event = EventConnected | EventDisconnected | EventMessage | EventError;

/** The data types: the WebSocket opcodes. */
export type DataTypeText = 1;
export type DataTypeBinary = 2;
export type DataType = DataTypeText | DataTypeBinary;

declare const connectionBrand: unique symbol;

/** A connection handle: a frozen object that only connect makes. */
export interface Connection {
	readonly id: number;
	/** The URL given to connect. */
	readonly url: string;
	readonly [connectionBrand]: true;
}

/** The params of connect. Every field may be left out. */
export interface Params {
	/** Milliseconds for the whole connection sequence; 0 means 3 s. Ignored in a browser. */
	timeout?: number | null;
	/** Requested subprotocol(s), comma-separated. */
	protocol?: string | null;
	/** Extra request headers, "Name: value" lines separated by "\r\n"; validated, then ignored in a browser. */
	headers?: string | null;
	/**
	 * Come back by itself after a loss or a failed attempt: each is an
	 * EVENT_ERROR whose retry_in says when the next attempt starts, each
	 * success a new EVENT_CONNECTED on the same connection.
	 */
	reconnect?: Reconnect | null;
}

/** params.reconnect: every field may be left out. */
export interface Reconnect {
	/** Milliseconds: the longest first wait; 0 means 500. */
	min_delay?: number | null;
	/** Milliseconds: the wait doubles up to this; 0 means 30000. Each wait is drawn in [d/2, d]. */
	max_delay?: number | null;
	/** Failures in a row before giving up; 0 means no limit. */
	max_attempts?: number | null;
}

/** The options of send. */
export interface SendOptions {
	/** DATA_TYPE_BINARY (the default) or DATA_TYPE_TEXT. */
	type?: DataType | null;
}

/** What the server answered to the upgrade request (on CONNECTED). */
export interface HandshakeResponse {
	/** The HTTP status: 101. */
	status: number;
	/** Response headers by lower-case name; a browser exposes none: {}. */
	headers: Record<string, string>;
	/** The subprotocol the server chose, "" if none. */
	protocol: string;
}

interface DataBase {
	event: Event;
	message: string | Uint8Array;
	type: 0 | DataType;
	code: number;
	reason: string;
	handshake_response: HandshakeResponse | null;
	/** Milliseconds until the next attempt (EVENT_ERROR with params.reconnect); 0 otherwise. */
	retry_in: number;
}

export interface ConnectedData extends DataBase {
	event: EventConnected;
	message: "";
	type: 0;
	code: 0;
	reason: "";
	handshake_response: HandshakeResponse;
	retry_in: 0;
}

export interface TextMessageData extends DataBase {
	event: EventMessage;
	/** The received text. */
	message: string;
	type: DataTypeText;
	code: 0;
	reason: "";
	handshake_response: null;
	retry_in: 0;
}

export interface BinaryMessageData extends DataBase {
	event: EventMessage;
	/** A fresh copy of the received bytes, the page's to keep. */
	message: Uint8Array;
	type: DataTypeBinary;
	code: 0;
	reason: "";
	handshake_response: null;
	retry_in: 0;
}

export interface ErrorData extends DataBase {
	event: EventError;
	/** What went wrong, for a person to read. */
	message: string;
	type: 0;
	code: 0;
	reason: "";
	handshake_response: null;
}

export interface DisconnectedData extends DataBase {
	event: EventDisconnected;
	message: "";
	type: 0;
	/** The close code: the server's, 1005 (none sent), 1006 (no close frame), or after disconnect the code it sent (1000 by default). */
	code: number;
	/** The close reason. */
	reason: string;
	handshake_response: null;
	retry_in: 0;
}

/** Where a connection stands: State.String() of the Go API. */
export type State = "connecting" | "open" | "reconnecting" | "closing" | "closed";

/**
 * What stats returns: a snapshot of one connection, a new object on each
 * call. The counts add up across the reconnects of one connection.
 */
export interface Stats {
	/**
	 * "connecting" (dialling, the first time or a retry), "open" (CONNECTED
	 * delivered or about to be), "reconnecting" (lost, waiting retry_in
	 * before the next attempt), "closing" (disconnect called or the close
	 * handshake under way), "closed" (DISCONNECTED delivered or about to be).
	 */
	state: State;
	/** Times it opened: CONNECTED events so far (> 1 after reconnects). */
	connects: number;
	/** Messages received. */
	messages_in: number;
	/** Their payload bytes (UTF-8 bytes for text). */
	bytes_in: number;
	/** Messages send accepted. */
	messages_out: number;
	/** Their payload bytes. */
	bytes_out: number;
	/** Payload bytes send accepted that the network has not taken yet (the socket's bufferedAmount). */
	send_queued: number;
	/** Milliseconds; always 0 in a browser, which never shows a page the pings: time an echo of your own instead. */
	rtt: number;
}

/** The callback's data: narrow it on event (and on type for a message). */
export type Data = ConnectedData | TextMessageData | BinaryMessageData | ErrorData | DisconnectedData;

/** The callback of a connection: never runs inside connect, send or disconnect. */
export type Callback = (connection: Connection, data: Data) => void;

/** The API: globalThis.websocket, and what load() resolves to. */
export interface WebSocketAPI {
	readonly EVENT_CONNECTED: EventConnected;
	readonly EVENT_DISCONNECTED: EventDisconnected;
	readonly EVENT_MESSAGE: EventMessage;
	readonly EVENT_ERROR: EventError;
	readonly DATA_TYPE_TEXT: DataTypeText;
	readonly DATA_TYPE_BINARY: DataTypeBinary;

	/**
	 * Starts connecting and returns the handle at once. Bad arguments throw a
	 * TypeError naming the argument; everything after that is an event.
	 */
	connect(url: string, params: Params | null | undefined, callback: Callback): Connection;
	connect(url: string, callback: Callback): Connection;

	/**
	 * Queues a message; binary unless options.type is DATA_TYPE_TEXT (a
	 * string sent as binary goes out as its UTF-8 bytes). Throws a
	 * TypeError for a bad argument, an Error when the connection is not
	 * open, closing or closed, or its send queue is full.
	 */
	send(connection: Connection, message: string | Uint8Array | ArrayBuffer, options?: SendOptions | null): void;

	/**
	 * Closes with code (1000 if left out or null; else 3000-4999, 4000-4999
	 * being the application's own) and reason (at most 123 bytes of UTF-8;
	 * "" if left out or null), and returns at once; DISCONNECTED follows and
	 * reports them. Safe to call again: later calls send nothing. A code or
	 * reason of the wrong type throws a TypeError, one out of range a
	 * RangeError, and nothing is sent.
	 */
	disconnect(connection: Connection, code?: number | null, reason?: string | null): void;

	/**
	 * The connection's state and counts: one cheap call, fine every
	 * animation frame. After DISCONNECTED the handle still answers, with
	 * state "closed" and the final counts.
	 */
	stats(connection: Connection): Stats;

	/** A promise already resolved with this object. */
	readonly ready: Promise<WebSocketAPI>;
}

declare global {
	/** Installed by websocket.wasm (through load(), or by a page that runs it itself). */
	var websocket: WebSocketAPI | undefined;
	interface WindowEventMap {
		/** Dispatched on globalThis once websocket.wasm installed the API (detail). */
		"websocket-ready": CustomEvent<WebSocketAPI>;
	}
}
