/** The callbacks the sandbox POSTed (delivery reports, OTP and lookup results), newest first, each with a resend button. */
import { useState } from "preact/hooks"
import { api, type CallbackRecord, timeOf } from "./api.js"
import { useLive } from "./live.js"

export const CallbacksView = () => {
  const { data, error, reload } = useLive(
    () => api<{ readonly callbacks: ReadonlyArray<CallbackRecord>; readonly total: number }>("callbacks?limit=100"),
    []
  )
  const [failure, setFailure] = useState<string | undefined>(undefined)
  const resend = (id: number) =>
    api(`callbacks/${id}/resend`, { method: "POST" }).then(
      () => {
        setFailure(undefined)
        reload()
      },
      (e: unknown) => setFailure(e instanceof Error ? e.message : String(e))
    )
  return (
    <section aria-labelledby="callbacks-title" class="page">
      <h2 id="callbacks-title">Callbacks</h2>
      {[error, failure].map((message) => message !== undefined && <p role="alert" class="error">{message}</p>)}
      {data?.total === 0 && (
        <p class="hint">None yet: a send with a callback URL (dlrCallbackUrl, otpCallbackUrl) gets them.</p>
      )}
      <ul class="cards">
        {data?.callbacks.slice().reverse().map((c) => (
          <li key={c.id} class="card">
            <h3>
              #{c.id} <span class={`badge ${c.outcome}`}>{c.outcome}</span>{" "}
              <span class="when">{timeOf(c.createdAt)}</span>
            </h3>
            <p class="mono">POST {c.url}</p>
            <p>
              {c.attempts} attempt{c.attempts === 1 ? "" : "s"}
              {c.status !== undefined && ` · last answer HTTP ${c.status}`}
            </p>
            <details>
              <summary>Payload</summary>
              <pre>{JSON.stringify(c.payload, null, 2)}</pre>
            </details>
            <button type="button" onClick={() => void resend(c.id)}>Resend #{c.id}</button>
          </li>
        ))}
      </ul>
    </section>
  )
}
