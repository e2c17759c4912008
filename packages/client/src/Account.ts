/**
 * The account's balance, the status of its channels, and its pricing per channel and traffic type.
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
export interface Service extends ApiService.Of<typeof Api.Account> {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = ApiService.make(Api.Account)

/**
 * @since 0.1.0
 * @category tags
 */
export class Account extends Context.Tag("@smscx/client/Account")<Account, Service>() {
  /** The operation entries this service is derived from. */
  static readonly operations = Api.Account
  /** Needs the `Transport`; `SmsCx.layer` provides it. */
  static readonly layer = Layer.effect(this, make)
}
