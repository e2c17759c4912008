/**
 * What every group's handlers share: the store, the sandbox's configuration, and the outbound
 * callbacks. Time is the Effect `Clock` and randomness the Effect `Random` the app runs under
 * (seeded when `seed` is set), so tests drive both.
 */
import type * as Generated from "@smscx/core/Generated"
import type * as Auth from "../kernel/auth.js"
import type * as Callbacks from "../kernel/callbacks.js"
import type * as Faults from "../kernel/faults.js"
import type * as Timers from "../kernel/timers.js"
import type * as Store from "./store.js"
import type * as Types from "./types.js"

/** Resolved options. @internal */
export interface Config {
  readonly apiKeys: ReadonlyArray<string>
  readonly applications: ReadonlyArray<Auth.Application>
  readonly balanceMicros: number
  readonly currency: Generated.AccountBalance["currency"]
  readonly rateLimit: { readonly limit: number; readonly windowSeconds: number }
  readonly tokenLifetimeSeconds: number
  readonly channels: Generated.ChannelsStatus
  readonly groups: ReadonlyArray<Store.Group>
  /** The largest request body read; a larger one is answered 413. */
  readonly maxBodyBytes: number
  /** Seeds ids, PINs and tokens: the same seed and requests give the same answers. */
  readonly seed: number | undefined
  readonly callbacks: Callbacks.Options
  /** The attachments the sandbox starts with (again after a reset). */
  readonly attachments: ReadonlyArray<Types.NewAttachment>
  /** When messages are sent and delivered, and which fail. */
  readonly delivery: Types.DeliveryOptions
  /** The account's quiet hours at each destination, when it has some. */
  readonly quietHours?: Types.QuietHours | undefined
  /** The faults injected into API requests (again after a reset); none when absent. */
  readonly faults?: Faults.Resolved | undefined
  /** Messages kept at most (the outbox and reports); the oldest are dropped first. */
  readonly maxMessages?: number | undefined
  /** The `Host` names served besides loopback's (`localhost`, `127.0.0.1`, `[::1]`). */
  readonly allowedHosts?: ReadonlyArray<string> | undefined
}

/** @internal */
export interface Context {
  readonly store: Store.Store
  readonly config: Config
  readonly callbacks: Callbacks.Callbacks
  /** Work due later (delivery reports, lookup results), on one queue. */
  readonly timers: Timers.Timers
}
