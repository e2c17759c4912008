import { addEqualityTesters } from "@effect/vitest"
import { afterEach } from "vitest"

addEqualityTesters()

// Let the event loop turn between tests. vitest's runner goes from test to test through promise
// jobs only, and a file of many CPU-bound tests whose effects complete synchronously (the
// property tests of core/Schemas and core/JsonGuard) then never reaches the loop's I/O phase: the
// worker's pending `onTaskUpdate` RPC reply sits unread while its 60 s timer fires ("Timeout
// calling onTaskUpdate"), and the run fails though every test passed. A setImmediate resolves
// after the poll phase, where the reply is read.
afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)))
