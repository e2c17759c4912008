/**
 * Exchange an application's id and secret for a bearer token. (A client configured with
 * `applicationId` and `applicationSecret` does this by itself, and refreshes the token.)
 */
import { SmsCx } from "@smscx/promise"
import { Sandbox } from "@smscx/sandbox"

const applicationId = process.env.SMSCX_APPLICATION_ID
const applicationSecret = process.env.SMSCX_APPLICATION_SECRET
if (applicationId && applicationSecret) console.error("SMSCX_APPLICATION_ID found: calling the real SMS.CX API")
else console.error("No SMSCX_APPLICATION_ID set: running against the embedded sandbox (in-process, nothing is sent)")

await using client = applicationId && applicationSecret
  ? new SmsCx({ applicationId, applicationSecret })
  : new SmsCx({
    applicationId: "example-app",
    applicationSecret: "example-secret",
    baseUrl: "http://sandbox.local",
    fetch: Sandbox.inProcessFetch().fetch
  })

const token = await client.oauth.getAccessToken({ grant_type: "client_credentials", scope: "sms account" })
console.log(`a ${token.token_type ?? "Bearer"} token for "${token.scope}", valid ${token.expires_in} s`)
