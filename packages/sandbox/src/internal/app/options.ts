/**
 * A sandbox's options resolved into its configuration: defaults applied, and the values no
 * request could have produced checked (a bad one is a defect of the program that gave it).
 */
import * as Dates from "../engines/dates.js"
import * as Delivery from "../engines/delivery.js"
import { DEFAULT_MAX_BODY_BYTES } from "../kernel/body.js"
import * as Callbacks from "../kernel/callbacks.js"
import type * as FaultRules from "../kernel/faults.js"
import * as Guard from "../kernel/guard.js"
import { toMicros } from "../kernel/money.js"
import type { Config } from "../state/context.js"
import type * as State from "../state/store.js"
import type { Options } from "./types.js"

/**
 * The demo contact groups: 1 and 2 share a number (campaigns remove the duplicate), 3 is
 * empty.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultGroups: ReadonlyArray<State.Group> = [
  {
    id: 1,
    name: "Demo customers",
    contacts: [
      { phoneNumber: "+31612345678", firstName: "Jan", lastName: "Jansen", email: "jan@example.com" },
      { phoneNumber: "+4915123456789", firstName: "Anna", lastName: "Schmidt", email: "anna@example.com" },
      { phoneNumber: "+33612345678", firstName: "Marie", lastName: "Dubois", email: "marie@example.com" }
    ]
  },
  {
    id: 2,
    name: "Demo partners",
    contacts: [
      { phoneNumber: "+31612345678", firstName: "Jan", lastName: "Jansen" },
      { phoneNumber: "+447400123456", firstName: "Oliver", lastName: "Smith" },
      { phoneNumber: "+40721234567", firstName: "Andrei", lastName: "Popescu", customFields: { city: "Cluj" } }
    ]
  },
  { id: 3, name: "Empty group", contacts: [] }
]

const deliveryOf = (options: Options): Delivery.Options => {
  const given = options.delivery ?? {}
  const invalid = Delivery.invalid(given)
  // options are the program's own: a bad one is a defect, named
  if (invalid !== undefined) throw new TypeError(`Sandbox options: ${invalid}`)
  return { ...Delivery.defaults, ...given }
}

const quietHoursOf = (options: Options) => {
  const quiet = options.quietHours
  if (quiet === undefined) return undefined
  if (!Dates.isTimeOfDay(quiet.start) || !Dates.isTimeOfDay(quiet.end) || quiet.start === quiet.end) {
    throw new TypeError("Sandbox options: quietHours.start and .end must be distinct times of day, HH:MM")
  }
  return { start: quiet.start, end: quiet.end }
}

const maxMessagesOf = (options: Options) => {
  const max = options.maxMessages
  if (max !== undefined && !(Number.isSafeInteger(max) && max > 0)) {
    throw new TypeError("Sandbox options: maxMessages must be a positive integer")
  }
  return max
}

const allowedHostsOf = (options: Options) =>
  (options.allowedHosts ?? []).map((name) => {
    const hostname = Guard.hostnameOf(name)
    if (hostname === undefined) throw new TypeError(`Sandbox options: allowedHosts: not a host name: ${name}`)
    return hostname
  })

/** The options resolved, defaults applied; an invalid one (the program's own) is a defect. @internal */
export const configOf = (options: Options, faults: FaultRules.Resolved): Config => ({
  apiKeys: options.apiKeys ?? [],
  applications: options.applications ?? [],
  balanceMicros: toMicros(options.balance ?? 100),
  currency: options.currency ?? "eur",
  rateLimit: options.rateLimit ?? { limit: 1000, windowSeconds: 1 },
  tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 86_400,
  channels: { sms: true, viber: true, whatsapp: true, multichannel: true, ...options.channels },
  groups: options.groups ?? defaultGroups,
  maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
  seed: options.seed,
  callbacks: { ...Callbacks.defaults, ...options.callbacks },
  attachments: options.attachments ?? [],
  faults,
  delivery: deliveryOf(options),
  quietHours: quietHoursOf(options),
  maxMessages: maxMessagesOf(options),
  allowedHosts: allowedHostsOf(options)
})
