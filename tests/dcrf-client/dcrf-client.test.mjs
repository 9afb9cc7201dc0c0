// The npm `dcrf-client` package, unmodified, against the chanrest demo server's multiplexed
// endpoint /ws/ (stream "todos"): create, retrieve, list, update, patch, delete, an instance
// subscription receiving its update and delete pushes, and a cancelled subscription.
//
// Run: `npm test` here, after `cargo build` (or set CHANREST_DEMO_BIN to the demo binary).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const require = createRequire(import.meta.url);
const dcrf = require('dcrf-client').default;
const WebSocket = require('ws');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const demoBin = process.env.CHANREST_DEMO_BIN ?? path.join(root, 'target', 'debug', 'chanrest-demo');

let demo;
let url;

before(async () => {
  demo = spawn(demoBin, ['--addr', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the demo did not start in 20 s')), 20000);
    demo.on('error', reject);
    demo.stdout.setEncoding('utf8');
    let buffered = '';
    demo.stdout.on('data', (chunk) => {
      buffered += chunk;
      const match = buffered.match(/listening on http:\/\/(\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve(`ws://${match[1]}/ws/`);
      }
    });
  });
});

after(() => demo?.kill());

/** A client as a DCRF front end would configure it (the serializer's key is `id`). */
function connect() {
  return dcrf.connect(url, {
    pkField: 'id',
    websocket: { WebSocket, maxRetries: 3 },
  });
}

/** Resolves with the next call of a subscription callback, or rejects after `ms`. */
function nextEvent(events, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no subscription event in time')), ms);
    events.waiters.push((event) => {
      clearTimeout(timer);
      resolve(event);
    });
  });
}

function recorder() {
  const events = { received: [], waiters: [] };
  events.callback = (data, action) => {
    const event = { data, action };
    events.received.push(event);
    const waiter = events.waiters.shift();
    if (waiter) waiter(event);
  };
  return events;
}

test('CRUD through dcrf-client', async () => {
  const client = connect();
  try {
    const created = await client.create('todos', { title: 'From dcrf-client' });
    assert.equal(created.title, 'From dcrf-client');
    assert.equal(created.done, false);
    assert.equal(typeof created.id, 'number');

    assert.deepEqual(await client.retrieve('todos', created.id), created);
    const listed = await client.list('todos');
    assert.ok(listed.some((todo) => todo.id === created.id));

    const updated = await client.update('todos', created.id, { title: 'Updated', done: true });
    assert.deepEqual(updated, { ...created, title: 'Updated', done: true });
    const patched = await client.patch('todos', created.id, { owner: 'ada' });
    assert.deepEqual(patched, { ...updated, owner: 'ada' });

    assert.equal(await client.delete('todos', created.id), null);
    await assert.rejects(client.retrieve('todos', created.id), (payload) => {
      assert.equal(payload.response_status, 404);
      assert.deepEqual(payload.errors, ['Not found']);
      return true;
    });
    await assert.rejects(client.create('todos', { title: '' }), (payload) => {
      assert.equal(payload.response_status, 400);
      assert.deepEqual(payload.errors, [{ title: ['This field may not be blank.'] }]);
      return true;
    });
  } finally {
    client.close();
  }
});

test('instance subscription: update and delete pushes, then cancel', async () => {
  const client = connect();
  const writer = connect();
  try {
    const todo = await writer.create('todos', { title: 'Watched' });
    const events = recorder();
    const subscription = client.subscribe('todos', todo.id, events.callback);
    await subscription;

    const updateSeen = nextEvent(events);
    await writer.patch('todos', todo.id, { done: true });
    const update = await updateSeen;
    assert.equal(update.action, 'update');
    assert.deepEqual(update.data, { ...todo, done: true });

    const deleteSeen = nextEvent(events);
    await writer.delete('todos', todo.id);
    const deleted = await deleteSeen;
    assert.equal(deleted.action, 'delete');
    assert.deepEqual(deleted.data, { id: todo.id });

    // A cancelled subscription hears nothing more.
    const other = await writer.create('todos', { title: 'Briefly watched' });
    const quiet = recorder();
    const cancelled = client.subscribe('todos', other.id, quiet.callback);
    await cancelled;
    cancelled.cancel();
    await writer.patch('todos', other.id, { done: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(quiet.received, []);
    assert.equal(events.received.length, 2);
  } finally {
    client.close();
    writer.close();
  }
});
