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

/** `util.inspect` shows a proxy's target rather than asking the proxy: the target shows the schema. */
const inspectSymbol = Symbol.for("nodejs.util.inspect.custom")

// Each trap forwards to the built schema. The target only stands in for it: a function (every
// schema of Effect 3 is a class), given the schema's `prototype` when it is built, since a proxy
// may not report a non-configurable property otherwise than its target holds it.
type Target = (...args: Array<never>) => unknown

class Lazy implements ProxyHandler<Target> {
  #make: (() => Target) | undefined
  #value: Target | undefined
  proxy: Target | undefined
  constructor(make: () => Target, readonly target: Target) {
    this.#make = make
  }
  get value(): Target {
    if (this.#value === undefined) {
      const value = this.#make!()
      const prototype = Object.getOwnPropertyDescriptor(value, "prototype")
      Object.defineProperty(this.target, "prototype", {
        value: prototype?.value,
        writable: prototype?.writable ?? true
      })
      this.#value = value
      this.#make = undefined
    }
    return this.#value
  }
  get(_: Target, key: PropertyKey) {
    return Reflect.get(this.value, key)
  }
  set(_: Target, key: PropertyKey, value: unknown) {
    return Reflect.set(this.value, key, value)
  }
  has(_: Target, key: PropertyKey) {
    return Reflect.has(this.value, key)
  }
  ownKeys() {
    return Reflect.ownKeys(this.value)
  }
  getOwnPropertyDescriptor(_: Target, key: PropertyKey) {
    return Reflect.getOwnPropertyDescriptor(this.value, key)
  }
  defineProperty(_: Target, key: PropertyKey, descriptor: PropertyDescriptor) {
    return Reflect.defineProperty(this.value, key, descriptor)
  }
  deleteProperty(_: Target, key: PropertyKey) {
    return Reflect.deleteProperty(this.value, key)
  }
  getPrototypeOf() {
    return Reflect.getPrototypeOf(this.value)
  }
  setPrototypeOf(_: Target, prototype: object | null) {
    return Reflect.setPrototypeOf(this.value, prototype)
  }
  // the stand-in stays extensible (its invariants would otherwise bind the schema's keys to its own)
  preventExtensions() {
    return false
  }
  apply(_: Target, self: unknown, args: Array<unknown>) {
    return Reflect.apply(this.value, self, args)
  }
  construct(_: Target, args: Array<unknown>, newTarget: Target) {
    return Reflect.construct(this.value, args, newTarget === this.proxy ? this.value : newTarget)
  }
}

/**
 * A schema built by `make` on first use, of the type `make` returns.
 * @internal
 */
export const lazySchema = <S extends Schema.Schema.All>(make: () => S): S => {
  const target = function() {}
  // every schema of Effect 3 is a class
  const handler = new Lazy(make as unknown as () => Target, target)
  // configurable: a proxy may report a target's configurable property as absent
  Object.defineProperty(target, inspectSymbol, {
    configurable: true,
    value: (_depth: number, options: object, inspect: (value: unknown, options: object) => string) =>
      inspect(handler.value, options)
  })
  handler.proxy = new Proxy(target, handler)
  return handler.proxy as unknown as S
}
