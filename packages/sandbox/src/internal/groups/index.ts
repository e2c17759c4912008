/**
 * The handlers of each API group the sandbox simulates, by the group's accessor name in
 * `Api.groups`. The app derives every route from `Api.groups`; a group given here must handle
 * each of its operations (a missing one is a type error); a group not given yet answers each of
 * its operations with 501 (see `Generic.notSimulated`).
 */
import type * as Api from "@smscx/core/Api"
import type { Context } from "../kernel/context.js"
import type * as Router from "../kernel/router.js"
import * as Account from "./account.js"
import * as Oauth from "./oauth.js"
import * as Sms from "./sms.js"

/** @internal */
export type GroupHandlers = {
  readonly [K in keyof typeof Api.groups]: (context: Context) => Router.Handlers<(typeof Api.groups)[K]>
}

/** @internal */
export const simulated: Partial<GroupHandlers> = {
  account: Account.handlers,
  oauth: Oauth.handlers,
  sms: Sms.handlers
}
