# shellcheck shell=bash
# Type-checks TypeScript users of all five packages with module node16 and with bundler.
# Sourced by scripts/consumer-check.sh, in the consumer project (the current directory), with its
# variables (root, tmp, packs, consumer) and functions (stop_sandbox) in scope.

cat > consumer.ts <<'EOF'
import { Sms, SmsCx as EffectSmsCx } from "@smscx/client"
import { Api } from "@smscx/core"
import * as Errors from "@smscx/core/Errors"
import { Bulk, InvalidPhoneNumberException, SmsCx } from "@smscx/promise"
import * as BulkJobFile from "@smscx/promise/BulkJobFile"
import * as RedisPacing from "@smscx/promise/RedisPacing"
import { Sandbox } from "@smscx/sandbox"
import * as Transport from "@smscx/transport/Transport"
import { Effect, Redacted } from "effect"

const sandbox: Sandbox.Server = await Sandbox.start({ port: 0 })
const client = new SmsCx({ apiKey: "test-key", baseUrl: sandbox.url })
try {
  const sent = await client.sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi" })
  const status: string | undefined = sent.data[0]?.status
  console.log(status, Transport.VERSION, Object.keys(Api).length)
} catch (err) {
  if (err instanceof InvalidPhoneNumberException) console.log(err.invalid)
  else if (err instanceof Errors.SmsCxError) console.log(err._tag)
  else throw err
}
// a store from the Promise package's own copy of Effect fits its client
export const job = client.bulk.job("consumer-job", { store: BulkJobFile.store({ directory: "./jobs" }) })
// and so does a pacing shared through Redis (its types need no ioredis installed)
export const paced = async () => Bulk.bulkOf(client, { pacing: (await RedisPacing.open({ port: 6379 })).pacing })

export const program: Effect.Effect<number, Errors.SmsCxError> = Effect.gen(function*() {
  const sms = yield* Sms
  const sent = yield* sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi" })
  return sent.info.totalCost
}).pipe(Effect.provide(EffectSmsCx.layer({ apiKey: Redacted.make("test-key"), baseUrl: sandbox.url })))
EOF

cat > consumer.cts <<'EOF'
import { SmsCx } from "@smscx/promise"
import { Sandbox } from "@smscx/sandbox"
import * as Transport from "@smscx/transport/Transport"

export const send = async (): Promise<string | undefined> => {
  const sandbox = await Sandbox.start({ port: 0 })
  const client = new SmsCx({ apiKey: "test-key", baseUrl: sandbox.url })
  const sent = await client.sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi" })
  await client.close()
  await sandbox.close()
  return `${Transport.VERSION} ${sent.data[0]?.status}`
}
EOF

common='"strict": true, "skipLibCheck": false, "lib": ["ES2022"], "types": ["node"], "target": "ES2022", "noEmit": true'
cat > tsconfig.node16.json <<EOF
{ "compilerOptions": { $common, "module": "node16", "moduleResolution": "node16" },
  "files": ["consumer.ts", "consumer.cts"] }
EOF
cat > tsconfig.bundler.json <<EOF
{ "compilerOptions": { $common, "module": "esnext", "moduleResolution": "bundler" },
  "files": ["consumer.ts"] }
EOF
echo "--- consumer: tsc (module node16, moduleResolution node16; .ts and .cts)"
npx --no-install tsc -p tsconfig.node16.json
echo "--- consumer: tsc (module esnext, moduleResolution bundler)"
npx --no-install tsc -p tsconfig.bundler.json
