// What the bundle-size benchmark measures: one SMS sent through @smscx/promise.
import { SmsCx } from "@smscx/promise"

const client = new SmsCx({ apiKey: process.env.SMSCX_API_KEY ?? "" })
client.sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi" })
  .then((sent) => console.log(sent.info.totalCost))
  .finally(() => client.close())
