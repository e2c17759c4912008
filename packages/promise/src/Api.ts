/**
 * The operation entries of every API group (`Sms`, `Otp`, `Numbers`, ...), to choose the groups
 * of a client made with `createClient`: `import { Sms } from "@smscx/promise/Api"`.
 *
 * @since 0.1.0
 */
export * from "@smscx/core/Api"
