/**
 * Screenshots of the inbox for the README (`pnpm tsx scripts/inbox-screenshots.ts`): a sandbox
 * on loopback given a few sends (an OTP, a tracked link, a long Unicode text, a bulk send, a reply
 * from a phone), Debian's chromium headless (`SMSCX_CHROMIUM` to use another), and PNGs written
 * into `docs/images/`.
 */
import puppeteer from "puppeteer-core"
import * as Sandbox from "../src/Sandbox.js"

const KEY = "screenshots"

/** Writes the screenshots into `directory`; gives the files written. */
export const takeScreenshots = async (directory: string): Promise<ReadonlyArray<string>> => {
  const server = await Sandbox.start({ apiKeys: [KEY], seed: 7 })
  const api = async (path: string, body: unknown) => {
    const response = await server.fetch(path, {
      method: "POST",
      headers: { "X-API-KEY": KEY, "content-type": "application/json" },
      body: JSON.stringify(body)
    })
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`)
    return response.json() as Promise<Record<string, any>>
  }
  const browser = await puppeteer.launch({
    executablePath: process.env["SMSCX_CHROMIUM"] ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
  })
  try {
    const phone = "+31612469000"
    await api("/sms", {
      to: ["+447400123456", "+4915112345678", "+33612345678"],
      from: "ShopCo",
      text: "Spring sale: 20% off everything until Sunday."
    })
    await api("/sms", {
      to: ["+447400123456"],
      from: "ShopCo",
      text: "Ваш заказ отправлен — спасибо! Track it in the app. 📦",
      dlrCallbackUrl: "http://127.0.0.1:9/hooks/dlr"
    })
    const link = await api("/shortlinks", { url: "https://example.com/offer", name: "Offer" })
    await api("/sms", { to: [phone], from: "InfoText", text: `Hi Anna, your offer: {{shortlink:${link.info.id}}}` })
    await api("/__sandbox/time", { seconds: 10 })
    await api("/otp", { phoneNumber: phone, from: "InfoText" })
    await api("/__sandbox/inbound", { from: phone, text: "Thanks, got it!", channel: "whatsapp" })
    await api("/__sandbox/time", { seconds: 2 })
    const page = await browser.newPage()
    const shots: Array<string> = []
    const shoot = async (name: string, hash: string, width: number, height: number, ready: string) => {
      await page.setViewport({ width, height, deviceScaleFactor: 1 })
      await page.goto(`${server.url}/__sandbox/ui${hash}`)
      await page.waitForSelector(ready)
      await page.waitForSelector("p.live.on")
      const file = `${directory}/${name}`
      await page.screenshot({ path: file as `${string}.png` })
      shots.push(file)
    }
    await shoot("sandbox-inbox.png", `#/phones/${encodeURIComponent(phone)}`, 1120, 760, "output[aria-label='OTP PIN']")
    await shoot("sandbox-inbox-phone.png", `#/phones/${encodeURIComponent(phone)}`, 400, 760, "article.bubble")
    await shoot("sandbox-inbox-campaigns.png", "#/campaigns", 1120, 620, "li.card")
    return shots
  } finally {
    await browser.close()
    await server.close()
  }
}
