/**
 * OAuth 2 client credentials: exchange an application's id and secret for a bearer token. The transport does this by itself when the client is configured with an application; call it directly to manage tokens yourself.
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
export interface Service extends ApiService.Of<typeof Api.Oauth> {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = ApiService.make(Api.Oauth)

/**
 * @since 0.1.0
 * @category tags
 */
export class Oauth extends Context.Tag("@smscx/client/Oauth")<Oauth, Service>() {
  /** The operation entries this service is derived from. */
  static readonly operations = Api.Oauth
  /** Needs the `Transport`; `SmsCx.layer` provides it. */
  static readonly layer = Layer.effect(this, make)
}
