/**
 * Runs the CLI's main effect (as `NodeRuntime.runMain` does, without `@effect/platform-node`):
 * failures are reported, and SIGINT or SIGTERM interrupts it, so that its finalizers run (the
 * server closes), then the process exits.
 */
import { makeRunMain } from "@effect/platform/Runtime"

/**
 * @internal
 */
export const runMain = makeRunMain(({ fiber, teardown }) => {
  // the main fiber waits on the server, which alone would not keep the process alive
  const keepAlive = setInterval(() => {}, 2 ** 31 - 1)
  let signalled = false
  const onSignal = () => {
    signalled = true
    process.off("SIGINT", onSignal)
    process.off("SIGTERM", onSignal)
    fiber.unsafeInterruptAsFork(fiber.id())
  }
  process.on("SIGINT", onSignal)
  process.on("SIGTERM", onSignal)
  fiber.addObserver((exit) => {
    process.off("SIGINT", onSignal)
    process.off("SIGTERM", onSignal)
    clearInterval(keepAlive)
    teardown(exit, (code) => {
      if (signalled || code !== 0) process.exit(code)
    })
  })
})
