import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    projects: [
      "packages/*",
      // Tests that start several processes and measure their rates against each other (pacing
      // shared through Redis): run after every other suite has finished, so that the machine's
      // cores are theirs alone.
      {
        test: {
          name: "isolated",
          root: "packages/client",
          include: ["test/SharedPacing.test.ts"],
          setupFiles: [new URL("./vitest.setup.ts", import.meta.url).pathname],
          testTimeout: 120_000,
          sequence: { groupOrder: 1 }
        }
      }
    ]
  }
})
