/**
 * The Promise facade, for code that does not use Effect: the same operations, methods and
 * errors as `@smscx/client`, each method returning a Promise.
 *
 * @example
 * ```ts
 * import { InvalidPhoneNumberException, SmsCx } from "@smscx/promise"
 *
 * await using client = new SmsCx({ apiKey: process.env.SMSCX_API_KEY! })
 * try {
 *   await client.sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi" })
 * } catch (err) {
 *   if (err instanceof InvalidPhoneNumberException) console.log(err.invalid)
 * }
 * ```
 *
 * @since 0.1.0
 */
import * as Api from "@smscx/core/Api"
import { type BulkClient, bulkOf } from "./Bulk.js"
import { type Client, ClientBase, type Options } from "./Client.js"

/**
 * @since 0.1.0
 */
export type { CallOptions, FileStream, LogLevelName, Method, Options, Paginated, Streamed } from "./Client.js"

/**
 * The groups of the facade: `client.sms`, `client.numbers`, `client.otp`, ...
 * @since 0.1.0
 * @category models
 */
export type GroupsOf = Omit<Client<typeof Api.groups>, keyof ClientBase>

/**
 * @since 0.1.0
 * @category models
 */
// the groups are set on the instance by ClientBase's constructor (adapted from the Effect
// services of the same Api.groups)
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface SmsCx extends GroupsOf {}

/**
 * A client of every group of the SMS.CX API. Methods reject with the SDK's tagged errors
 * themselves (`err instanceof InvalidRequestException`, `err._tag === "InvalidRequestException"`),
 * never a wrapper. Close it (`await client.close()`, or `await using`) to release its connections.
 * For a bundle with only the groups a program uses, see `createClient`.
 *
 * @since 0.1.0
 * @category clients
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class SmsCx extends ClientBase {
  /**
   * Bulk sending: `client.bulk.sms(recipients, message, { onProgress, signal })`, and the same
   * for `viber`, `whatsapp` and `multichannel`.
   */
  readonly bulk: BulkClient

  /** @throws InvalidOptionsError when an option cannot work (named in its message); nothing is sent. */
  constructor(options: Options = {}) {
    super(Api.groups, options)
    this.bulk = bulkOf(this)
  }
}
