/**
 * The handlers of every API group, by the group's accessor name in `Api.groups`. The app derives
 * every route from `Api.groups`; a group missing here, or an operation its handlers miss, is a
 * type error.
 */
import type * as Api from "@smscx/core/Api"
import * as Account from "../groups/account.js"
import * as Applications from "../groups/applications.js"
import * as Attachments from "../groups/attachments.js"
import * as Conversations from "../groups/conversations.js"
import * as Groups from "../groups/groups.js"
import * as Multichannel from "../groups/multichannel.js"
import * as NumberLookups from "../groups/numberLookups.js"
import * as NumberRents from "../groups/numberRents.js"
import * as Oauth from "../groups/oauth.js"
import * as Optouts from "../groups/optouts.js"
import * as Originators from "../groups/originators.js"
import * as Otp from "../groups/otp.js"
import * as Reports from "../groups/reports.js"
import * as Shortlinks from "../groups/shortlinks.js"
import * as Sms from "../groups/sms.js"
import * as Templates from "../groups/templates.js"
import * as Viber from "../groups/viber.js"
import * as Whatsapp from "../groups/whatsapp.js"
import type * as Router from "../kernel/router.js"
import type { Context } from "../state/context.js"

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
  // one API group, two modules: its lookups and its rents
  numbers: (context) => ({ ...NumberLookups.handlers(context), ...NumberRents.handlers(context) }),
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
