// The demo's API explorer (/explore/, chanrest::Explorer) in headless Chromium: reached from
// the todo page; `add` on /ws/plain/ through the form (a 400's field errors next to the
// fields, then a 200 sent with Ctrl+Enter after editing the JSON); the state in the URL; a
// multiplexer stream; a subscription to a todo on /ws/todos/ that receives the push of a
// change made by another page's connection, then its unsubscribe; a routed action on
// /ws/rfc/; a reply that does not match its (altered) response schema; the token sent as a
// query parameter or a cookie; a narrow screen. Screenshots go to artifacts/.
//
// CHANREST_DEMO_BIN: the demo binary (default ../../target/debug/chanrest-demo);
// CHROMIUM: the browser (default /usr/bin/chromium).

import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const demoBin = process.env.CHANREST_DEMO_BIN ?? resolve(here, "../../target/debug/chanrest-demo");
const browserPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const artifacts = join(here, "artifacts");
const database = join(tmpdir(), `chanrest-explorer-${process.pid}-${Date.now()}.db`);
const STEP_MS = 15_000;

mkdirSync(artifacts, { recursive: true });

/** Starts the demo on a free port; resolves with the process and its port once it listens. */
function startDemo() {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(demoBin, ["--addr", "127.0.0.1:0", "--database", `sqlite:${database}`], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the demo did not start within 20 s: ${out}${err}`));
    }, 20_000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolvePromise({ child, port: Number(match[1]) });
      }
    });
    child.stderr.on("data", (chunk) => {
      err += chunk;
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited (${code}) before listening: ${out}${err}`));
    });
  });
}

let server = null;
let browser = null;

after(async () => {
  if (browser !== null) await browser.close().catch(() => {});
  if (server !== null && server.child.exitCode === null) server.child.kill("SIGKILL");
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(database + suffix, { force: true });
});

async function newPage(name, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on("pageerror", (error) => console.error(`[${name}] page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") console.error(`[${name}] console: ${message.text()}`);
  });
  return page;
}

/** Waits until `check()` holds (for what the browser reports by events, not in the page). */
async function until(check, what) {
  for (let waited = 0; waited < STEP_MS; waited += 50) {
    if (check()) return;
    await sleep(50);
  }
  assert.fail(`timed out waiting for ${what()}`);
}

async function loaded(page) {
  await page.waitForSelector("body[data-loaded]");
}

/** Picks an action in the list on the left. */
async function pick(page, { path, stream = "", route = "", action }) {
  await page.click(`a[data-path="${path}"][data-stream="${stream}"][data-route="${route}"][data-action="${action}"]`);
  await page.waitForSelector(`#action-title code:text-is("${action}")`);
  await page.waitForSelector('#conn-status[data-state="connected"]');
}

/** The newest call's card once its reply is in; its sent frame, reply frame and status. */
async function lastCall(page, action) {
  const card = page.locator(`#calls li.call[data-action="${action}"]`).first();
  await card.locator(".call-reply .badge").waitFor();
  return {
    card,
    status: Number(await card.locator(".call-reply .badge").textContent()),
    sent: JSON.parse(await card.locator(".call-sent pre").textContent()),
    reply: JSON.parse(await card.locator(".call-reply pre").textContent()),
  };
}

test("the API explorer: forms, frames, subscriptions, routes, schemas", { timeout: 180_000 }, async () => {
  server = await startDemo();
  const base = `http://127.0.0.1:${server.port}`;
  browser = await chromium.launch({
    executablePath: browserPath,
    timeout: 30_000,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-quic"],
  });

  // Linked from the todo page.
  const page = await newPage("explorer");
  const sockets = [];
  page.on("websocket", (ws) => sockets.push(ws.url()));
  await page.goto(`${base}/`, { timeout: STEP_MS });
  await page.click("#explorer-link");
  await page.waitForURL(`${base}/explore/`);
  await loaded(page);
  assert.equal(await page.textContent("#api-title"), "chanrest-demo");
  // Consumers with path and dialect, routes with their patterns, pushes.
  await page.waitForSelector('#consumers section.consumer h2:has-text("Plain") code:text-is("/ws/plain/")');
  await page.waitForSelector('#consumers section.consumer:has(code:text-is("/ws/rfc/")) .dialect-rfc');
  await page.waitForSelector('#consumers .route h3 code:text-is("todos/<pk>/")');
  await page.waitForSelector('#consumers section.consumer:has(code:text-is("/ws/todos/")) details.push-list');

  // `add` on /ws/plain/: bad input, a 400, field errors next to the fields.
  await pick(page, { path: "/ws/plain/", action: "add" });
  assert.match(await page.textContent("#action-doc"), /Adds two integers/);
  assert.match(await page.textContent('.field[data-path="a"] .description'), /The first addend/);
  await page.fill("#arg-a", "two");
  assert.deepEqual(JSON.parse(await page.inputValue("#args-json")), { a: "two" });
  await page.click("#send");
  const bad = await lastCall(page, "add");
  assert.equal(bad.status, 400);
  assert.deepEqual({ action: bad.sent.action, a: bad.sent.a }, { action: "add", a: "two" });
  assert.equal(bad.reply.request_id, bad.sent.request_id);
  assert.equal(await bad.card.getAttribute("data-status"), "client");
  await page.waitForSelector('#arg-a-error:has-text("A valid integer is required.")');
  await page.waitForSelector('#arg-b-error:has-text("This field is required.")');
  assert.equal(await page.getAttribute("#arg-a", "aria-invalid"), "true");
  // The frame log: the request, then its reply, matched.
  const replyFrame = page.locator(`#frames li.frame-reply[data-request="1"]`);
  await replyFrame.waitFor();
  assert.match(await replyFrame.locator(".label").textContent(), /^reply to #1 · 400$/);
  await page.screenshot({ path: join(artifacts, "explorer-400.png"), fullPage: true });

  // The JSON editor fills the form; Ctrl+Enter sends; the reply matches its schema.
  await page.fill("#args-json", '{"a": 2, "b": 3}');
  assert.equal(await page.inputValue("#arg-a"), "2");
  assert.equal(await page.inputValue("#arg-b"), "3");
  assert.equal(await page.textContent("#arg-a-error"), "");
  await page.focus("#arg-b");
  await page.keyboard.press("Control+Enter");
  await page.waitForSelector('#calls li.call[data-action="add"][data-status="ok"]');
  const good = await lastCall(page, "add");
  assert.equal(good.status, 200);
  assert.equal(good.reply.data, 5);
  await good.card.locator(".schema-ok").waitFor();
  assert.match(await good.card.locator(".call-schema pre").textContent(), /"type": "integer"/);

  // The URL keeps the action and its arguments: a second page opens with them.
  const link = page.url();
  assert.match(link, /#path=%2Fws%2Fplain%2F&action=add&args=/);
  const other = await newPage("other");
  await other.goto(link, { timeout: STEP_MS });
  await loaded(other);
  await other.waitForSelector('#action-title code:text-is("add")');
  assert.equal(await other.inputValue("#arg-a"), "2");
  assert.equal(await other.inputValue("#arg-b"), "3");

  // A multiplexer stream: the frame is wrapped in {stream, payload}.
  await pick(other, { path: "/ws/", stream: "plain", action: "add" });
  await other.fill("#arg-a", "40");
  await other.fill("#arg-b", "2");
  await other.click("#send");
  const muxed = await lastCall(other, "add");
  assert.equal(muxed.status, 200);
  assert.equal(muxed.sent.stream, "plain");
  assert.deepEqual({ a: muxed.sent.payload.a, b: muxed.sent.payload.b }, { a: 40, b: 2 });
  assert.equal(muxed.reply.payload.data, 42);

  // The other page creates a todo (nested `data` object in the form).
  await pick(other, { path: "/ws/todos/", action: "create" });
  await other.fill("#arg-data--title", "Try the explorer");
  await other.click("#send");
  const created = await lastCall(other, "create");
  assert.equal(created.status, 201);
  assert.deepEqual(created.sent.data, { title: "Try the explorer" });
  const pk = created.reply.data.id;

  // This page subscribes to it ...
  await pick(page, { path: "/ws/todos/", action: "subscribe_instance" });
  await page.fill("#arg-pk", String(pk));
  await page.click("#send");
  const subscribed = await lastCall(page, "subscribe_instance");
  assert.equal(subscribed.status, 201);
  const sub = page.locator(`#subscriptions li.sub[data-state="live"]`);
  await sub.waitFor();

  // ... the other page changes it over its own connection ...
  await pick(other, { path: "/ws/todos/", action: "patch" });
  await other.fill("#arg-pk", String(pk));
  await other.selectOption("#arg-data--done", { label: "true" });
  assert.deepEqual(JSON.parse(await other.inputValue("#args-json")), { pk, data: { done: true } });
  await other.click("#send");
  assert.equal((await lastCall(other, "patch")).status, 200);

  // ... and this page shows the push, marked with its subscription.
  const push = page.locator("#frames li.frame-push").first();
  await push.waitFor();
  const subRequest = await sub.getAttribute("data-request");
  assert.equal(await push.getAttribute("data-request"), subRequest);
  assert.match(await push.locator(".label").textContent(), new RegExp(`^push \`update\` of subscription #${subRequest} \\(subscribe_instance\\)`));
  const pushed = JSON.parse(await push.locator("pre").textContent());
  assert.equal(pushed.data.done, true);
  assert.equal(pushed.request_id, subscribed.sent.request_id);
  await push.locator(".schema-ok").waitFor();
  await sub.filter({ hasText: "1 push" }).waitFor();
  await page.screenshot({ path: join(artifacts, "explorer-push.png"), fullPage: true });

  // Unsubscribing sends unsubscribe_instance with the subscription's request id.
  await sub.locator("button.unsubscribe").click();
  const unsubscribed = await lastCall(page, "unsubscribe_instance");
  assert.equal(unsubscribed.status, 204);
  assert.equal(unsubscribed.sent.request_id, subscribed.sent.request_id);
  await page.waitForSelector('#subscriptions li.sub[data-state="ended"]');

  // A routed action on /ws/rfc/: the route from its typed parameter.
  await pick(page, { path: "/ws/rfc/", route: "todos/<pk>/", action: "toggle" });
  assert.equal(await page.isVisible("#route-fields"), true);
  await page.fill("#route-pk", String(pk));
  assert.equal(await page.textContent("#route-text"), JSON.stringify(`todos/${pk}/`));
  await page.click("#send");
  const toggled = await lastCall(page, "toggle");
  assert.equal(toggled.status, 200);
  assert.deepEqual(toggled.sent, { action: "toggle", route: `todos/${pk}/` });
  assert.equal(toggled.reply.route, `todos/${pk}/`);
  assert.equal(toggled.reply.data.done, false);
  await toggled.card.locator(".schema-ok").waitFor();
  // A parameter its converter refuses is not sent.
  await pick(page, { path: "/ws/rfc/", route: "todos/<pk>/", action: "retrieve" });
  await page.fill("#route-pk", "a/b");
  await page.waitForSelector('#route-error:has-text("route parameter `pk`")');
  const before = await page.locator("#frames li.frame-sent").count();
  await page.click("#send");
  await page.waitForSelector('#route-error:has-text("route parameter `pk`")');
  assert.equal(await page.locator("#frames li.frame-sent").count(), before);
  await page.fill("#route-pk", String(pk));
  await page.click("#send");
  assert.equal((await lastCall(page, "retrieve")).status, 200);
  await page.screenshot({ path: join(artifacts, "explorer-rfc.png"), fullPage: true });

  // A reply that does not match its schema is marked (the manifest altered on its way in:
  // the explorer reads whatever manifest it is given).
  const strict = await newPage("altered manifest");
  await strict.route("**/manifest.json", async (route) => {
    const response = await route.fetch();
    const manifest = await response.json();
    const plain = manifest.consumers.find((c) => c.path === "/ws/plain/");
    plain.actions.find((a) => a.name === "add").response = { type: "string" };
    await route.fulfill({ response, json: manifest });
  });
  await strict.goto(`${base}/explore/#path=%2Fws%2Fplain%2F&action=add&args=%7B%22a%22%3A1%2C%22b%22%3A1%7D`);
  await loaded(strict);
  await strict.waitForSelector('#conn-status[data-state="connected"]');
  await strict.click("#send");
  const mismatch = await lastCall(strict, "add");
  assert.equal(mismatch.status, 200);
  assert.match(await mismatch.card.locator(".schema-bad").textContent(), /data: expected string, got integer/);

  // The token: as the query parameter, then as the cookie.
  const opened = sockets.length;
  await page.fill("#token", "s3cret");
  await page.click('#auth button[type="submit"]');
  await page.waitForFunction(() => document.getElementById("frames-url").textContent.includes("?token=…"));
  await until(() => sockets.length > opened, () => `a new socket after ${sockets.join(", ")}`);
  assert.equal(sockets[sockets.length - 1], `ws://127.0.0.1:${server.port}/ws/rfc/?token=s3cret`);
  await page.waitForSelector('#conn-status[data-state="connected"]');
  const reopened = sockets.length;
  await page.selectOption("#token-mode", "cookie");
  await page.click('#auth button[type="submit"]');
  await page.waitForFunction(() => !document.getElementById("frames-url").textContent.includes("?token="));
  await until(() => sockets.length > reopened, () => `a new socket after ${sockets.join(", ")}`);
  assert.equal(sockets[sockets.length - 1], `ws://127.0.0.1:${server.port}/ws/rfc/`);
  const cookies = await page.context().cookies(base);
  assert.ok(cookies.some((c) => c.name === "token" && c.value === "s3cret"));
  await page.waitForSelector('#conn-status[data-state="connected"]');
  // The socket still works after the change.
  await page.click("#send");
  assert.equal((await lastCall(page, "retrieve")).status, 200);

  // A narrow screen: one column, nothing wider than the screen.
  const narrow = await newPage("narrow", { width: 390, height: 844 });
  await narrow.goto(link, { timeout: STEP_MS });
  await loaded(narrow);
  await narrow.waitForSelector('#conn-status[data-state="connected"]');
  await narrow.click("#send");
  await lastCall(narrow, "add");
  assert.ok(await narrow.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  await narrow.screenshot({ path: join(artifacts, "explorer-narrow.png"), fullPage: true });
});
