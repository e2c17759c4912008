// What the bundle-size budget measures: one SMS sent through @smscx/promise, with a client of the
// Sms group only (`createClient`), as the README shows for bundles.
import { Sms } from "@smscx/promise/Api"
import { createClient } from "@smscx/promise/Client"

const client = createClient({ sms: Sms }, { apiKey: process.env.SMSCX_API_KEY ?? "" })
client.sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi" })
  .then((sent) => console.log(sent.info.totalCost))
  .finally(() => client.close())
