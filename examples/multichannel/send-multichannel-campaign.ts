/** Send a campaign to a group of contacts that tries Viber, then WhatsApp, then SMS. */
import { Multichannel } from "@smscx/client"
import { Effect } from "effect"
import { approvedTemplate, SmsCxLive } from "../_runtime.js"

const groupId = Number(process.env.SMSCX_EXAMPLE_GROUP ?? 1)

const program = Effect.gen(function*() {
  const viberTemplate = yield* approvedTemplate("viber")
  const whatsappTemplate = yield* approvedTemplate("whatsapp")
  const multichannel = yield* Multichannel
  const campaign = yield* multichannel.sendMultichannelCampaign({
    groups: [groupId],
    from: "InfoText",
    strategy: [
      { channel: "viber", templateId: viberTemplate },
      { channel: "whatsapp", templateId: whatsappTemplate },
      { channel: "sms", text: "Hello {{firstName}}, your order has shipped." }
    ]
  })
  const perChannel = new Map<string, number>()
  for (const message of campaign.data) perChannel.set(message.channel, (perChannel.get(message.channel) ?? 0) + 1)
  const channels = Array.from(perChannel, ([channel, count]) => `${count} by ${channel}`).join(", ")
  console.log(
    `campaign ${campaign.info.campaignId}: ${campaign.info.totalValid} messages (${channels}), ` +
      `cost ${campaign.info.totalCost}`
  )
}).pipe(
  Effect.catchTags({
    TemplateNotApprovedException: (e) => Effect.logError(`a template is not approved yet: ${e.message}`),
    InsufficientBalanceException: (e) => Effect.logError(`top up first (${e.code}): ${e.message}`),
    AccessDeniedException: (e) => Effect.logError(`a channel is not active (${e.code}): ${e.message}`),
    InvalidRequestException: (e) => Effect.logError(`rejected (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
