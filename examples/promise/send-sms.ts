/** Send one SMS with the Promise client (no Effect in sight). */
import { InsufficientBalanceException, InvalidPhoneNumberException } from "@smscx/promise"
import { exampleRecipient, makeClient } from "../_runtime.js"

await using client = makeClient()
try {
  const sent = await client.sms.sendSms({ to: [exampleRecipient], from: "InfoText", text: "Your code is 4921" })
  console.log(`sent ${sent.data[0]?.msgId}: ${sent.data[0]?.status}, cost ${sent.info.totalCost}`)
  const { balance, currency } = await client.account.getAccountBalance()
  console.log(`balance left: ${balance} ${currency}`)
} catch (err) {
  if (err instanceof InvalidPhoneNumberException) console.error(`invalid numbers: ${err.invalid?.join(", ")}`)
  else if (err instanceof InsufficientBalanceException) console.error(`top up first: ${err.message}`)
  else throw err
}
