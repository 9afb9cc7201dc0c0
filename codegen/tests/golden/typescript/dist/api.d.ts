// Compiled by chanrest-codegen from src/api.ts: do not edit, regenerate.
import * as rt from "./runtime.js";
export interface ItemListListArgs {
	page?: number | null;
}
/**
* A page of lines.
*/
export interface ItemListListResponse {
	count: number;
	results: Array<Line>;
}
export interface ItemRenameArgs {
	name: string;
}
/**
* One line of an order.
*/
export interface Line {
	item: string;
	note?: string | null;
	quantity: number;
}
export interface Lookup {
	pk: number;
}
export type NoArgs = {
	[key: string]: unknown;
};
/**
* An order.
*/
export interface Order {
	gift: Line | null;
	id: number;
	lines: Array<Line>;
	status: Status;
	tags: {
		[key: string]: string;
	};
	total: number;
}
/**
* A page of orders.
*/
export interface OrdersRecentResponse {
	count: number;
	results: Array<Order>;
}
export interface PlaceArgs {
	/**
	* Optional: the server takes `false` when it is omitted.
	*/
	express?: boolean;
	lines: Array<Line>;
}
/**
* Where an order is.
*/
export type Status = "open" | "shipped" | {
	cancelled: string;
};
/**
* What the shop did lately.
*/
export interface Summary {
	/**
	* The latest orders.
	*/
	latest: SummaryLatest;
}
/**
* A page of orders.
*/
export interface SummaryLatest {
	count: number;
	results: Array<Order>;
}
/**
* Every push of consumer `Orders`.
*/
export type OrdersPush = {
	readonly action: "changed";
	readonly data: Order;
} | {
	readonly action: "cancelled";
	readonly data: {
		pk: number;
	};
} | {
	readonly action: "announced";
	readonly data: string;
};
/**
* The pushes of a `watch-order` subscription.
*/
export type OrdersWatchOrderPush = {
	readonly action: "changed";
	readonly data: Order;
} | {
	readonly action: "cancelled";
	readonly data: {
		pk: number;
	};
};
/**
* Orders of the shop.
*
* A typed client of consumer `Orders`: one method per action.
*/
export declare class OrdersClient {
	/** The consumer's name in the manifest. */
	static readonly consumer = "Orders";
	/** Where the consumer is mounted. */
	static readonly path = "/ws/orders/";
	/** Where calls go: a connection, and the multiplexer stream if any. */
	readonly endpoint: rt.Endpoint;
	/** A client on an endpoint: `connection.endpoint()` for the consumer's own path, `connection.endpoint("stream")` on a multiplexer. */
	constructor(endpoint: rt.Endpoint);
	/** Connects to the consumer at `url` (e.g. `ws://127.0.0.1:8000` followed by the path). */
	static connect(url: string, options?: rt.ConnectionOptions): Promise<OrdersClient>;
	/** The same client with another call timeout. */
	withTimeout(timeoutMs: number): OrdersClient;
	/** The pushes this consumer broadcasts to groups (`request_id: null`), from now on. */
	broadcasts(): rt.Broadcasts<OrdersPush>;
	/**
	* Places an order.
	*
	* Action `place`; succeeds with status 201.
	*/
	place(args: PlaceArgs, options?: rt.CallOptions): Promise<Order>;
	/**
	* Action `count`.
	*/
	count(options?: rt.CallOptions): Promise<number>;
	/**
	* Builds a report; takes a while.
	*
	* Action `export`; runs detached: the server answers other calls meanwhile.
	*/
	export(args: {
		format: "csv" | "json";
	}, options?: rt.CallOptions): Promise<string | null>;
	/**
	* An action whose name is a keyword in Rust.
	*
	* Action `type`; causes pushes `announced`.
	*/
	type(args: {
		[key: string]: unknown;
	}, options?: rt.CallOptions): Promise<unknown>;
	/**
	* The latest orders (chanrest's generic `Page`: renamed after its use).
	*
	* Action `recent`.
	*/
	recent(options?: rt.CallOptions): Promise<OrdersRecentResponse>;
	/**
	* Every order, a page per reply (a paged stream).
	*
	* Action `history`; runs detached: the server answers other calls meanwhile; a paged stream: one reply per page, ending with the page where `count == 0 || offset + limit >= count`; cancelled by `history-cancel`.
	*/
	history(options?: rt.CallOptions): rt.PageStream<{
		count: number;
		limit: number;
		offset: number;
		results: Array<Order>;
	}>;
	/**
	* Stops the histories in flight.
	*
	* Action `history-cancel`.
	*/
	historyCancel(options?: rt.CallOptions): Promise<null>;
	/**
	* A summary: a type of its own holding a generic one.
	*
	* Action `summary`.
	*/
	summary(options?: rt.CallOptions): Promise<Summary>;
	/**
	* Pushes changes of one order.
	*
	* Action `watch-order`; succeeds with status 201; a subscription: pushes `changed`, `cancelled`; ended by `unwatch-order`.
	*/
	watchOrder(args: Lookup, options?: rt.CallOptions): Promise<rt.Subscription<OrdersWatchOrderPush, null, null>>;
	/**
	* Action `unwatch-order`; succeeds with status 204.
	*/
	unwatchOrder(args: Lookup, options?: rt.CallOptions): Promise<null>;
}
/**
* A typed client of consumer `Stock`: one method per action.
*/
export declare class StockClient {
	/** The consumer's name in the manifest. */
	static readonly consumer = "Stock";
	/** Where calls go: a connection, and the multiplexer stream if any. */
	readonly endpoint: rt.Endpoint;
	/** A client on an endpoint: `connection.endpoint()` for the consumer's own path, `connection.endpoint("stream")` on a multiplexer. */
	constructor(endpoint: rt.Endpoint);
	/** Connects to the consumer at `url` (e.g. `ws://127.0.0.1:8000` followed by the path). */
	static connect(url: string, options?: rt.ConnectionOptions): Promise<StockClient>;
	/** The same client with another call timeout. */
	withTimeout(timeoutMs: number): StockClient;
	/**
	* Stock per item.
	*
	* Action `levels`.
	*/
	levels(args: {
		items?: Array<string>;
	}, options?: rt.CallOptions): Promise<{
		[key: string]: number;
	}>;
}
/**
* The catalog, in rest-framework-channels' dialect.
*
* A typed client of consumer `Catalog` at one route (rest-framework-channels' dialect): one method per action, one per route of its own.
*/
export declare class CatalogClient {
	/** The consumer's name in the manifest. */
	static readonly consumer = "Catalog";
	/** Where the consumer is mounted. */
	static readonly path = "/ws/catalog/";
	/** Where calls go: a connection in rest-framework-channels' dialect. */
	readonly endpoint: rt.RfcEndpoint;
	/** The route every call of this client carries. */
	readonly route: rt.Route;
	/** A client on an endpoint (`connection.rfcEndpoint()`) at `route` (the empty route for the consumer's own actions). */
	constructor(endpoint: rt.RfcEndpoint, route?: rt.Route);
	/** Connects to the consumer at `url` (e.g. `ws://127.0.0.1:8000` followed by the path). */
	static connect(url: string, options?: rt.ConnectionOptions): Promise<CatalogClient>;
	/** The same client with another call timeout. */
	withTimeout(timeoutMs: number): CatalogClient;
	/**
	* Action `ping` on the client's route.
	*/
	ping(options?: rt.CallOptions): Promise<string>;
	/**
	* Route `items/<int:id>/`: consumer `Item`, with `id`.
	*/
	itemsId(id: number): ItemClient;
	/**
	* Route `items/`: consumer `ItemList`.
	*/
	items(): ItemListClient;
}
/**
* One item.
*
* A typed client of consumer `Item` at one route (rest-framework-channels' dialect): one method per action, one per route of its own.
*/
export declare class ItemClient {
	/** The consumer's name in the manifest. */
	static readonly consumer = "Item";
	/** Where calls go: a connection in rest-framework-channels' dialect. */
	readonly endpoint: rt.RfcEndpoint;
	/** The route every call of this client carries. */
	readonly route: rt.Route;
	/** A client on an endpoint (`connection.rfcEndpoint()`) at `route` (the empty route for the consumer's own actions). */
	constructor(endpoint: rt.RfcEndpoint, route?: rt.Route);
	/** The same client with another call timeout. */
	withTimeout(timeoutMs: number): ItemClient;
	/**
	* The item.
	*
	* Action `retrieve` on the client's route.
	*/
	retrieve(options?: rt.CallOptions): Promise<Line>;
	/**
	* Renames the item.
	*
	* Action `rename` on the client's route.
	*/
	rename(args: ItemRenameArgs, options?: rt.CallOptions): Promise<Line>;
	/**
	* Route `reviews/<slug:author>/`: consumer `Review`, with `author`.
	*/
	reviewsAuthor(author: string): ReviewClient;
}
/**
* One review of an item.
*
* A typed client of consumer `Review` at one route (rest-framework-channels' dialect): one method per action.
*/
export declare class ReviewClient {
	/** The consumer's name in the manifest. */
	static readonly consumer = "Review";
	/** Where calls go: a connection in rest-framework-channels' dialect. */
	readonly endpoint: rt.RfcEndpoint;
	/** The route every call of this client carries. */
	readonly route: rt.Route;
	/** A client on an endpoint (`connection.rfcEndpoint()`) at `route` (the empty route for the consumer's own actions). */
	constructor(endpoint: rt.RfcEndpoint, route?: rt.Route);
	/** The same client with another call timeout. */
	withTimeout(timeoutMs: number): ReviewClient;
	/**
	* Action `retrieve` on the client's route.
	*/
	retrieve(options?: rt.CallOptions): Promise<string>;
}
/**
* A typed client of consumer `ItemList` at one route (rest-framework-channels' dialect): one method per action.
*/
export declare class ItemListClient {
	/** The consumer's name in the manifest. */
	static readonly consumer = "ItemList";
	/** Where calls go: a connection in rest-framework-channels' dialect. */
	readonly endpoint: rt.RfcEndpoint;
	/** The route every call of this client carries. */
	readonly route: rt.Route;
	/** A client on an endpoint (`connection.rfcEndpoint()`) at `route` (the empty route for the consumer's own actions). */
	constructor(endpoint: rt.RfcEndpoint, route?: rt.Route);
	/** The same client with another call timeout. */
	withTimeout(timeoutMs: number): ItemListClient;
	/**
	* A page of items.
	*
	* Action `list` on the client's route.
	*/
	list(args: ItemListListArgs, options?: rt.CallOptions): Promise<ItemListListResponse>;
}
/** The multiplexer at `/ws/`: one socket, each consumer on its own stream. */
export declare class WsMultiplexer {
	/** Where the multiplexer is mounted. */
	static readonly path = "/ws/";
	/** The connection. */
	readonly connection: rt.Connection;
	/** Stream `orders`: consumer `Orders`. */
	readonly orders: OrdersClient;
	/** Stream `stock`: consumer `Stock`. */
	readonly stock: StockClient;
	/** Clients for the streams of an open connection to the multiplexer. */
	constructor(connection: rt.Connection);
	/** Connects to the multiplexer at `url` (e.g. `ws://127.0.0.1:8000` followed by the path). */
	static connect(url: string, options?: rt.ConnectionOptions): Promise<WsMultiplexer>;
}
