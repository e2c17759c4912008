import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    // A worker per core: vitest's default for a run is one fewer worker than the machine has
    // cores, which on two cores left one idle. No file isolation: each worker runs its files one
    // after another in one process, evaluating effect and the packages once rather than once a
    // file (nearly half of the suite's time went to that). The test files leave no state behind
    // (servers, environment variables and timers are theirs to undo), and vitest still runs the
    // projects apart from each other.
    maxWorkers: "100%",
    isolate: false,
    projects: [
      "packages/*",
      // Tests that start several processes and measure their rates against each other (pacing
      // shared through Redis) or kill them (bulk jobs): run after every other suite has finished,
      // one file at a time, so that the machine's cores are theirs alone.
      {
        test: {
          name: "isolated",
          root: "packages/client",
          include: ["test/SharedPacing.test.ts", "test/BulkJobKill.test.ts", "test/BulkJobWorkers.test.ts"],
          setupFiles: [new URL("./vitest.setup.ts", import.meta.url).pathname],
          testTimeout: 120_000,
          poolOptions: { forks: { singleFork: true } },
          sequence: { groupOrder: 1 }
        }
      }
    ]
  }
})
