/**
 * Written by `pnpm build` (scripts/build.ts) from packages/transport/package.json; a test checks
 * that the two agree.
 *
 * @internal
 */
export const version = "0.1.0"
