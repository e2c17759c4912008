import { assert, describe, it } from "vitest"
import { type Entry, InFlight } from "../src/internal/inFlight.js"

/** The values of an entry's neighbours: the one before it, the one after it. */
const neighbours = (entry: Entry<string>) => [entry.prev?.value, entry.next?.value]

describe("InFlight", () => {
  it("lists what was added and not yet deleted, newest first", () => {
    const inFlight = new InFlight<string>()
    const a = inFlight.add("a")
    const b = inFlight.add("b")
    const c = inFlight.add("c")
    assert.deepStrictEqual(inFlight.values(), ["c", "b", "a"])
    inFlight.delete(b)
    assert.deepStrictEqual(inFlight.values(), ["c", "a"])
    inFlight.delete(c)
    assert.deepStrictEqual(inFlight.values(), ["a"])
    const d = inFlight.add("d")
    assert.deepStrictEqual(inFlight.values(), ["d", "a"])
    inFlight.delete(a)
    inFlight.delete(d)
    assert.deepStrictEqual(inFlight.values(), [])
  })

  it("deletes an entry once: deleting it again changes nothing", () => {
    const inFlight = new InFlight<number>()
    const one = inFlight.add(1)
    const two = inFlight.add(2)
    inFlight.delete(one)
    inFlight.delete(one)
    assert.deepStrictEqual(inFlight.values(), [2])
    inFlight.delete(two)
    inFlight.delete(two)
    inFlight.delete(one)
    assert.deepStrictEqual(inFlight.values(), [])
    inFlight.add(3)
    assert.deepStrictEqual(inFlight.values(), [3])
  })

  it("keeps no link to a deleted entry, nor the entry to its neighbours", () => {
    const inFlight = new InFlight<string>()
    const a = inFlight.add("a")
    const b = inFlight.add("b")
    const c = inFlight.add("c")
    assert.deepStrictEqual(neighbours(b), ["c", "a"])
    inFlight.delete(b)
    assert.deepStrictEqual(neighbours(b), [undefined, undefined])
    assert.deepStrictEqual(neighbours(c), [undefined, "a"])
    assert.deepStrictEqual(neighbours(a), ["c", undefined])
  })

  it("clear() forgets all; their later deletes leave the new list alone", () => {
    const inFlight = new InFlight<string>()
    const a = inFlight.add("a")
    const b = inFlight.add("b")
    inFlight.clear()
    assert.deepStrictEqual(inFlight.values(), [])
    const c = inFlight.add("c")
    inFlight.delete(b)
    inFlight.delete(a)
    assert.deepStrictEqual(inFlight.values(), ["c"])
    inFlight.delete(c)
    assert.deepStrictEqual(inFlight.values(), [])
  })
})
