import { test } from "node:test";
import assert from "node:assert/strict";
import { envOptionsFromEnvironment } from "./options.js";

test("BABYAI_DONE_ACTIONS maps to the env option doneActions when non-empty, as Python reads it", () => {
  assert.deepEqual(envOptionsFromEnvironment({}), {});
  assert.deepEqual(envOptionsFromEnvironment({ BABYAI_DONE_ACTIONS: "" }), {});
  assert.deepEqual(envOptionsFromEnvironment({ BABYAI_DONE_ACTIONS: "1" }), { doneActions: true });
});
