// Unit tests of the runtime's pure parts: backoff and the typed error's helpers.

import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError, ChanrestError, reconnectDelay, type ReconnectOptions } from "chanrest-client";

const policy: ReconnectOptions = {
  enabled: true,
  initialDelayMs: 100,
  maxDelayMs: 1000,
  multiplier: 2,
  jitter: 0.3,
  maxAttempts: null,
};

test("backoff grows to the cap, with bounded jitter", () => {
  for (let i = 0; i < 100; i++) {
    const first = reconnectDelay(policy, 1);
    assert.ok(first <= 100 && first >= 70, String(first));
    const third = reconnectDelay(policy, 3);
    assert.ok(third <= 400 && third >= 280, String(third));
    const late = reconnectDelay(policy, 40);
    assert.ok(late <= 1000 && late >= 700, String(late));
  }
  assert.equal(reconnectDelay({ ...policy, jitter: 0 }, 2), 200);
});

test("ApiError exposes status, messages and field errors", () => {
  const err = new ApiError("add", 400, [{ a: ["bad"] }, "plain"]);
  assert.ok(err instanceof ChanrestError);
  assert.ok(err instanceof Error);
  assert.equal(err.name, "ApiError");
  assert.equal(err.status, 400);
  assert.deepEqual(err.messages(), ["plain"]);
  assert.deepEqual(err.field("a"), ["bad"]);
  assert.deepEqual(err.field("b"), []);
  assert.deepEqual(err.fieldErrors(), { a: ["bad"] });
});
