/**
 * The SDK's Promise client, stripe and openai as an npm user installs them: each with
 * `npm install --omit=dev --ignore-scripts --prefer-offline` into a temp project of its own, the
 * SDK from its packed tarball (`pnpm pack` of the built package, which is self-contained: Effect
 * and the @smscx packages it uses are inlined by its build), stripe and openai from the npm
 * registry at the versions the bench depends on. Builds the packages first (`pnpm build`) if they are not
 * built, or were built before their sources last changed. Shared by the cold import and install
 * size sections, done once a run; the temp folder is removed on exit. An install that fails (say,
 * the registry is unreachable) is `skipped`, with npm's reason.
 */
import { execFile } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"

const exec = promisify(execFile)
const root = fileURLToPath(new URL("..", import.meta.url))
const bench = fileURLToPath(new URL(".", import.meta.url))

/** The installed subjects, by the module a user imports. */
export type Subject = "@smscx/promise" | "stripe" | "openai"
export const subjects: ReadonlyArray<Subject> = ["@smscx/promise", "stripe", "openai"]

export type Installed =
  | { readonly subject: Subject; readonly dir: string; readonly version: string }
  | { readonly subject: Subject; readonly skipped: string }

/** The packages whose tarballs the bench installs: the Promise client, alone (it has no dependency). */
const smscxPackages = ["promise"] as const

/** The packages whose sources the Promise client's bundle is built from. */
const inlined = ["core", "transport", "client", "promise"] as const

let tmp: string | undefined
const tempDir = () => {
  if (tmp === undefined) {
    const made = Fs.mkdtempSync(Path.join(Os.tmpdir(), "smscx-bench-"))
    tmp = made
    process.on("exit", () => Fs.rmSync(made, { recursive: true, force: true }))
  }
  return tmp
}

const versionIn = (dir: string) =>
  (JSON.parse(Fs.readFileSync(Path.join(dir, "package.json"), "utf8")) as { version: string }).version

/** The latest modification time of a file under `dir` (0 when there is none). */
const newestIn = (dir: string): number =>
  !Fs.existsSync(dir) ? 0 : Fs.readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const path = Path.join(dir, entry.name)
    return Math.max(newest, entry.isDirectory() ? newestIn(path) : Fs.statSync(path).mtimeMs)
  }, 0)

/** The tarballs of the built packages, by package (core, transport, ...). */
const pack = async () => {
  // a build older than its sources (the Promise client's bundle holds those of the packages it
  // inlines) would measure the code as it was
  const built = newestIn(Path.join(root, "packages", "promise", "build", "esm"))
  const stale = inlined.filter((name) => built < newestIn(Path.join(root, "packages", name, "src")))
  if (stale.length > 0) {
    console.log(`(not built since their sources changed: ${stale.join(", ")}; running pnpm build)`)
    await exec("pnpm", ["build"], { cwd: root, maxBuffer: 64 * 2 ** 20 })
  }
  const packs = Path.join(tempDir(), "packs")
  Fs.mkdirSync(packs, { recursive: true })
  const filters = smscxPackages.flatMap((name) => ["--filter", `./packages/${name}`])
  await exec("pnpm", ["--silent", ...filters, "-r", "pack", "--pack-destination", packs], {
    cwd: root,
    maxBuffer: 64 * 2 ** 20
  })
  const files = Fs.readdirSync(packs)
  return smscxPackages.map((name) => {
    const file = files.find((f) => new RegExp(`^smscx-${name}-\\d.*\\.tgz$`).test(f))
    if (file === undefined) throw new Error(`pnpm pack left no tarball of @smscx/${name} in ${packs}`)
    return Path.join(packs, file)
  })
}

/** npm retries a registry it cannot reach for minutes: an install still running by then is skipped. */
const INSTALL_TIMEOUT_MS = 180_000

const npmInstall = async (subject: Subject, specs: ReadonlyArray<string>, version: string): Promise<Installed> => {
  const dir = Path.join(tempDir(), subject.replace("/", "+"))
  Fs.mkdirSync(dir, { recursive: true })
  Fs.writeFileSync(Path.join(dir, "package.json"), JSON.stringify({ name: "bench-subject", private: true }))
  try {
    await exec("npm", [
      "install",
      "--omit=dev",
      "--ignore-scripts",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      ...specs
    ], { cwd: dir, maxBuffer: 64 * 2 ** 20, timeout: INSTALL_TIMEOUT_MS })
    return { subject, dir, version }
  } catch (error) {
    const failure = error as { killed?: boolean; stderr?: string }
    const lines = (failure.stderr ?? String(error)).split("\n").map((line) => line.trim()).filter((line) => line !== "")
    const reason = failure.killed === true
      ? `not done within ${INSTALL_TIMEOUT_MS / 1000} s`
      : lines.find((line) => line.startsWith("npm error code")) ?? lines[0] ?? "failed"
    return { subject, skipped: `npm install of ${subject}@${version}: ${reason}` }
  }
}

/** Why the registry cannot be used, or undefined when `npm ping` gets an answer. */
const registryUnreachable = async () => {
  try {
    await exec("npm", ["ping", "--loglevel=error", "--fetch-retries=0"], { timeout: 20_000 })
    return undefined
  } catch (error) {
    const failure = error as { killed?: boolean; stderr?: string }
    const code = /npm error code (\S+)/.exec(failure.stderr ?? "")?.[1]
    return `the npm registry is unreachable (npm ping: ${
      failure.killed === true ? "no answer in 20 s" : code ?? "failed"
    })`
  }
}

const install = async (): Promise<ReadonlyArray<Installed>> => {
  // npm retries an unreachable registry for minutes, per install
  const unreachable = await registryUnreachable()
  if (unreachable !== undefined) return subjects.map((subject) => ({ subject, skipped: unreachable }))
  const tarballs = await pack()
  const promiseVersion = versionIn(Path.join(root, "packages", "promise"))
  const of = (name: "stripe" | "openai") => {
    const version = versionIn(Path.join(bench, "node_modules", name))
    return npmInstall(name, [`${name}@${version}`], version)
  }
  // one after the other: they share npm's cache
  const installed: Array<Installed> = [await npmInstall("@smscx/promise", tarballs, promiseVersion)]
  installed.push(await of("stripe"))
  installed.push(await of("openai"))
  return installed
}

let installing: Promise<ReadonlyArray<Installed>> | undefined

/** The three installs, done on the first call of a run. */
export const installed = () => (installing ??= install())
