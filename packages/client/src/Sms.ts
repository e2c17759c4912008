/**
 * Send SMS to single numbers or many (up to 25,000 a request) and to groups as campaigns, estimate their cost, and delete scheduled messages and campaigns (their cost is refunded).
 *
 * @since 0.1.0
 */
import { Api } from "@smscx/core"
import * as Context from "effect/Context"
import * as Layer from "effect/Layer"
import * as ApiService from "./ApiService.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service extends ApiService.Of<typeof Api.Sms> {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = ApiService.make(Api.Sms)

/**
 * @since 0.1.0
 * @category tags
 */
export class Sms extends Context.Tag("@smscx/client/Sms")<Sms, Service>() {
  /** The operation entries this service is derived from. */
  static readonly operations = Api.Sms
  /** Needs the `Transport`; `SmsCx.layer` provides it. */
  static readonly layer = Layer.effect(this, make)
}
