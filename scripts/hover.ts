/**
 * What an editor shows on hover, from TypeScript's language service (`getQuickInfoAtPosition`,
 * the call behind VS Code's hovers): the sample code is type-checked as a file of `examples/`,
 * with the project's compiler options, so it imports the packages as a user does.
 *
 * `pnpm tsx scripts/hover.ts` prints the hovers of a sample (the Promise and Effect `sendSms`, a
 * field of its request, a report's dates); `packages/core/test/Hovers.test.ts` asserts them.
 */
import { fileURLToPath } from "node:url"
import ts from "typescript"

const root = fileURLToPath(new URL("..", import.meta.url))

/** Where a hover is asked for: the first `at` after `after` (if given) in the code. */
export interface Probe {
  readonly name: string
  readonly at: string
  readonly after?: string
}

/** The hover of each probe, as an editor shows it: the signature line(s), then the documentation. */
export interface Hover {
  readonly name: string
  readonly display: string
  readonly documentation: string
}

const options = (): ts.CompilerOptions => {
  const file = ts.findConfigFile(root, ts.sys.fileExists, "tsconfig.json")!
  const config = ts.readConfigFile(file, ts.sys.readFile)
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root)
  // one file and what it imports: no project references, no output
  return { ...parsed.options, noEmit: true, composite: false, incremental: false, declaration: false }
}

/** A file to check: its code and where to ask for hovers. */
export interface Source {
  readonly code: string
  readonly probes: ReadonlyArray<Probe>
}

/**
 * For each source, the hovers at its probes and its type errors (none expected of a sample that
 * compiles). The sources are files of one program, checked by one language service.
 */
export const check = (sources: ReadonlyArray<Source>) => {
  const fileNames = sources.map((_, i) => `${root}examples/__hover${i}__.ts`)
  const codeOf = (name: string) => {
    const i = fileNames.indexOf(name)
    return i < 0 ? undefined : sources[i]!.code
  }
  const compilerOptions = options()
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => fileNames,
    getScriptVersion: () => "1",
    getScriptSnapshot: (name) => {
      const text = codeOf(name) ?? ts.sys.readFile(name)
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text)
    },
    getCurrentDirectory: () => root,
    getCompilationSettings: () => compilerOptions,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (name) => codeOf(name) !== undefined || ts.sys.fileExists(name),
    readFile: (name) => codeOf(name) ?? ts.sys.readFile(name),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
    realpath: ts.sys.realpath!
  }
  const service = ts.createLanguageService(host, ts.createDocumentRegistry())
  try {
    return sources.map(({ code, probes }, i) => {
      const fileName = fileNames[i]!
      const errors = service.getSemanticDiagnostics(fileName).map((d) =>
        ts.flattenDiagnosticMessageText(d.messageText, "\n")
      )
      const found = probes.map((probe): Hover => {
        const from = probe.after === undefined ? 0 : code.indexOf(probe.after)
        const position = from < 0 ? -1 : code.indexOf(probe.at, from)
        if (position < 0) throw new Error(`hover ${probe.name}: ${probe.at} is not in the sample`)
        const info = service.getQuickInfoAtPosition(fileName, position)
        return {
          name: probe.name,
          display: ts.displayPartsToString(info?.displayParts),
          documentation: [
            ts.displayPartsToString(info?.documentation),
            ...(info?.tags ?? []).map((tag) => `@${tag.name} ${ts.displayPartsToString(tag.text)}`)
          ].filter((text) => text !== "").join("\n")
        }
      })
      return { hovers: found, errors }
    })
  } finally {
    service.dispose()
  }
}

/** The hovers of one file at its probes, and its type errors. */
export const hovers = (code: string, probes: ReadonlyArray<Probe>) => check([{ code, probes }])[0]!

/** A sample a newcomer writes: both styles of `sendSms`, a field of its request, a report. */
export const sample = `import { SmsCx } from "@smscx/promise"
import { Sms, Reports } from "@smscx/client"
import { Effect } from "effect"

const client = new SmsCx({ apiKey: "key" })
export const sent = await client.sms.sendSms({
  to: ["+14155550123"],
  from: "InfoText",
  text: "Your code is 1234",
  scheduledDate: "2026-05-01 09:00:00"
})
export const report = client.reports.getAdvancedReport.all({ period: "2026-05" })

export const program = Effect.gen(function*() {
  const sms = yield* Sms
  const reports = yield* Reports
  const answer = yield* sms.sendSms({ to: ["+14155550123"], from: "InfoText", text: "Hi" })
  yield* reports.getSummaryReports("country", { start_date: "2026-05-01", end_date: "2026-05-31" })
  return answer
})
`

/** The probes of `sample`. */
export const probes: ReadonlyArray<Probe> = [
  { name: "Promise sendSms", at: "sendSms", after: "client.sms" },
  { name: "field from", at: "from", after: "client.sms.sendSms" },
  { name: "field to", at: "to:", after: "client.sms.sendSms" },
  { name: "field scheduledDate", at: "scheduledDate", after: "client.sms.sendSms" },
  { name: "Promise result", at: "sent" },
  {
    name: "Effect sendSms",
    at: "sendSms",
    after: "sms.sendSms({ to: [\"+14155550123\"], from: \"InfoText\", text: \"Hi\""
  },
  { name: "Effect result", at: "answer" },
  { name: "report period", at: "period", after: "getAdvancedReport.all" },
  { name: "report start_date", at: "start_date", after: "getSummaryReports" }
]

if (import.meta.url === `file://${process.argv[1]}`) {
  const { errors, hovers: found } = hovers(sample, probes)
  for (const hover of found) {
    console.log(`--- ${hover.name}\n${hover.display}${hover.documentation ? `\n\n${hover.documentation}` : ""}\n`)
  }
  if (errors.length > 0) {
    console.error(`the sample does not compile:\n${errors.join("\n")}`)
    process.exit(1)
  }
}
