/**
 * The web inbox in a real browser: Debian's `chromium`, headless, driven by puppeteer-core,
 * against a sandbox on loopback, with the Promise SDK as a user's code would send. It sends and
 * sees the message arrive in the thread (server-sent events, no reload), reads an OTP's PIN off
 * the page and verifies it through the SDK, taps a tracked link and finds the hit through the
 * API, replies as the phone and finds the conversation through the SDK, and adds a fault from the
 * controls and meets it as the SDK's typed error. Skipped, saying so, where no chromium is
 * installed, except under CI (`CI=true`), where that is a failure (`.ci/run` installs it).
 */
import { Sandbox } from "@smscx/sandbox"
import { existsSync } from "node:fs"
import puppeteer, { type Browser, type Page } from "puppeteer-core"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
// the SDK from its sources: a dev dependency on it would make the workspace's packages a cycle
import { ServerErrorException, SmsCx } from "../../promise/src/index.js"

const CHROMIUM = process.env["SMSCX_CHROMIUM"] ?? "/usr/bin/chromium"
const present = existsSync(CHROMIUM)
const required = process.env["CI"] === "true"
if (!present && !required) {
  console.warn(`inbox.browser.test.ts skipped: no browser at ${CHROMIUM} (apt-get install chromium, or SMSCX_CHROMIUM)`)
}

const KEY = "browser-test-key"
const PHONE = "+31612469077"

describe.skipIf(!present && !required)("the web inbox in chromium", () => {
  let server: Sandbox.Server
  let browser: Browser
  let page: Page
  let client: SmsCx
  const pageErrors: Array<string> = []

  beforeAll(async () => {
    if (!present) throw new Error(`CI=true and no browser at ${CHROMIUM}: .ci/run installs Debian's chromium`)
    server = await Sandbox.start({ apiKeys: [KEY] })
    client = new SmsCx({ apiKey: KEY, baseUrl: server.url })
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
    })
    page = await browser.newPage()
    await page.setViewport({ width: 1100, height: 900 })
    // a script or style the page's policy refused, or an error thrown, is a failure
    page.on("pageerror", (error) => pageErrors.push(String(error)))
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text())
    })
    // a browser starting on a machine busy with the rest of the suite
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await client?.close()
    await server?.close()
  })

  /** Waits until the page's text includes `text` (as the page's own updates bring it). */
  const shows = (text: string) =>
    page.waitForFunction((wanted: string) => document.body.innerText.includes(wanted), { timeout: 20_000 }, text)

  it("shows a message sent through the SDK in the open thread, live", async () => {
    await page.goto(`${server.url}/__sandbox/ui#/phones/${encodeURIComponent(PHONE)}`)
    await page.waitForSelector("p.live.on")
    await shows("Nothing to or from this number yet.")
    await client.sms.sendSms({ to: [PHONE], from: "InfoText", text: "Hello from the SDK" })
    await shows("Hello from the SDK")
    // and in the list of phones, with its tally
    await shows("1 sent · 0 received")
    const meta = await page.$eval("article.bubble.sent .meta", (e) => e.textContent ?? "")
    assert.match(meta, /1 part · GSM-7 · 18 characters · cost \d/)
  })

  it("shows an OTP's PIN, which verifies through the SDK", async () => {
    const otp = await client.otp.newOtp({ phoneNumber: PHONE, from: "InfoText" })
    const pin = await page.waitForSelector("output[aria-label='OTP PIN']").then((e) =>
      e!.evaluate((o) => o.textContent)
    )
    assert.match(pin ?? "", /^\d{4,10}$/)
    const verified = await client.otp.verifyOtp(otp.otpId, { pin: pin! })
    assert.strictEqual(verified.status, "VERIFIED")
  })

  it("taps a tracked link: the hit, naming the phone, is in the API's answer", async () => {
    const { info } = await client.shortlinks.createShortlink({ url: "https://example.com/offer", name: "Offer" })
    await client.sms.sendSms({ to: [PHONE], from: "InfoText", text: `Our offer: {{shortlink:${info.id}}}` })
    const link = await page.waitForSelector("a.tracked")
    assert.match(await link!.evaluate((a) => a.getAttribute("href") ?? ""), new RegExp(`^/s/${info.id}/`))
    const opened = new Promise<void>((resolve) => browser.once("targetcreated", () => resolve()))
    await link!.click()
    await opened
    // the visit is recorded when the new tab's request reaches the sandbox: a bounded wait for it
    let hits = await client.shortlinks.getShortlinkHits(info.id, {})
    for (let i = 0; i < 100 && hits.data.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      hits = await client.shortlinks.getShortlinkHits(info.id, {})
    }
    assert.strictEqual(hits.data.length, 1)
    assert.strictEqual(hits.data[0]!.phoneNumber, PHONE)
    for (const other of await browser.pages()) if (other !== page) await other.close()
  })

  it("replies as the phone: the conversation is in the SDK's answer", async () => {
    await page.select("form.reply select", "whatsapp")
    await page.type("form.reply input", "Yes please, from the phone")
    await page.click("form.reply button[type=submit]")
    await page.waitForSelector("article.bubble.received")
    await shows("Yes please, from the phone")
    const list = await client.conversations.getConversationsList()
    const conversation = list.data.find((c) => c.phoneNumber === PHONE)
    assert.isDefined(conversation)
    const thread = await client.conversations.getConversation(conversation!.conversationId)
    assert.deepInclude(thread.data.map((m) => [m.channel, m.text]), ["whatsapp", "Yes please, from the phone"])
  })

  it("adds a fault from the controls: the SDK meets it as its typed error, and not once cleared", async () => {
    await page.goto(`${server.url}/__sandbox/ui#/controls`)
    await page.waitForSelector("form[aria-label='Add a fault']")
    await page.select("form[aria-label='Add a fault'] select[name=kind]", "serverError")
    await page.type("form[aria-label='Add a fault'] input[name=operations]", "getAccountBalance")
    await page.click("form[aria-label='Add a fault'] button[type=submit]")
    await shows("serverError at rate 1 on getAccountBalance")
    const error = await client.account.getAccountBalance({ retry: false }).catch((e: unknown) => e)
    assert.instanceOf(error, ServerErrorException)
    const clear = await page.waitForSelector("::-p-text(Clear faults)")
    await clear!.click()
    await shows("None: every API request is answered.")
    const balance = await client.account.getAccountBalance({ retry: false })
    assert.isNumber(balance.balance)
    assert.deepStrictEqual(pageErrors, [])
  })
})
