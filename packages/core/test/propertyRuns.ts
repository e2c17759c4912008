/**
 * How many runs a property test samples. Each property names the runs it takes in the default
 * `pnpm test` (sized so that the whole suite stays within minutes on two cores); the
 * `SMSCX_PROPERTY_RUNS` environment variable runs them deeper:
 *
 * - unset or empty: each property's default;
 * - `<n>x` (`10x`, `2.5x`): n times each property's default;
 * - `<n>` (`1000`): n runs for every property.
 *
 * For instance `SMSCX_PROPERTY_RUNS=20x pnpm vitest run packages/core`. A value of any other form
 * fails the run at once rather than quietly running the defaults.
 */

/** How the variable's value scales a property's default number of runs. */
export type Setting =
  | { readonly _tag: "Default" }
  | { readonly _tag: "Times"; readonly factor: number }
  | { readonly _tag: "Exactly"; readonly runs: number }

/** Reads a value of `SMSCX_PROPERTY_RUNS`; throws on a value that is neither `<n>` nor `<n>x`. */
export const parse = (value: string | undefined): Setting => {
  const text = value?.trim() ?? ""
  if (text === "") return { _tag: "Default" }
  const times = /^(\d+(?:\.\d+)?)x$/i.exec(text)
  if (times !== null && Number(times[1]) > 0) return { _tag: "Times", factor: Number(times[1]) }
  if (/^\d+$/.test(text) && Number(text) > 0) return { _tag: "Exactly", runs: Number(text) }
  throw new Error(
    `SMSCX_PROPERTY_RUNS=${JSON.stringify(value)}: expected a number of runs (1000) or a multiple of the defaults (10x)`
  )
}

/** The runs a property with `defaults` runs by default takes under `setting` (at least one). */
export const runsFor = (setting: Setting, defaults: number): number => {
  switch (setting._tag) {
    case "Default":
      return defaults
    case "Times":
      return Math.max(1, Math.round(defaults * setting.factor))
    case "Exactly":
      return setting.runs
  }
}

const setting = parse(process.env.SMSCX_PROPERTY_RUNS)

/** The number of runs for a property that takes `defaults` runs in the default test run. */
export const propertyRuns = (defaults: number): number => runsFor(setting, defaults)
