// One SMS sent through @smscx/promise with `new SmsCx`, which brings every group (reported, not budgeted).
import { SmsCx } from "@smscx/promise"

const client = new SmsCx({ apiKey: process.env.SMSCX_API_KEY ?? "" })
client.sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi" })
  .then((sent) => console.log(sent.info.totalCost))
  .finally(() => client.close())
