/**
 * A schema built on first use. The generated modules describe some 400 schemas; building them
 * all (each `Schema.Struct`, `.annotations`, `.pipe` makes a class) was most of the time a cold
 * import of the SDK took, while a program uses a few. A lazy schema is a stand-in of the same
 * type that builds the schema the first time anything reads it (`.ast`, `.fields`, a decode, a
 * `pipe`), then forwards every operation to it: Effect and users see a schema like any other.
 *
 * @since 0.4.0
 */
import type * as Schema from "effect/Schema"

/**
 * The proxy's target: a function (every schema of Effect 3 is a class) that holds how to build
 * the schema, then the schema.
 */
interface Stub {
  (): void
  make: (() => object) | undefined
  value: object | undefined
}

const built = (stub: Stub): object => {
  if (stub.make !== undefined) {
    const value = stub.make()
    // a proxy may not report a non-configurable property (a class's `prototype`) otherwise than
    // its target holds it
    const prototype = Object.getOwnPropertyDescriptor(value, "prototype")
    Object.defineProperty(stub, "prototype", { value: prototype?.value, writable: prototype?.writable ?? true })
    stub.value = value
    stub.make = undefined
  }
  return stub.value!
}

// Every operation goes to the built schema: `Reflect` has a function of each proxy trap's name and
// signature (`new` goes through too: `new.target`'s `prototype` is read through the proxy). But
// extensibility is the stub's (a proxy must report its target's), and the stub refuses to be made
// non-extensible, which would bind it to the schema's keys. `util.inspect` shows a proxy's target
// rather than asking the proxy: the stub's own inspection shows the schema.
const handler: Record<string, unknown> = {}
for (const trap of Object.getOwnPropertyNames(Reflect)) {
  handler[trap] = (stub: Stub, ...args: Array<unknown>) =>
    (Reflect[trap as keyof typeof Reflect] as (target: object, ...args: Array<unknown>) => unknown)(
      built(stub),
      ...args
    )
}
delete handler.isExtensible
handler.preventExtensions = () => false
// the read every use of a schema makes (`.ast`): without the rest of the arguments, and with the
// schema as the `this` of its getters (a class schema caches its AST by `this`)
handler.get = (stub: Stub, key: PropertyKey) => Reflect.get(built(stub), key)

/**
 * A schema built by `make` on first use, of the type `make` returns. It refuses to be frozen.
 * @internal
 */
export const lazySchema = <S extends Schema.Schema.All>(make: () => S): S => {
  const stub = function() {} as Stub
  // the stub's own properties are configurable: a proxy may report them as absent
  stub.make = make
  ;(stub as unknown as Record<symbol, unknown>)[Symbol.for("nodejs.util.inspect.custom")] = (
    _: number,
    options: object,
    inspect: (value: unknown, options: object) => string
  ) => inspect(built(stub), options)
  return new Proxy(stub, handler as ProxyHandler<Stub>) as unknown as S
}
