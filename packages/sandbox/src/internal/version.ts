/**
 * Written by `pnpm build` (scripts/build.ts) from packages/sandbox/package.json; a test checks
 * that the two agree.
 *
 * @internal
 */
export const version = "0.1.0"
