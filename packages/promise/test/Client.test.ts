import {
  createClient,
  DecodeError,
  InvalidOptionsError,
  InvalidPhoneNumberException,
  RequestValidationError,
  TransportError
} from "@smscx/promise"
import { Account, Conversations, Optouts, Otp, Sms } from "@smscx/promise/Api"
import { Sandbox } from "@smscx/sandbox"
import * as Effect from "effect/Effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { afterEach, assert, describe, expect, it } from "vitest"

const API_KEY = "sk-test-Qm7Vd9XbL2"
const opened: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((close) => close()))
})

const sandbox = () => {
  const server = Sandbox.inProcessFetch({ apiKeys: [API_KEY] })
  opened.push(server.close)
  return server
}

describe("createClient: a client of the groups given", () => {
  it("has the groups given and no other; sends and charges as SmsCx does", async () => {
    const server = sandbox()
    const client = createClient({ sms: Sms, otp: Otp }, {
      apiKey: API_KEY,
      baseUrl: Sandbox.baseUrl,
      fetch: server.fetch
    })
    opened.push(() => client.close())
    expect(Object.keys(client).sort()).toEqual(["otp", "sms"])
    expect(Object.keys(client.sms).sort()).toEqual(Object.keys(Sms).sort())
    assert.notProperty(client, "numbers")

    const before = await Effect.runPromise(server.sandbox.balance)
    const sent = await client.sms.sendSms({ to: ["+31612345678"], from: "InfoText", text: "Hello" })
    assert.strictEqual(sent.info.totalPhoneNumbers, 1)
    const after = await Effect.runPromise(server.sandbox.balance)
    expect(before - after).toBeCloseTo(sent.info.totalCost, 6)
    const { data, response } = await client.sms.sendSms.withResponse({
      to: ["+31612345678"],
      from: "InfoText",
      text: "Hi"
    })
    assert.strictEqual(data.info.totalPhoneNumbers, 1)
    assert.strictEqual(response.status, 200)
    assert.isString(response.idempotencyId)
  })

  it("rejects with the operation's own typed errors", async () => {
    const server = sandbox()
    const client = createClient({ sms: Sms }, { apiKey: API_KEY, baseUrl: Sandbox.baseUrl, fetch: server.fetch })
    opened.push(() => client.close())
    const error = await client.sms.sendSms({ to: ["+3161234"], from: "InfoText", text: "Hello" }).catch((e) => e)
    assert.instanceOf(error, InvalidPhoneNumberException)
  })

  it("keeps a group's correctly spelled aliases as the same method", () => {
    const client = createClient({ conversations: Conversations }, { apiKey: API_KEY })
    opened.push(() => client.close())
    assert.isFunction(client.conversations.getConversationsList)
    assert.strictEqual(client.conversations.getConversationsList, client.conversations.getConverstionsList)
  })

  it("checks its options as SmsCx does, and a closed client rejects later calls", async () => {
    expect(() => createClient({ sms: Sms }, { apiKey: "key\r\nx" })).toThrow(InvalidOptionsError)
    // groups that are not the API's: a typed error, not a TypeError
    expect(() => createClient(null as never, { apiKey: API_KEY })).toThrow(InvalidOptionsError)
    expect(() => createClient({ sms: "Sms" } as never, { apiKey: API_KEY })).toThrow(InvalidOptionsError)
    const client = createClient({ sms: Sms }, { apiKey: API_KEY, baseUrl: Sandbox.baseUrl, fetch: sandbox().fetch })
    await client.close()
    const error = await client.sms.sendSms({ to: ["+31612345678"], from: "InfoText", text: "Hello" }).catch((e) => e)
    assert.instanceOf(error, TransportError)
    assert.strictEqual((error as TransportError).reason, "Closed")
  })
})

describe("file exports read whole", () => {
  it("are the server's bytes exactly, with small answers read between them (no pooled bytes)", async () => {
    const csv = Buffer.from("+31612340000,NL,link,2024-05-01 10:00:00\n".repeat(28).padEnd(1180, "#"))
    const server = Http.createServer((req, res) => {
      if (req.url?.endsWith("/csv")) {
        res.writeHead(200, { "content-type": "application/csv", "content-length": csv.byteLength })
        res.end(csv)
        return
      }
      const body = JSON.stringify({ balance: 1, currency: "eur", billing: "prepaid", note: "+447700900123 PIN 4242" })
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
      res.end(body)
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    opened.push(() => new Promise((resolve) => server.close(() => resolve())))
    const { port } = server.address() as AddressInfo
    // the default HTTP client (Node's own http module), as a Promise user gets it
    const client = createClient({ account: Account, optouts: Optouts }, {
      apiKey: API_KEY,
      baseUrl: `http://127.0.0.1:${port}`
    })
    opened.push(() => client.close())
    for (let i = 0; i < 10; i++) {
      await client.account.getAccountBalance()
      const file = await client.optouts.exportOptoutsToCSV()
      assert.strictEqual(file.bytes.byteLength, csv.byteLength)
      assert.isTrue(Buffer.from(file.bytes).equals(csv), "the export is exactly what the server sent")
      assert.strictEqual(file.bytes.buffer.byteLength, csv.byteLength, "its buffer holds nothing else")
    }
  })
})

/** A loopback server, closed after the test; gives its base URL. */
const listen = async (handler: Http.RequestListener): Promise<string> => {
  const server = Http.createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  opened.push(() =>
    new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  )
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe("paging: a cursor that comes back", () => {
  it("pages() and all() reject with a DecodeError, each page fetched once (the server always says next: same)", async () => {
    let requests = 0
    const baseUrl = await listen((_, res) => {
      requests++
      res.writeHead(200, { "content-type": "application/json" })
      // gives up after 50 pages: an iteration that never ends still stops
      res.end(JSON.stringify({
        info: { id: "optouts", link: "", total: 2 },
        data: [{
          id: requests,
          phoneNumber: "+31612340000",
          countryIso: "NL",
          optoutFrom: "link",
          datetime: "2024-05-01 10:00:00"
        }],
        paging: { next: requests >= 50 ? null : "same", previous: null, size: 1 }
      }))
    })
    const client = createClient({ optouts: Optouts }, { apiKey: API_KEY, baseUrl })
    opened.push(() => client.close())
    const pages: Array<unknown> = []
    const error = await (async () => {
      for await (const page of client.optouts.getOptoutsList.pages({ limit: 1 })) pages.push(page)
    })().then(() => undefined, (e: unknown) => e)
    assert.instanceOf(error, DecodeError)
    assert.include((error as DecodeError).message, "paging.next")
    assert.strictEqual(pages.length, 2)
    assert.strictEqual(requests, 2)
    const items: Array<unknown> = []
    const again = await (async () => {
      for await (const item of client.optouts.getOptoutsList.all({ limit: 1 })) items.push(item)
    })().then(() => undefined, (e: unknown) => e)
    assert.instanceOf(again, DecodeError)
    assert.strictEqual(items.length, 2)
    assert.strictEqual(requests, 4)
  })
})

describe("call options that are not an object", () => {
  it("reject with a RequestValidationError, nothing sent, for every kind of method", async () => {
    let requests = 0
    const baseUrl = await listen((_, res) => {
      requests++
      res.writeHead(500).end()
    })
    const client = createClient({ sms: Sms, account: Account, optouts: Optouts }, { apiKey: API_KEY, baseUrl })
    opened.push(() => client.close())
    const sms = { to: ["+31612345678"], from: "InfoText", text: "Hello" }
    const drain = async (iterable: AsyncIterable<unknown>) => {
      for await (const _ of iterable) break
    }
    const bad: ReadonlyArray<unknown> = ["x", 42, true, null, [], ["a"], () => {}, { signal: "x" }, {
      signal: { aborted: false }
    }]
    for (const options of bad) {
      const calls: ReadonlyArray<() => Promise<unknown>> = [
        () => (client.sms.sendSms as (...a: Array<unknown>) => Promise<unknown>)(sms, options),
        () => (client.sms.sendSms.withResponse as (...a: Array<unknown>) => Promise<unknown>)(sms, options),
        () => (client.account.getAccountBalance as (...a: Array<unknown>) => Promise<unknown>)(options),
        () =>
          drain((client.optouts.getOptoutsList.pages as (...a: Array<unknown>) => AsyncIterable<unknown>)({}, options)),
        () =>
          drain((client.optouts.getOptoutsList.all as (...a: Array<unknown>) => AsyncIterable<unknown>)({}, options)),
        () => (client.optouts.exportOptoutsToCSV.stream as (...a: Array<unknown>) => Promise<unknown>)(options)
      ]
      for (const [i, call] of calls.entries()) {
        let promise: Promise<unknown>
        try {
          promise = call()
        } catch (error) {
          assert.fail(`call ${i} with ${String(options)} threw synchronously: ${String(error)}`)
        }
        const error = await promise.then(() => undefined, (e: unknown) => e)
        assert.instanceOf(error, RequestValidationError, `call ${i} with ${JSON.stringify(options)}`)
        assert.include((error as RequestValidationError).message, "options")
      }
    }
    assert.strictEqual(requests, 0, "nothing was sent")
  })
})

/**
 * A loopback server answering the opt-out export with a declared 10 MiB that it sends slowly
 * (64 KiB every 20 ms): a download still arriving when the test acts. Gives its URL and how much
 * it wrote.
 */
const slowExport = async () => {
  const declared = 10 * 1024 * 1024
  const state = { written: 0 }
  const chunk = Buffer.alloc(64 * 1024, "+31612345678,NL,link,2024-05-01 10:00:00\n")
  const url = await listen((_, res) => {
    res.writeHead(200, {
      "content-type": "application/csv",
      "content-length": declared,
      "content-disposition": "attachment; filename=\"optouts.csv\""
    })
    const timer = setInterval(() => {
      if (state.written >= declared) {
        clearInterval(timer)
        return void res.end()
      }
      state.written += chunk.byteLength
      res.write(chunk)
    }, 20)
    res.on("close", () => clearInterval(timer))
  })
  return { url, declared, state }
}

const httpClients: ReadonlyArray<readonly [string, { readonly fetch?: typeof globalThis.fetch }]> = [
  ["the default Node client", {}],
  ["FetchClient", { fetch: globalThis.fetch }]
]

describe.each(httpClients)("a streamed export, over %s", (_, over) => {
  /** Settles within `ms`, or rejects saying it hung. */
  const settles = <A>(promise: Promise<A>, ms = 10_000) =>
    Promise.race([
      promise,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms))
    ])

  it("close() while the README's pipeTo writes it: pipeTo rejects with TransportError Closed", async () => {
    const { Writable } = await import("node:stream")
    const { createWriteStream, mkdtempSync, rmSync, statSync } = await import("node:fs")
    const { join } = await import("node:path")
    const { tmpdir } = await import("node:os")
    const dir = mkdtempSync(join(tmpdir(), "smscx-close-"))
    opened.push(async () => rmSync(dir, { recursive: true, force: true }))
    const { declared, url } = await slowExport()
    const client = createClient({ optouts: Optouts }, { apiKey: API_KEY, baseUrl: url, ...over })
    const file = await client.optouts.exportOptoutsToCSV.stream()
    const target = join(dir, file.fileName ?? "optouts.csv")
    const piped = file.body.pipeTo(Writable.toWeb(createWriteStream(target, { flags: "wx" })))
      .then(() => undefined, (e: unknown) => e)
    await new Promise((resolve) => setTimeout(resolve, 300))
    await settles(client.close())
    const error = await settles(piped)
    assert.instanceOf(error, TransportError, "the file did not end cleanly")
    assert.strictEqual((error as TransportError).reason, "Closed")
    assert.isBelow(statSync(target).size, declared)
  })

  it("aborting the call's signal after the stream was returned errors the body", async () => {
    const { state, url } = await slowExport()
    const client = createClient({ optouts: Optouts }, { apiKey: API_KEY, baseUrl: url, ...over })
    opened.push(() => client.close())
    const controller = new AbortController()
    const file = await client.optouts.exportOptoutsToCSV.stream({ signal: controller.signal })
    const reader = file.body.getReader()
    assert.isFalse((await reader.read()).done)
    const reason = new Error("the user left")
    controller.abort(reason)
    const read = await settles(
      (async () => {
        for (let i = 0; i < 10_000; i++) if ((await reader.read()).done) return "ended"
        return "still reading"
      })().then((outcome) => outcome, (e: unknown) => e)
    )
    assert.strictEqual(read, reason, "the body errors with the signal's reason, as fetch's does")
    const written = state.written
    await new Promise((resolve) => setTimeout(resolve, 200))
    assert.isAtMost(state.written - written, 64 * 1024 * 2, "the connection was closed: the server stopped writing")
  })
})

describe("a phone number of 10 MB", () => {
  it("is a RequestValidationError before anything is sent, with an excerpt of it at most", async () => {
    let requests = 0
    const baseUrl = await listen((_, res) => {
      requests++
      res.writeHead(500).end()
    })
    const client = createClient({ sms: Sms, otp: Otp }, { apiKey: API_KEY, baseUrl })
    opened.push(() => client.close())
    const huge = "4".repeat(10 * 1024 * 1024)
    for (
      const call of [
        () => client.sms.sendSms({ to: ["+31612345678", huge], from: "InfoText", text: "Hello" }),
        () => client.otp.newOtp({ phoneNumber: huge, from: "InfoText", template: "Your PIN {{pin}}" })
      ]
    ) {
      const error = await call().then(() => undefined, (e: unknown) => e)
      assert.instanceOf(error, RequestValidationError)
      assert.isBelow((error as RequestValidationError).message.length, 1_000)
      const paths = (error as RequestValidationError).issues.map((issue) => issue.path.join("."))
      assert.deepStrictEqual(paths.filter((path) => !/^(to\.1|phoneNumber)$/.test(path)), [], "only the phone")
      assert.isNotEmpty(paths)
    }
    assert.strictEqual(requests, 0)
  })
})

/** A port on 127.0.0.1 that nothing listens on: one just closed. */
const closedPort = async (): Promise<number> => {
  const server = Http.createServer()
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe.each(httpClients)("a refused connection, over %s", (_, over) => {
  it("says ECONNREFUSED in its message and gives up after one brief retry", async () => {
    const port = await closedPort()
    const client = createClient({ account: Account }, { apiKey: API_KEY, baseUrl: `http://127.0.0.1:${port}`, ...over })
    opened.push(() => client.close())
    const started = performance.now()
    const error = await client.account.getAccountBalance().catch((e: unknown) => e)
    const elapsed = performance.now() - started
    assert.instanceOf(error, TransportError)
    assert.strictEqual(
      (error as TransportError).message,
      `GET http://127.0.0.1:${port}/account/balance: the connection was refused (ECONNREFUSED)`
    )
    assert.strictEqual((error as TransportError).attempts, 2)
    // one retry after ~500 ms (jittered up to 600 ms), where it took 4 attempts and 3.8 s
    assert.isBelow(elapsed, 2_000)
  })

  it("https to a server that does not speak TLS: the handshake's code in the message, not retried", async () => {
    const server = Http.createServer((_, res) => res.end("plain"))
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    opened.push(() => new Promise((resolve) => server.close(() => resolve())))
    const { port } = server.address() as AddressInfo
    const client = createClient({ account: Account }, {
      apiKey: API_KEY,
      baseUrl: `https://127.0.0.1:${port}`,
      ...over
    })
    opened.push(() => client.close())
    const error = await client.account.getAccountBalance().catch((e: unknown) => e)
    assert.instanceOf(error, TransportError)
    // Node's http says EPROTO, undici ERR_SSL_WRONG_VERSION_NUMBER
    assert.match(
      (error as TransportError).message,
      /^GET https:\/\/127\.0\.0\.1:\d+\/account\/balance: the TLS handshake failed \((EPROTO|ERR_SSL_[A-Z_]+)\)$/
    )
    assert.strictEqual((error as TransportError).attempts, 1)
  })
})

describe("options that are not options", () => {
  it("the constructor refuses a misspelt option, naming it and the one meant", () => {
    const refused = (options: Record<string, unknown>) => {
      try {
        createClient({ sms: Sms }, options as never)
      } catch (error) {
        assert.instanceOf(error, InvalidOptionsError)
        return error as InvalidOptionsError
      }
      return assert.fail(`accepted ${Object.keys(options).join(", ")}`)
    }
    const retries = refused({ apiKey: API_KEY, retries: 3 })
    assert.strictEqual(retries.option, "retries")
    assert.strictEqual(retries.message, "smscx: option retries is not an option: did you mean retry: { maxRetries }?")
    assert.include(refused({ apiKey: API_KEY, loger: console }).message, "did you mean logger?")
    assert.include(refused({ apiKey: API_KEY, fecth: fetch }).message, "did you mean fetch?")
    assert.include(refused({ apiKey: API_KEY, colour: "red" }).message, "is not an option (they are apiKey")
    assert.notInclude(refused({ apiKey: API_KEY, retries: 3 }).message, API_KEY)
    // the client's own options are accepted
    const client = createClient({ sms: Sms }, { apiKey: API_KEY, log: "none", logger: () => {}, fetch })
    opened.push(() => client.close())
  })

  it("a call refuses a misspelt call option before anything is sent", async () => {
    let sent = 0
    const server = sandbox()
    const client = createClient({ account: Account }, {
      apiKey: API_KEY,
      baseUrl: Sandbox.baseUrl,
      fetch: (input, init) => (sent++, server.fetch(input, init))
    })
    opened.push(() => client.close())
    const retries = await client.account.getAccountBalance({ retries: 1 } as never).catch((e: unknown) => e)
    assert.instanceOf(retries, RequestValidationError)
    assert.include((retries as Error).message, "options.retries is not an option: did you mean retry: { maxRetries }?")
    const signal = await client.account.getAccountBalance({ sigal: AbortSignal.timeout(1000) } as never)
      .catch((e: unknown) => e)
    assert.include((signal as Error).message, "did you mean signal?")
    assert.strictEqual(sent, 0)
    assert.strictEqual((await client.account.getAccountBalance({ timeout: 5_000 })).balance, 100)
  })
})

describe("SMSCX_* variables set but empty", () => {
  const withEnv = (env: Record<string, string | undefined>, f: () => void) => {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    try {
      f()
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
    }
  }
  const none = {
    SMSCX_API_KEY: undefined,
    SMSCX_ACCESS_TOKEN: undefined,
    SMSCX_APPLICATION_ID: undefined,
    SMSCX_APPLICATION_SECRET: undefined,
    SMSCX_BASE_URL: undefined,
    SMSCX_LOG: undefined
  }

  for (
    const [env, options, name] of [
      [{ SMSCX_API_KEY: "" }, {}, "SMSCX_API_KEY"],
      [{ SMSCX_API_KEY: " ", SMSCX_ACCESS_TOKEN: "at-1" }, {}, "SMSCX_API_KEY"],
      [{ SMSCX_ACCESS_TOKEN: "" }, {}, "SMSCX_ACCESS_TOKEN"],
      [{ SMSCX_APPLICATION_ID: "", SMSCX_APPLICATION_SECRET: "s" }, {}, "SMSCX_APPLICATION_ID"],
      [{ SMSCX_APPLICATION_ID: "a", SMSCX_APPLICATION_SECRET: "" }, {}, "SMSCX_APPLICATION_SECRET"],
      [{ SMSCX_BASE_URL: "" }, { apiKey: API_KEY }, "SMSCX_BASE_URL"],
      [{ SMSCX_LOG: "" }, { apiKey: API_KEY }, "SMSCX_LOG"]
    ] as const
  ) {
    it(`${Object.keys(env).join(", ")}: names ${name}`, () =>
      withEnv({ ...none, ...env }, () => {
        try {
          createClient({ sms: Sms }, options)
          assert.fail("accepted")
        } catch (error) {
          assert.instanceOf(error, InvalidOptionsError)
          assert.strictEqual((error as InvalidOptionsError).message, `smscx: ${name} is set but empty`)
          assert.strictEqual((error as InvalidOptionsError).option, name)
        }
      }))
  }

  it("a variable is not read when its option is given: an empty one is then no error", () =>
    withEnv({ ...none, SMSCX_API_KEY: "", SMSCX_BASE_URL: "", SMSCX_LOG: "" }, () => {
      const client = createClient({ sms: Sms }, { apiKey: API_KEY, baseUrl: Sandbox.baseUrl, log: "warn" })
      opened.push(() => client.close())
    }))

  it("SMSCX_LOG that is not a level names the variable", () =>
    withEnv({ ...none, SMSCX_LOG: "verbose" }, () => {
      assert.throws(() => createClient({ sms: Sms }, { apiKey: API_KEY }), /SMSCX_LOG must be one of debug, info/)
    }))
})

describe("logger: the user's own, never a secret", () => {
  type Line = { readonly level: string; readonly message: string; readonly fields: Readonly<Record<string, unknown>> }

  it("a function gets each line with its level and fields; nothing reaches stdout or stderr", async () => {
    const lines: Array<Line> = []
    const written: Array<string> = []
    const original = { out: process.stdout.write, err: process.stderr.write }
    const capture = ((chunk: unknown) => written.push(String(chunk)) > 0) as typeof process.stdout.write
    process.stdout.write = capture
    process.stderr.write = capture
    try {
      const server = sandbox()
      const client = createClient({ account: Account, sms: Sms }, {
        apiKey: API_KEY,
        baseUrl: Sandbox.baseUrl,
        fetch: server.fetch,
        log: "debug",
        logger: (level, message, fields) => void lines.push({ level, message, fields })
      })
      opened.push(() => client.close())
      await client.account.getAccountBalance()
      await client.sms.sendSms({ to: ["+3161234"], from: "InfoText", text: "Hello" }).catch(() => undefined)
    } finally {
      process.stdout.write = original.out
      process.stderr.write = original.err
    }
    assert.deepStrictEqual(written, [])
    assert.strictEqual(lines.length, 2)
    const [balance, send] = lines
    assert.strictEqual(balance!.level, "debug")
    assert.match(balance!.message, /^smscx getAccountBalance: GET \/account\/balance -> 200 in \d+ ms/)
    assert.include(balance!.fields, { operation: "getAccountBalance", method: "GET", path: "/account/balance" })
    assert.strictEqual(balance!.fields.status, 200)
    assert.isNumber(balance!.fields.durationMs)
    assert.isString(balance!.fields.requestId)
    assert.include(send!.fields, { operation: "sendSms", status: 400 })
    assert.notInclude(JSON.stringify(lines), "+3161234")
    assert.notInclude(JSON.stringify(lines), "Hello")
  })

  it("an object with debug/info/warn/error (console, winston) is called as (message, fields)", async () => {
    const calls: Array<readonly [string, string, unknown]> = []
    const logger = Object.fromEntries(
      (["debug", "info", "warn", "error"] as const).map((level) => [
        level,
        (message: string, fields: unknown) => void calls.push([level, message, fields])
      ])
    ) as unknown as Console
    const server = sandbox()
    const client = createClient({ account: Account }, {
      apiKey: API_KEY,
      baseUrl: Sandbox.baseUrl,
      fetch: server.fetch,
      log: "debug",
      logger
    })
    opened.push(() => client.close())
    await client.account.getAccountBalance()
    assert.strictEqual(calls.length, 1)
    assert.strictEqual(calls[0]![0], "debug")
    assert.include(calls[0]![2] as object, { operation: "getAccountBalance" })
  })

  it("below its level nothing is logged; a logger that throws loses its line, not the call", async () => {
    let called = 0
    const server = sandbox()
    const quiet = createClient({ account: Account }, {
      apiKey: API_KEY,
      baseUrl: Sandbox.baseUrl,
      fetch: server.fetch,
      logger: () => void called++
    })
    opened.push(() => quiet.close())
    await quiet.account.getAccountBalance()
    assert.strictEqual(called, 0, "the default level is warn")
    const throwing = createClient({ account: Account }, {
      apiKey: API_KEY,
      baseUrl: Sandbox.baseUrl,
      fetch: server.fetch,
      log: "debug",
      logger: () => {
        called++
        throw new Error("the logger is broken")
      }
    })
    opened.push(() => throwing.close())
    assert.strictEqual((await throwing.account.getAccountBalance()).balance, 100)
    assert.strictEqual(called, 1)
    expect(() => createClient({ sms: Sms }, { apiKey: API_KEY, logger: { info: () => {} } as never })).toThrow(
      /option logger must be a function/
    )
  })

  it("at debug, an OAuth token fetch, its retry and a refused call never log the secret, the token or the key", async () => {
    const APP = { applicationId: "app-logs", applicationSecret: "app-SECRET-logs-9f2c" }
    const server = Sandbox.inProcessFetch({ apiKeys: [API_KEY], applications: [APP] })
    opened.push(server.close)
    const tokens: Array<string> = []
    let tokenCalls = 0
    // the token endpoint answers a 503 once (a retry, logged), then the sandbox's token, recorded
    const recording: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input)
      if (url.endsWith("/oauth/token") && tokenCalls++ === 0) {
        return new Response(JSON.stringify({ error: { type: "server_error", code: 1008, message: "down" } }), {
          status: 503,
          headers: { "content-type": "application/json" }
        })
      }
      const answer = await server.fetch(input, init)
      if (url.endsWith("/oauth/token")) {
        tokens.push(((await answer.clone().json()) as { access_token: string }).access_token)
      }
      return answer
    }
    const lines: Array<Line> = []
    const logger = (level: string, message: string, fields: Readonly<Record<string, unknown>>) =>
      void lines.push({ level, message, fields })
    const client = createClient({ account: Account }, {
      ...APP,
      baseUrl: Sandbox.baseUrl,
      fetch: recording,
      log: "debug",
      logger,
      retry: { baseDelay: 1, jitter: false }
    })
    opened.push(() => client.close())
    await client.account.getAccountBalance()
    const wrong = createClient({ account: Account }, {
      applicationId: APP.applicationId,
      applicationSecret: "app-SECRET-wrong-77",
      baseUrl: Sandbox.baseUrl,
      fetch: server.fetch,
      log: "debug",
      logger
    })
    opened.push(() => wrong.close())
    await wrong.account.getAccountBalance().catch(() => undefined)
    const keyed = createClient({ account: Account }, {
      apiKey: "sk-wrong-key-0c1d",
      baseUrl: Sandbox.baseUrl,
      fetch: server.fetch,
      log: "debug",
      logger
    })
    opened.push(() => keyed.close())
    await keyed.account.getAccountBalance().catch(() => undefined)

    assert.strictEqual(tokens.length, 1)
    const text = JSON.stringify(lines)
    assert.match(text, /getAccessToken: POST \/oauth\/token -> 503/)
    assert.match(text, /getAccessToken: POST \/oauth\/token -> 200/)
    assert.match(text, /getAccountBalance: GET \/account\/balance -> 401/)
    const basic = (id: string, secret: string) => Buffer.from(`${id}:${secret}`).toString("base64")
    for (
      const secret of [
        APP.applicationSecret,
        "app-SECRET-wrong-77",
        "sk-wrong-key-0c1d",
        ...tokens,
        basic(APP.applicationId, APP.applicationSecret),
        basic(APP.applicationId, "app-SECRET-wrong-77")
      ]
    ) assert.notInclude(text, secret)
  })
})

describe("tracer: calls as OpenTelemetry client spans", () => {
  /** A tracer as @opentelemetry/api's is, recording what it is told. */
  const recordingTracer = () => {
    const spans: Array<{
      name: string
      kind: number
      attributes: Readonly<Record<string, string>>
      status?: { code: number; message?: string }
      numbers: Record<string, number>
      ended: boolean
      traceId: string
      spanId: string
    }> = []
    let next = 0
    const tracer = {
      startSpan: (name: string, options: { kind: number; attributes: Readonly<Record<string, string>> }) => {
        const span = {
          name,
          ...options,
          numbers: {} as Record<string, number>,
          ended: false,
          traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
          spanId: (++next).toString(16).padStart(16, "0")
        } as (typeof spans)[number]
        spans.push(span)
        return {
          spanContext: () => ({ traceId: span.traceId, spanId: span.spanId, traceFlags: 1 }),
          setAttribute: (key: string, value: number) => void (span.numbers[key] = value),
          setStatus: (status: { code: number; message?: string }) => void (span.status = status),
          end: () => void (span.ended = true)
        }
      }
    }
    return { spans, tracer }
  }

  it("each call is a span named after its operation; the request joins its trace; failures carry the tag only", async () => {
    const server = sandbox()
    const traceparents: Array<string | null> = []
    const { spans, tracer } = recordingTracer()
    const client = createClient({ account: Account, sms: Sms }, {
      apiKey: API_KEY,
      baseUrl: Sandbox.baseUrl,
      fetch: (input, init) => {
        traceparents.push(new Headers(init?.headers).get("traceparent"))
        return server.fetch(input, init)
      },
      tracer,
      retry: false
    })
    opened.push(() => client.close())
    await client.account.getAccountBalance()
    await client.sms.sendSms({ to: ["+3161234"], from: "InfoText", text: "Hello" }).catch(() => undefined)
    assert.deepStrictEqual(spans.map((s) => [s.name, s.kind, s.ended, s.status?.code]), [
      ["Account.getAccountBalance", 2, true, 1],
      ["Sms.sendSms", 2, true, 2]
    ])
    assert.deepStrictEqual(spans[0]!.attributes, {
      "smscx.operation": "getAccountBalance",
      "http.request.method": "GET",
      "url.template": "/account/balance"
    })
    assert.strictEqual(spans[1]!.status?.message, "InvalidPhoneNumberException")
    assert.strictEqual(spans[1]!.numbers["smscx.attempts"], 1)
    // the SDK's own span is a child in the same trace: the header carries the trace, not the user's span id
    assert.strictEqual(traceparents.length, 2)
    for (const header of traceparents) {
      assert.match(header ?? "", /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/)
    }
    assert.notInclude(JSON.stringify(spans), "+3161234")
    expect(() => createClient({ sms: Sms }, { apiKey: API_KEY, tracer: {} as never })).toThrow(/option tracer must be/)
  })

  it("a tracer that throws, or gives no span context, costs the span only: answers and declared errors stay", async () => {
    const server = sandbox()
    const boom = () => {
      throw new TypeError("tracer broke")
    }
    const spanWith = (broken: string) => ({
      spanContext: broken === "spanContext"
        ? boom
        : broken === "noContext"
        ? () => undefined as never
        : () => ({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", traceFlags: 1 }),
      setAttribute: broken === "setAttribute" ? boom : () => undefined,
      setStatus: broken === "setStatus" ? boom : () => undefined,
      end: broken === "end" ? boom : () => undefined
    })
    for (const broken of ["startSpan", "spanContext", "noContext", "setAttribute", "setStatus", "end"]) {
      const tracer = { startSpan: () => broken === "startSpan" ? boom() : spanWith(broken) }
      const client = createClient({ account: Account, sms: Sms }, {
        apiKey: API_KEY,
        baseUrl: Sandbox.baseUrl,
        fetch: server.fetch,
        tracer,
        retry: false
      })
      opened.push(() => client.close())
      const balance = await client.account.getAccountBalance()
      assert.strictEqual(typeof balance.balance, "number", broken)
      const error = await client.sms.sendSms({ to: ["+3161234"], from: "InfoText", text: "Hello" }).then(
        () => assert.fail(`${broken}: sendSms to an invalid number resolved`),
        (e: unknown) => e
      )
      assert.instanceOf(error, InvalidPhoneNumberException, broken)
    }
  })
})
