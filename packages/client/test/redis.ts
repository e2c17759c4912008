/**
 * Redis for the tests that need one (RedisPacing.test.ts, SharedPacing.test.ts): what this machine
 * offers, and what a suite does without it. In CI (`CI=true`, as .ci/run sets it) a missing Redis
 * fails the suite; elsewhere the suite is skipped, and a line on stderr says so and why (a
 * skipped suite must not pass for a run one).
 */
import { spawnSync } from "node:child_process"
import { assert, describe, it } from "vitest"

/** A Redis to use as it is (`SMSCX_TEST_REDIS_URL`): CI starts one (see .ci/run). */
export const givenUrl: string | undefined = process.env.SMSCX_TEST_REDIS_URL?.trim() || undefined

/** Whether a `redis-server` can be started here (a suite then runs servers of its own). */
export const hasServer: boolean = spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0

/** Whether this is a CI run, where nothing may be skipped for want of Redis. */
export const inCi: boolean = ["true", "1"].includes(process.env.CI?.toLowerCase() ?? "")

/**
 * Whether the suite `name` runs: `missing` says what it lacks (undefined: nothing). In CI a
 * missing Redis registers a test that fails with `missing`; elsewhere it prints
 * `<name>: skipped, <missing>` on stderr. Call it at the top level of the test file.
 */
export const suiteRuns = (name: string, missing: string | undefined): boolean => {
  if (missing === undefined) return true
  if (inCi) {
    describe(name, () => {
      it("has the Redis it needs", () => {
        assert.fail(`${missing} (CI=true: the suite may not be skipped)`)
      })
    })
  } else {
    process.stderr.write(`${name}: skipped, ${missing} (in CI this fails)\n`)
  }
  return false
}
