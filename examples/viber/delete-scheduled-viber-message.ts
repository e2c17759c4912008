/** Schedule a Viber message for later, then delete it: its cost returns to the balance. */
import { Viber } from "@smscx/client"
import { Effect } from "effect"
import { approvedTemplate, exampleRecipient, inMinutes, SmsCxLive } from "../_runtime.js"

const program = Effect.gen(function*() {
  const templateId = yield* approvedTemplate("viber")
  const viber = yield* Viber
  const scheduled = yield* viber.sendViberMessage({
    to: [exampleRecipient],
    from: "InfoText",
    templateId,
    scheduledDate: inMinutes(60)
  })
  const msgId = scheduled.data[0]!.msgId
  console.log(`scheduled ${msgId} (${scheduled.data[0]!.status})`)
  const deleted = yield* viber.deleteScheduledViberMessage(msgId)
  console.log(`deleted ${deleted.info.msgId}, ${deleted.info.creditReturned} returned to the balance`)
}).pipe(
  Effect.catchTags({
    TemplateNotApprovedException: (e) => Effect.logError(`the template is not approved yet: ${e.message}`),
    ResourceNotFoundException: (e) => Effect.logError(`nothing scheduled to delete: ${e.message}`),
    AccessDeniedException: (e) => Effect.logError(`no longer scheduled (${e.code}): ${e.message}`)
  })
)

await Effect.runPromise(program.pipe(Effect.provide(SmsCxLive)))
