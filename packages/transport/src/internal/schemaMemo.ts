import type * as Schema from "effect/Schema"

/**
 * Memoizes a function of a schema (its compiled encoder or decoder): built on first use, once per
 * schema, not once per call.
 *
 * @internal
 */
export const schemaMemo = <A>(build: (schema: Schema.Schema.AnyNoContext) => A) => {
  const cache = new WeakMap<Schema.Schema.AnyNoContext, A>()
  return (schema: Schema.Schema.AnyNoContext): A => {
    let value = cache.get(schema)
    if (value === undefined) {
      value = build(schema)
      cache.set(schema, value)
    }
    return value
  }
}
