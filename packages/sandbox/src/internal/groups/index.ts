/**
 * The handlers of every API group, by the group's accessor name in `Api.groups`. The app derives
 * every route from `Api.groups`; a group missing here, or an operation its handlers miss, is a
 * type error.
 */
import type * as Api from "@smscx/core/Api"
import type { Context } from "../kernel/context.js"
import type * as Router from "../kernel/router.js"
import * as Account from "./account.js"
import * as Applications from "./applications.js"
import * as Attachments from "./attachments.js"
import * as Conversations from "./conversations.js"
import * as Groups from "./groups.js"
import * as Multichannel from "./multichannel.js"
import * as Numbers from "./numbers.js"
import * as Oauth from "./oauth.js"
import * as Optouts from "./optouts.js"
import * as Originators from "./originators.js"
import * as Otp from "./otp.js"
import * as Reports from "./reports.js"
import * as Shortlinks from "./shortlinks.js"
import * as Sms from "./sms.js"
import * as Templates from "./templates.js"
import * as Viber from "./viber.js"
import * as Whatsapp from "./whatsapp.js"

/** @internal */
export type GroupHandlers = {
  readonly [K in keyof typeof Api.groups]: (context: Context) => Router.Handlers<(typeof Api.groups)[K]>
}

/** @internal */
export const handlers: GroupHandlers = {
  account: Account.handlers,
  applications: Applications.handlers,
  attachments: Attachments.handlers,
  conversations: Conversations.handlers,
  groups: Groups.handlers,
  multichannel: Multichannel.handlers,
  numbers: Numbers.handlers,
  oauth: Oauth.handlers,
  optouts: Optouts.handlers,
  originators: Originators.handlers,
  otp: Otp.handlers,
  reports: Reports.handlers,
  shortlinks: Shortlinks.handlers,
  sms: Sms.handlers,
  templates: Templates.handlers,
  viber: Viber.handlers,
  whatsapp: Whatsapp.handlers
}
