// The demo's web page in a real headless browser: Debian's /usr/bin/chromium driven by
// playwright-core (no browser download). Two pages on one demo server: a todo created in one
// appears in the other, an invalid title shows the validation message under the field, and
// after the server is killed and restarted on the same port (same SQLite file) both pages
// reconnect and resubscribe. Screenshots go to artifacts/.
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
const database = join(tmpdir(), `chanrest-browser-${process.pid}-${Date.now()}.db`);
const STEP_MS = 15_000;

mkdirSync(artifacts, { recursive: true });

/** Starts the demo on `addr`; resolves with the process and its port once it listens. */
function startDemo(addr) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(demoBin, ["--addr", addr, "--database", `sqlite:${database}`], {
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

/** Starts the demo on a port that was just freed, retrying while it is still taken. */
async function restartDemo(port) {
  let last;
  for (let attempt = 0; attempt < 20; attempt += 1) {
    try {
      return await startDemo(`127.0.0.1:${port}`);
    } catch (error) {
      last = error;
      await sleep(250);
    }
  }
  throw last;
}

function stop(child) {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolvePromise();
    const timer = setTimeout(resolvePromise, 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolvePromise();
    });
    child.kill("SIGKILL");
  });
}

let server = null;
let browser = null;

after(async () => {
  if (browser !== null) await browser.close().catch(() => {});
  if (server !== null) await stop(server.child);
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(database + suffix, { force: true });
});

async function openPage(url, name) {
  const page = await browser.newPage({ viewport: { width: 900, height: 640 } });
  page.setDefaultTimeout(STEP_MS);
  page.on("pageerror", (error) => console.error(`[${name}] page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") console.error(`[${name}] console: ${message.text()}`);
  });
  await page.goto(url, { timeout: STEP_MS });
  await page.waitForSelector('#status[data-state="connected"]');
  await page.waitForSelector("body[data-loaded]");
  return page;
}

async function addTodo(page, title) {
  await page.fill("#new-title", title);
  await page.press("#new-title", "Enter");
}

const item = (page, title) => page.locator("#todos li", { hasText: title });

test("the todo page: live updates, validation errors, reconnection", { timeout: 120_000 }, async () => {
  server = await startDemo("127.0.0.1:0");
  const url = `http://127.0.0.1:${server.port}/`;
  browser = await chromium.launch({
    executablePath: browserPath,
    timeout: 30_000,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  const first = await openPage(url, "first");
  const second = await openPage(url, "second");

  // Created in one page, shown in the other (a `create` push of subscribe_list).
  await addTodo(first, "Water the plants");
  await item(second, "Water the plants").waitFor();
  await addTodo(second, "Write the release notes");
  await item(first, "Write the release notes").waitFor();
  assert.equal(await first.inputValue("#new-title"), "");

  // Toggled in one page, done in the other (an `update` push).
  await item(second, "Water the plants").locator("input.toggle").check();
  await first.waitForSelector('#todos li.done:has-text("Water the plants")');

  // Edited in one page, renamed in the other.
  await item(first, "Write the release notes").locator("button.edit").click();
  await first.fill("#todos input.edit-title", "Write the changelog");
  await first.press("#todos input.edit-title", "Enter");
  await item(second, "Write the changelog").waitFor();

  // A validation error (400) shows next to its field.
  await addTodo(first, "");
  await first.waitForSelector("#new-error:has-text('This field may not be blank.')");
  assert.equal(await first.getAttribute("#new-title", "aria-invalid"), "true");
  await addTodo(first, "x".repeat(201));
  await first.waitForSelector("#new-error:has-text('Ensure this field has no more than 200 characters.')");
  await first.screenshot({ path: join(artifacts, "validation-error.png") });
  // ... and in the edit form too.
  await item(second, "Write the changelog").locator("button.edit").click();
  await second.fill("#todos input.edit-title", "");
  await second.press("#todos input.edit-title", "Enter");
  await second.waitForSelector("#todos .edit-error:has-text('This field may not be blank.')");
  await second.press("#todos input.edit-title", "Escape");
  await first.fill("#new-title", "");

  // Deleted in one page, gone from the other (a `delete` push).
  await addTodo(second, "Temporary");
  await item(first, "Temporary").waitFor();
  await item(first, "Temporary").locator("button.delete").click();
  await item(second, "Temporary").waitFor({ state: "detached" });

  // The server goes away: both pages say so ...
  await stop(server.child);
  await first.waitForSelector('#status[data-state="reconnecting"]');
  await second.waitForSelector('#status[data-state="reconnecting"]');
  await first.screenshot({ path: join(artifacts, "reconnecting.png") });

  // ... and come back when it does (same port, same database), resubscribed.
  server = await restartDemo(server.port);
  for (const page of [first, second]) {
    await page.waitForSelector('#status[data-state="connected"][data-generation="2"]', { timeout: 30_000 });
    await item(page, "Water the plants").waitFor();
  }
  await addTodo(first, "Fix the bike");
  await item(second, "Fix the bike").waitFor();
  await item(first, "Fix the bike").locator("input.toggle").check();
  await second.waitForSelector('#todos li.done:has-text("Fix the bike")');
  await addTodo(second, "Call the plumber");
  await item(first, "Call the plumber").waitFor();

  assert.equal(await first.locator("#todos li").count(), 4);
  assert.equal(await second.locator("#todos li").count(), 4);
  await first.screenshot({ path: join(artifacts, "todos.png") });
});
