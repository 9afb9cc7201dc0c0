// The generated TypeScript client against a real demo server (the `chanrest-demo` binary,
// started here): every action, an error reply of each kind, the detached `slow`, timeouts,
// subscriptions and their pushes, the multiplexer, reconnection through a TCP proxy the test
// can cut, fields with a server default left out, and the routed consumer in
// rest-framework-channels' dialect through its typed routes. Run with `npm test` (after `cargo build`); CHANREST_DEMO_BIN overrides the
// binary's path.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import net from "node:net";
import { fileURLToPath } from "node:url";
import path from "node:path";
import WebSocket from "ws";
import {
  ApiError,
  BenchClient,
  ClosedError,
  ConnectError,
  Connection,
  ConnectionLostError,
  PlainClient,
  RfcTodosClient,
  Route,
  TimeoutError,
  TodoViewClient,
  TodosClient,
  TodosPagedClient,
  TodosStreamedClient,
  WsMultiplexer,
  DEFAULT_TIMEOUT_MS,
  type BenchEchoArgs,
  type ConnectionOptions,
  type Todo,
  type TodoDetailPartialUpdateArgs,
  type TodoDetailUpdateArgs,
  type TodoListCreateArgs,
  type TodoListListArgs,
  type TodoListListResponse,
  type TodosCreateArgs,
  type TodosPagedListArgs,
  type TodosPatchArgs,
  type TodosStreamedListArgs,
  type TodosStreamedListResponse,
  type TodosUpdateArgs,
  type ViewListArgs,
  type TodosSubscribeInstancePush,
  type TodosSubscribeListPush,
  type PlainSubscribeTodosPush,
} from "chanrest-client";

const here = path.dirname(fileURLToPath(import.meta.url));
// Compiled to build/test/: the workspace root is four levels up.
const demoBin = process.env["CHANREST_DEMO_BIN"] ?? path.resolve(here, "../../../../target/debug/chanrest-demo");
const WAIT_MS = 10_000;

let demo: ChildProcess;
let base = "";

before(async () => {
  demo = spawn(demoBin, ["--addr", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "inherit"] });
  base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${demoBin} did not start`)), 30_000);
    demo.once("error", (err) => reject(new Error(`cannot start ${demoBin} (run \`cargo build\` first): ${err.message}`)));
    demo.once("exit", (code) => reject(new Error(`${demoBin} exited with ${code}`)));
    createInterface({ input: demo.stdout! }).on("line", (line) => {
      const found = /listening on http:\/\/(\S+)/.exec(line);
      if (found !== null) {
        clearTimeout(timer);
        resolve(`ws://${found[1]}`);
      }
    });
  });
});

after(() => {
  demo.kill("SIGTERM");
});

const options: ConnectionOptions = { WebSocket };
const fastReconnect: ConnectionOptions = { WebSocket, reconnect: { initialDelayMs: 20, maxDelayMs: 200 } };

function within<T>(promise: Promise<T>, ms = WAIT_MS): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

async function next<T>(iterator: AsyncIterator<T>): Promise<IteratorResult<T>> {
  return within(iterator.next());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected a rejection");
}

async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  const error = await rejection(promise);
  assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
  return error;
}

const write = (title: string, owner: string): TodosCreateArgs => ({ data: { title, owner } });

/** Two todos of `owner` made by a writer, and a watcher subscribed to each (close both after). */
async function watchedPair(owner: string) {
  const watcher = await TodosClient.connect(base + TodosClient.path, options);
  const writer = await TodosClient.connect(base + TodosClient.path, options);
  const close = async () => {
    await watcher.endpoint.connection.close();
    await writer.endpoint.connection.close();
  };
  try {
    const a = await writer.create(write("a", owner));
    const b = await writer.create(write("b", owner));
    const onA = await watcher.subscribeInstance({ pk: a.id });
    const onB = await watcher.subscribeInstance({ pk: b.id });
    return { watcher, writer, a, b, onA, onB, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A TCP proxy in front of the demo whose connections the test can cut. */
class Proxy {
  private readonly sockets = new Set<net.Socket>();
  private refusing = false;
  private readonly server: net.Server;
  port = 0;

  constructor(upstreamPort: number) {
    this.server = net.createServer((inbound) => {
      if (this.refusing) {
        inbound.destroy();
        return;
      }
      const outbound = net.connect(upstreamPort, "127.0.0.1");
      for (const socket of [inbound, outbound]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => {});
      }
      inbound.pipe(outbound).pipe(inbound);
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  url(pathname: string): string {
    return `ws://127.0.0.1:${this.port}${pathname}`;
  }

  /** Drops every proxied connection and refuses new ones. */
  cut(): void {
    this.refusing = true;
    for (const socket of this.sockets) socket.destroy();
  }

  resume(): void {
    this.refusing = false;
  }

  stop(): void {
    this.cut();
    this.server.close();
  }
}

function demoPort(): number {
  return Number(new URL(base.replace("ws://", "http://")).port);
}

describe("the generated TypeScript client", () => {
  test("plain and bench actions return typed data", async () => {
    const plain = await PlainClient.connect(base + PlainClient.path, options);
    try {
      const args = { n: 1, nested: { k: [1, 2, null] } };
      assert.deepEqual(await plain.echo(args), args);
      assert.equal(await plain.add({ a: 2, b: 3 }), 5);
      assert.equal(await plain.add({ a: -7, b: 3 }), -4);
      const bench = await BenchClient.connect(base + BenchClient.path, options);
      assert.deepEqual(await bench.echo({ data: { any: ["json", 1, true, null] } }), { any: ["json", 1, true, null] });
      // `data` has a server default (`#[serde(default)]`): it may be left out.
      const omitted: BenchEchoArgs = {};
      assert.equal(await bench.echo(omitted), null);
      await bench.endpoint.connection.close();
    } finally {
      await plain.endpoint.connection.close();
    }
  });

  test("the detached slow does not hold up other calls", async () => {
    const plain = await PlainClient.connect(base + PlainClient.path, options);
    try {
      const started = Date.now();
      const order: string[] = [];
      // `slow` is sent first, yet `add` is answered while it sleeps.
      const slow = plain.slow({ delay: 0.6 }).then((slept) => {
        order.push("slow");
        return slept;
      });
      const sum = await plain.add({ a: 1, b: 1 }).then((sum) => {
        order.push("add");
        return sum;
      });
      assert.equal(sum, 2);
      assert.deepEqual(await slow, { slept: 0.6 });
      assert.deepEqual(order, ["add", "slow"]);
      assert.ok(Date.now() - started >= 600);
    } finally {
      await plain.endpoint.connection.close();
    }
  });

  test("every kind of error reply is a typed ApiError", async () => {
    const plain = await PlainClient.connect(base + PlainClient.path, options);
    const todos = await TodosClient.connect(base + TodosClient.path, options);
    try {
      let err = await apiError(plain.forbidden());
      assert.equal(err.status, 403);
      assert.equal(err.action, "forbidden");
      assert.deepEqual(err.messages(), ["You do not have permission to perform this action."]);

      err = await apiError(plain.fail());
      assert.equal(err.status, 500);
      assert.deepEqual(err.errors, ["A server error occurred."]);

      err = await apiError(plain.add({ a: 2 ** 62, b: 2 ** 62 }));
      assert.equal(err.status, 400);
      assert.deepEqual(err.field("b"), ["The sum does not fit in a 64-bit integer."]);
      err = await apiError(plain.slow({ delay: -1 }));
      assert.equal(err.status, 400);
      assert.equal(err.field("delay").length, 1);

      err = await apiError(plain.endpoint.call("add", { a: "two" }));
      assert.equal(err.status, 400);
      assert.deepEqual(err.field("a"), ["A valid integer is required."]);
      assert.deepEqual(err.field("b"), ["This field is required."]);

      err = await apiError(plain.endpoint.call("nope", {}));
      assert.equal(err.status, 405);
      assert.deepEqual(err.messages(), ['Method "nope" not allowed.']);

      const reply = await plain.endpoint.request("forbidden", {});
      assert.equal(reply.status, 403);
      assert.equal(reply.data, null);
      assert.equal(typeof reply.requestId, "number");

      err = await apiError(todos.retrieve({ pk: 987654 }));
      assert.equal(err.status, 404);
      assert.deepEqual(err.messages(), ["Not found"]);

      assert.equal(await plain.add({ a: 20, b: 22 }), 42);
    } finally {
      await plain.endpoint.connection.close();
      await todos.endpoint.connection.close();
    }
  });

  test("todos: create, retrieve, list, update, patch, delete, pages", async () => {
    const todos = await TodosClient.connect(base + TodosClient.path, options);
    const paged = await TodosPagedClient.connect(base + TodosPagedClient.path, options);
    try {
      const owner = `ts-crud-${Date.now()}`;
      const first = await todos.create(write("write tests", owner));
      assert.equal(first.title, "write tests");
      assert.equal(first.owner, owner);
      assert.equal(first.done, false);
      const second = await todos.create(write("review", owner));
      assert.deepEqual(await todos.retrieve({ pk: first.id }), first);
      assert.deepEqual(await todos.list({ owner }), [first, second]);
      const update: TodosUpdateArgs = { pk: first.id, data: { title: "write more tests", done: true, owner } };
      const updated = await todos.update(update);
      assert.equal(updated.done, true);
      const patch: TodosPatchArgs = { pk: first.id, data: { done: false } };
      const patched = await todos.patch(patch);
      assert.equal(patched.title, "write more tests");
      assert.equal(patched.done, false);
      assert.equal(await todos.delete({ pk: first.id }), null);
      assert.equal((await apiError(todos.retrieve({ pk: first.id }))).status, 404);
      const invalid = await apiError(todos.create(write("", owner)));
      assert.equal(invalid.status, 400);
      assert.ok(invalid.fieldErrors() !== undefined);

      await todos.create(write("third", owner));
      const pageArgs: TodosPagedListArgs = { owner, limit: 1, offset: 1 };
      const page = await paged.list(pageArgs);
      assert.equal(page.count, 2);
      assert.equal(page.limit, 1);
      assert.equal(page.offset, 1);
      assert.equal(page.results.length, 1);
    } finally {
      await todos.endpoint.connection.close();
      await paged.endpoint.connection.close();
    }
  });

  test("a streamed list is an async iterable of typed pages that ends with the last, or when cancelled", async () => {
    const todos = await TodosClient.connect(base + TodosClient.path, options);
    const streamed = await TodosStreamedClient.connect(base + TodosStreamedClient.path, options);
    // Every page of a stream, within WAIT_MS each (a stream that never ends fails the test).
    const readAll = async (args: TodosStreamedListArgs): Promise<TodosStreamedListResponse[]> => {
      const pages: TodosStreamedListResponse[] = [];
      const stream = streamed.list(args);
      const iterator = stream[Symbol.asyncIterator]();
      for (;;) {
        const next = await within(iterator.next());
        if (next.done === true) break;
        pages.push(next.value);
        assert.ok(pages.length < 1000, "the stream ends");
      }
      assert.equal(stream.ended, true);
      return pages;
    };
    try {
      const owner = `ts-stream-${Date.now()}`;
      const titles: string[] = [];
      for (let i = 0; i < 5; i++) titles.push((await todos.create(write(`t${i}`, owner))).title);

      // Five rows in pages of two (the default limit): three pages, then the end.
      const pages = await readAll({ owner });
      assert.deepEqual(
        pages.map((p) => [p.count, p.limit, p.offset, p.results.length]),
        [[5, 2, 0, 2], [5, 2, 2, 2], [5, 2, 4, 1]],
      );
      assert.deepEqual(pages.flatMap((p) => p.results.map((t) => t.title)), titles);

      // for await works too; an empty result is one page.
      const empty: TodosStreamedListResponse[] = [];
      for await (const page of streamed.list({ owner: `${owner}-nobody`, limit: 3 })) empty.push(page);
      assert.deepEqual(empty, [{ count: 0, results: [], limit: 3, offset: 0 }]);

      // Cancelled after two pages of one row: the stream ends there.
      const many = `${owner}-many`;
      const rows = 400;
      for (let i = 0; i < rows; i++) await todos.create(write(`row ${i}`, many));
      const stream = streamed.list({ owner: many, limit: 1 });
      const offsets: number[] = [];
      for await (const page of stream) {
        assert.equal(page.count, rows);
        offsets.push(page.offset);
        if (offsets.length === 2) await stream.cancel();
      }
      assert.deepEqual(offsets, [0, 1]);
      assert.equal(stream.ended, true);

      // list_cancel stops every stream of the consumer in flight on the connection: another
      // one ends early with the server's 499, which the iterator throws.
      const first = streamed.list({ owner: many, limit: 1 });
      const second = streamed.list({ owner: many, limit: 1 });
      const secondPages = second[Symbol.asyncIterator]();
      assert.equal((await within(first.next())).done, false);
      assert.equal((await within(secondPages.next())).done, false);
      await first.cancel();
      let read = 1;
      let ended: unknown = null;
      try {
        for (;;) {
          const next = await within(secondPages.next());
          if (next.done === true) break;
          read += 1;
        }
      } catch (error) {
        ended = error;
      }
      assert.ok(ended instanceof ApiError, `ended with ${String(ended)}`);
      assert.equal(ended.status, 499);
      assert.deepEqual(ended.messages(), ["List cancelled."]);
      assert.ok(read < rows, `${read} pages`);
      assert.equal((await secondPages.next()).done, true);

      // A stream started afterwards runs to its end on the same connection.
      const after = await readAll({ owner: many, limit: 100 });
      assert.deepEqual(after.map((p) => p.offset), [0, 100, 200, 300]);
    } finally {
      await todos.endpoint.connection.close();
      await streamed.endpoint.connection.close();
    }
  });

  test("subscriptions push typed values, as async iterators and callbacks", async () => {
    const owner = `ts-subs-${Date.now()}`;
    const { watcher, writer, a, b, onA, onB, close } = await watchedPair(owner);
    try {
      assert.notEqual(onA.requestId, onB.requestId);
      const pushesA = onA[Symbol.asyncIterator]();
      const changed = await writer.patch({ pk: a.id, data: { title: "a, changed" } });
      const update: TodosSubscribeInstancePush = (await next(pushesA)).value;
      assert.deepEqual(update, { action: "update", data: changed });
      assert.equal(await onA.unsubscribe(), null);

      const deleted = new Promise<TodosSubscribeInstancePush>((resolve) => onB.onPush(resolve));
      await writer.delete({ pk: b.id });
      assert.deepEqual(await within(deleted), { action: "delete", data: { pk: b.id } });

      const list = await watcher.subscribeList({ owner });
      const pushes = list[Symbol.asyncIterator]();
      await writer.create(write("someone else's", `${owner}-not`));
      const created: Todo = await writer.create(write("listed", owner));
      const push: TodosSubscribeListPush = (await next(pushes)).value;
      assert.deepEqual(push, { action: "create", data: created });
      await writer.delete({ pk: created.id });
      assert.equal((await next(pushes)).value.action, "delete");
    } finally {
      await close();
    }
  });

  test("pushes that arrive before anyone listens are kept for the first listener or iterator", async () => {
    const { writer, a, b, onA, onB, close } = await watchedPair(`ts-early-${Date.now()}`);
    try {
      const changedA = await writer.patch({ pk: a.id, data: { title: "a, early" } });
      const changedB = await writer.patch({ pk: b.id, data: { title: "b, early" } });
      // Time for both pushes to reach the watcher while nothing listens.
      await sleep(300);
      const early = new Promise<TodosSubscribeInstancePush>((resolve) => onB.onPush(resolve));
      assert.deepEqual(await within(early), { action: "update", data: changedB });
      const pushesA = onA[Symbol.asyncIterator]();
      assert.deepEqual((await next(pushesA)).value, { action: "update", data: changedA });
    } finally {
      await close();
    }
  });

  test("the multiplexer carries calls, errors and pushes", async () => {
    const mux = await WsMultiplexer.connect(base + WsMultiplexer.path, options);
    const direct = await TodosClient.connect(base + TodosClient.path, options);
    try {
      assert.equal(await mux.plain.add({ a: 4, b: 5 }), 9);
      assert.equal((await apiError(mux.plain.forbidden())).status, 403);
      assert.equal((await apiError(mux.plain.endpoint.call("nope", {}))).status, 405);
      const todo = await mux.todos.create(write("muxed", `ts-mux-${Date.now()}`));
      const sub = await mux.todos.subscribeInstance({ pk: todo.id });
      const pushes = sub[Symbol.asyncIterator]();
      const changed = await direct.patch({ pk: todo.id, data: { done: true } });
      assert.deepEqual((await next(pushes)).value, { action: "update", data: changed });
      assert.deepEqual(mux.connection.status, { state: "connected", generation: 1 });
    } finally {
      await mux.connection.close();
      await direct.endpoint.connection.close();
    }
  });

  test("timeouts reject the call, not the client", async () => {
    const plain = await PlainClient.connect(base + PlainClient.path, options);
    try {
      assert.equal(DEFAULT_TIMEOUT_MS, 30_000);
      assert.equal(plain.endpoint.timeoutMs, DEFAULT_TIMEOUT_MS);
      const started = Date.now();
      const err = await rejection(plain.withTimeout(200).slow({ delay: 5 }));
      assert.ok(err instanceof TimeoutError, String(err));
      assert.equal(err.timeoutMs, 200);
      assert.equal(err.action, "slow");
      assert.ok(Date.now() - started < 2000);
      const perCall = await rejection(plain.slow({ delay: 5 }, { timeoutMs: 100 }));
      assert.ok(perCall instanceof TimeoutError);
      assert.equal(perCall.timeoutMs, 100);
      assert.equal(await plain.add({ a: 1, b: 2 }), 3);
    } finally {
      await plain.endpoint.connection.close();
    }
    const impatient = await PlainClient.connect(base + PlainClient.path, { WebSocket, timeoutMs: 150 });
    try {
      const err = await rejection(impatient.slow({ delay: 5 }));
      assert.ok(err instanceof TimeoutError && err.timeoutMs === 150, String(err));
      assert.equal(await impatient.add({ a: 3, b: 3 }), 6);
    } finally {
      await impatient.endpoint.connection.close();
    }
  });

  test("connecting to a missing path rejects with ConnectError", async () => {
    const err = await rejection(PlainClient.connect(base + "/ws/nowhere/", options));
    assert.ok(err instanceof ConnectError, String(err));
  });

  test("reconnecting fails calls in flight and renews subscriptions", async () => {
    const proxy = new Proxy(demoPort());
    await proxy.start();
    const plain = await PlainClient.connect(proxy.url(PlainClient.path), fastReconnect);
    const todos = await TodosClient.connect(base + TodosClient.path, options);
    const connection = plain.endpoint.connection;
    try {
      const sub = await plain.subscribeTodos();
      const pushes = sub[Symbol.asyncIterator]();
      const inFlight = rejection(plain.slow({ delay: 5 }));
      await sleep(200);
      proxy.cut();
      const lost = await within(inFlight);
      assert.ok(lost instanceof ConnectionLostError, String(lost));
      assert.equal(lost.action, "slow");
      await within(connection.waitForStatus((s) => s.state === "reconnecting"));

      let settled = false;
      const waiting = plain.add({ a: 2, b: 2 }).finally(() => {
        settled = true;
      });
      await sleep(300);
      assert.equal(settled, false);
      proxy.resume();
      assert.deepEqual(await within(connection.waitForStatus((s) => s.state === "connected")), {
        state: "connected",
        generation: 2,
      });
      assert.equal(await within(waiting), 4);

      const todo = await todos.create(write("after the reconnect", `ts-reconnect-${Date.now()}`));
      const push: PlainSubscribeTodosPush = (await next(pushes)).value;
      assert.deepEqual(push, { action: "create", data: todo });
      assert.equal(await sub.unsubscribe(), null);
    } finally {
      await connection.close();
      await todos.endpoint.connection.close();
      proxy.stop();
    }
  });

  test("a refused renewal ends the subscription", async () => {
    const proxy = new Proxy(demoPort());
    await proxy.start();
    const watcher = await TodosClient.connect(proxy.url(TodosClient.path), fastReconnect);
    const writer = await TodosClient.connect(base + TodosClient.path, options);
    try {
      const todo = await writer.create(write("short-lived", `ts-renewal-${Date.now()}`));
      const sub = await watcher.subscribeInstance({ pk: todo.id });
      const pushes = sub[Symbol.asyncIterator]();
      proxy.cut();
      await writer.delete({ pk: todo.id });
      proxy.resume();
      const err = await within(rejection(pushes.next()));
      assert.ok(err instanceof ApiError && err.status === 404, String(err));
      assert.equal((await next(pushes)).done, true);
      assert.equal(sub.ended, true);
      assert.ok(Array.isArray(await watcher.list({})));
    } finally {
      await watcher.endpoint.connection.close();
      await writer.endpoint.connection.close();
      proxy.stop();
    }
  });

  test("without reconnection, or after giving up, everything ends promptly", async () => {
    const proxy = new Proxy(demoPort());
    await proxy.start();
    try {
      const plain = await PlainClient.connect(proxy.url(PlainClient.path), {
        WebSocket,
        reconnect: { enabled: false },
      });
      const sub = await plain.subscribeTodos();
      const pushes = sub[Symbol.asyncIterator]();
      const inFlight = rejection(plain.slow({ delay: 5 }));
      await sleep(200);
      proxy.cut();
      assert.ok((await within(inFlight)) instanceof ConnectionLostError);
      assert.ok((await within(rejection(pushes.next()))) instanceof ClosedError);
      assert.equal((await next(pushes)).done, true);
      assert.ok((await rejection(plain.add({ a: 1, b: 1 }))) instanceof ClosedError);

      proxy.resume();
      const giving = await PlainClient.connect(proxy.url(PlainClient.path), {
        WebSocket,
        reconnect: { initialDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 },
      });
      proxy.cut();
      const connection = giving.endpoint.connection;
      await within(connection.waitForStatus((s) => s.state === "reconnecting" || s.state === "closed"));
      const started = Date.now();
      const err = await within(rejection(giving.withTimeout(20_000).add({ a: 1, b: 1 })));
      assert.ok(err instanceof ClosedError, String(err));
      assert.ok(Date.now() - started < 10_000);
      assert.deepEqual(connection.status, { state: "closed" });
    } finally {
      proxy.stop();
    }
  });

  test("close ends calls and subscriptions", async () => {
    const connection = await Connection.open(base + PlainClient.path, options);
    const plain = new PlainClient(connection.endpoint());
    const sub = await plain.subscribeTodos();
    const pushes = sub[Symbol.asyncIterator]();
    const inFlight = rejection(plain.slow({ delay: 5 }));
    await sleep(100);
    await connection.close();
    const err = await within(inFlight);
    assert.ok(err instanceof ClosedError || err instanceof ConnectionLostError, String(err));
    assert.ok((await within(rejection(pushes.next()))) instanceof ClosedError);
    assert.equal((await next(pushes)).done, true);
    assert.ok((await rejection(plain.add({ a: 1, b: 1 }))) instanceof ClosedError);
  });

  test("a struct field with a server default may be left out", async () => {
    const todos = await TodosClient.connect(base + TodosClient.path, options);
    const view = await TodoViewClient.connect(base + TodoViewClient.path, options);
    try {
      const owner = `ts-view-${Date.now()}`;
      const open = await todos.create(write("open", owner));
      const done = await todos.create({ data: { title: "done", owner, done: true } });
      // `query` (`#[serde(default)]`) left out: no filter.
      const all: ViewListArgs = {};
      const ids = (list: unknown): number[] => (list as Todo[]).filter((t) => t.owner === owner).map((t) => t.id);
      assert.deepEqual(ids(await view.list(all)), [open.id, done.id]);
      assert.deepEqual(ids(await view.list({ query: { done: true, owner: [owner] } })), [done.id]);
    } finally {
      await todos.endpoint.connection.close();
      await view.endpoint.connection.close();
    }
  });

  test("the routed consumer (rest-framework-channels' dialect): each generic action through typed routes", async () => {
    const rfc = await RfcTodosClient.connect(base + RfcTodosClient.path, options);
    try {
      const owner = `ts-rfc-${Date.now()}`;
      assert.equal(await rfc.ping(), "pong");
      assert.equal(rfc.route.text, "");

      // create (201) on `todos/`.
      const list = rfc.todos();
      assert.equal(list.route.text, "todos/");
      const create: TodoListCreateArgs = { data: { title: "Buy milk", owner } };
      const milk = await list.create(create);
      assert.deepEqual(milk, { id: milk.id, title: "Buy milk", done: false, owner });
      await list.create({ data: { title: "Bake bread", owner } });
      await list.create({ data: { title: "Call mum", owner } });

      // retrieve, update, partial_update and the custom toggle on `todos/<pk>/`: `pk` is the
      // route's typed parameter, not an argument.
      const detail = rfc.todosPk(milk.id);
      assert.equal(detail.route.text, `todos/${milk.id}/`);
      assert.deepEqual(await detail.retrieve(), milk);
      const update: TodoDetailUpdateArgs = { data: { title: "Buy oat milk", done: true } };
      const updated = await detail.update(update);
      // `owner` was not sent: it keeps its value, as in DRF's PUT.
      assert.deepEqual([updated.title, updated.done, updated.owner], ["Buy oat milk", true, owner]);
      const partial: TodoDetailPartialUpdateArgs = { data: { title: "Buy milk again" } };
      const patched = await detail.partialUpdate(partial);
      assert.deepEqual([patched.title, patched.done], ["Buy milk again", true]);
      assert.equal((await detail.toggle()).done, false);

      // list with a page (page size 2), filtered by owner.
      const first: TodoListListResponse = await list.list({ owner });
      assert.equal(first.count, 3);
      assert.equal(first.results.length, 2);
      assert.equal(first.previous, null);
      const pageTwo: TodoListListArgs = { owner, page: 2 };
      const second = await list.list(pageTwo);
      assert.deepEqual(second.results.map((t) => t.title), ["Call mum"]);
      assert.equal(second.next, null);
      // `next` is a route (with the route's own query string: the filters sent as arguments
      // are not in it): a raw call follows it.
      const unfiltered = await list.list({});
      assert.ok(unfiltered.next !== null);
      const followed = await list.endpoint.call<TodoListListResponse>(Route.of(unfiltered.next), "list", {});
      assert.deepEqual(followed, await list.list({ page: 2 }));

      // destroy (204); then the route's todo is gone: a typed 404.
      assert.equal(await detail.destroy(), null);
      const gone = await apiError(detail.retrieve());
      assert.equal(gone.status, 404);
      assert.equal(gone.action, "retrieve");
      assert.deepEqual(gone.messages(), ["Not found"]);

      // A validation error in DRF's shape, and the object permission's 403.
      const invalid = await apiError(list.create({ data: { title: "" } }));
      assert.equal(invalid.status, 400);
      assert.ok(invalid.field("title").length > 0);
      const locked = await list.create({ data: { title: "theirs", owner: "locked" } });
      assert.equal((await apiError(rfc.todosPk(locked.id).toggle())).status, 403);

      // A route parameter its converter refuses is an error before anything is sent.
      const refused = await rejection(rfc.todosPk(Number.NaN).retrieve());
      assert.ok(String(refused).includes("route parameter `pk`"), String(refused));
    } finally {
      await rfc.endpoint.connection.close();
    }
  });

  test("rfc replies are matched to concurrent calls by order", async () => {
    const rfc = await RfcTodosClient.connect(base + RfcTodosClient.path, options);
    try {
      const owner = `ts-rfc-order-${Date.now()}`;
      const created: Todo[] = [];
      for (const title of ["a", "b", "c", "d"]) created.push(await rfc.todos().create({ data: { title, owner } }));
      const [a, b, c, d, ping, one, two] = await Promise.all([
        ...created.map((t) => rfc.todosPk(t.id).retrieve()),
        rfc.ping(),
        rfc.todos().list({ owner, page: 1 }),
        rfc.todos().list({ owner, page: 2 }),
      ]);
      assert.deepEqual([a, b, c, d], created);
      assert.equal(ping, "pong");
      assert.deepEqual((one as TodoListListResponse).results, created.slice(0, 2));
      assert.deepEqual((two as TodoListListResponse).results, created.slice(2));
    } finally {
      await rfc.endpoint.connection.close();
    }
  });
});
