/**
 * Export file names from `Content-Disposition`: whatever the server says, the name given is safe
 * to create in a folder on Linux, macOS and Windows, or there is none.
 */
import { assert, describe, it } from "@effect/vitest"
import { fileNameOf } from "../src/internal/contentDisposition.js"

const plain = (name: string) => fileNameOf(`attachment; filename="${name.replace(/["\\]/g, "\\$&")}"`)
const extended = (name: string) => fileNameOf(`attachment; filename*=UTF-8''${encodeURIComponent(name)}`)

/** What Windows refuses, and what hides or disguises a name anywhere. */
const assertSafe = (name: string | undefined) => {
  if (name === undefined) return
  assert.notMatch(name, /^[.\s]|[.\s]$/, `${name}: no leading dot, no trailing dot or space`)
  // eslint-disable-next-line no-control-regex
  assert.notMatch(name, /[\u0000-\u001f\u007f<>:"/\\|?*\u202e]/, `${name}: no character Windows refuses`)
  assert.notMatch(name, /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i, `${name}: not a device name`)
  assert.isAtMost(new TextEncoder().encode(name).byteLength, 255, "at most 255 bytes")
}

describe("Content-Disposition file names", () => {
  it("the hostile names of issue 16, by either parameter", () => {
    for (const read of [plain, extended]) {
      const cases: ReadonlyArray<[string, string | undefined]> = [
        [".bashrc", "bashrc"],
        ["CON", "_CON"],
        ["con.csv", "_con.csv"],
        ["LPT9.txt", "_LPT9.txt"],
        ["x.csv:evil", "x.csv_evil"],
        ["....", undefined],
        [". . .", undefined],
        ["report.csv. . ", "report.csv"],
        ["../../Windows/win.ini", "win.ini"],
        ["a<b>c|d?e*f\"g.csv", "a_b_c_d_e_f_g.csv"],
        ["evil\u202Evsc.exe", "evil_vsc.exe"],
        ["tab\there.csv", "tab_here.csv"],
        ["package.json", "package.json"],
        ["rapport été.csv", "rapport été.csv"]
      ]
      for (const [given, expected] of cases) {
        const name = read(given)
        assert.strictEqual(name, expected, given)
        assertSafe(name)
      }
    }
  })

  it("a Windows path is reduced to its last part", () => {
    assert.strictEqual(extended("..\\..\\Windows\\win.ini"), "win.ini")
    assert.strictEqual(plain("..\\..\\Windows\\win.ini"), "win.ini")
  })

  it("a 4,004-character name is cut to 255 bytes, its extension kept", () => {
    // (headers past 4,096 characters give no name: the percent-encoded ones stay under it)
    for (const stem of ["a".repeat(4_000), "é".repeat(600), "😀".repeat(300)]) {
      for (const read of [plain, extended]) {
        const name = read(`${stem}.csv`)!
        assertSafe(name)
        assert.isTrue(name.endsWith(".csv"), name.slice(-10))
        assert.isAbove(new TextEncoder().encode(name).byteLength, 240)
        assert.notInclude(name, "\ufffd", "no code point cut in half")
      }
    }
  })

  it("nothing left, or no header: no name", () => {
    for (const header of [undefined, "attachment", "attachment; filename=\"\"", "attachment; filename=\"/\""]) {
      assert.isUndefined(fileNameOf(header), String(header))
    }
  })
})
