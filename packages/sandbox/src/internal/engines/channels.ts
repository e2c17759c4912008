/**
 * Which channels (SMS, Viber, WhatsApp, multichannel) are active for the account: the sandbox's
 * `channels` option until the control API changes them (`setChannels`). Sends on an inactive
 * channel are refused.
 */
import type * as Generated from "@smscx/core/Generated"
import * as Effect from "effect/Effect"
import type { Config } from "../state/context.js"
import * as Store from "../state/store.js"

/** The channels' status once changed through the control API. */
const ChannelStatus = Store.collection<"current", Generated.ChannelsStatus>("channelStatus")

/** Which channels are active now. @internal */
export const channelsOf = (store: Store.Store, config: Config): Generated.ChannelsStatus =>
  store.records(ChannelStatus).get("current") ?? config.channels

/** Activates or deactivates channels (the control API); gives the status after. @internal */
export const setChannels = (
  store: Store.Store,
  config: Config,
  change: Partial<Generated.ChannelsStatus>
): Effect.Effect<Generated.ChannelsStatus> =>
  Effect.sync(() => {
    const next = { ...channelsOf(store, config), ...change }
    store.records(ChannelStatus).set("current", next)
    return next
  })
