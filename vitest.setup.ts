import { addEqualityTesters } from "@effect/vitest"
import { afterEach } from "vitest"

// Once per worker: without file isolation (vitest.config.ts) this file runs before every test
// file in the same process, and each call would add the same tester again.
const testersAdded = Symbol.for("smscx-ts/test/equalityTesters")
if (!(testersAdded in globalThis)) {
  addEqualityTesters()
  Object.defineProperty(globalThis, testersAdded, { value: true })
}

// Let the event loop turn between tests. vitest's runner goes from test to test through promise
// jobs only, and a file of many CPU-bound tests whose effects complete synchronously (the
// property tests of core/Schemas and core/JsonGuard) then never reaches the loop's I/O phase: the
// worker's pending `onTaskUpdate` RPC reply sits unread while its 60 s timer fires ("Timeout
// calling onTaskUpdate"), and the run fails though every test passed. A setImmediate resolves
// after the poll phase, where the reply is read.
afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)))
