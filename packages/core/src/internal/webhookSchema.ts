/**
 * How a callback body's schema is made from the generated one, for `internal/webhookPayloads.ts`
 * (generated from the spec's webhooks): items whose enums also take values the SDK does not know
 * yet, and an `event` pinned to the events the kind carries.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

/** Any other string than the known values, typed so that the known ones still complete. @internal */
const OtherValue = Schema.String as unknown as Schema.Schema<string & {}, string>

/**
 * A field whose closed string enum also takes any other string (exported so that the generated
 * payloads' declarations can name it).
 * @internal
 */
type Open<F> = F extends Schema.Literal<infer L>
  ? L extends ReadonlyArray<string> ? Schema.Union<[Schema.Literal<L>, typeof OtherValue]> : F
  : F

/** @internal */
type OpenFields<F extends Schema.Struct.Fields> = { readonly [K in keyof F]: Open<F[K]> }

const isStringLiteral = (ast: AST.AST) => AST.isLiteral(ast) && typeof ast.literal === "string"
const isStringEnum = (ast: AST.AST) => isStringLiteral(ast) || (AST.isUnion(ast) && ast.types.every(isStringLiteral))
const stringsOf = (ast: AST.AST): Array<string> =>
  AST.isUnion(ast) ? ast.types.flatMap(stringsOf) : AST.isLiteral(ast) ? [String(ast.literal)] : []

/**
 * A generated item schema whose enum fields also take values the SDK does not know: a closed
 * `Schema.Literal("a", "b")` becomes `"a" | "b" | (string & {})`. (Enums the generator already
 * leaves open are kept as they are.)
 * @internal
 */
export const openItem = <F extends Schema.Struct.Fields>(schema: Schema.Struct<F>, identifier: string) => {
  const fields: Record<string, Schema.Struct.Field> = {}
  for (const [key, field] of Object.entries(schema.fields)) {
    fields[key] = Schema.isSchema(field) && isStringEnum(field.ast)
      ? Schema.Union(
        field,
        // generated samples keep to the known values
        OtherValue.annotations({ arbitrary: () => (fc) => fc.constantFrom(...stringsOf(field.ast)) })
      )
      : field
  }
  // each field is the generated one, or (exactly where `Open` says so) its union with any string
  return Schema.Struct(fields as OpenFields<F>).annotations({ identifier })
}

/**
 * A callback body: the generated one, with its items' enums open, and its `event` pinned to the
 * literals that kind carries (the discriminator stays closed: an unknown event is an error).
 * @internal
 */
export const callback = <
  F extends Schema.Struct.Fields,
  E extends Schema.Struct.Field,
  I extends Schema.Schema.AnyNoContext
>(
  generated: Schema.Struct<F>,
  event: E,
  item: I,
  identifier: string
) =>
  Schema.Struct({ ...generated.fields, event, data: Schema.Array(item) }).annotations({
    identifier: `@smscx/core/Webhooks/${identifier}`
  })
