/**
 * The sandbox's controls, each a form over the control API: balance, clock, channels, faults,
 * approvals of templates and sender names, reset, and what it holds.
 */
import type { ComponentChildren } from "preact"
import { useState } from "preact/hooks"
import { api, type Faults } from "./api.js"
import { useLive } from "./live.js"

const FAULT_KINDS = ["rateLimit", "serverError", "unavailable", "reset", "stall", "malformed", "lostAnswer"]

/** A form that runs `action` and tells how it went. */
const Form = (
  { action, children, label }: {
    readonly label: string
    readonly action: (form: FormData) => Promise<string>
    readonly children: ComponentChildren
  }
) => {
  const [outcome, setOutcome] = useState<{ readonly ok: boolean; readonly message: string } | undefined>(undefined)
  const submit = (event: Event) => {
    event.preventDefault()
    const form = event.currentTarget as HTMLFormElement
    action(new FormData(form)).then(
      (message) => setOutcome({ ok: true, message }),
      (e: unknown) => setOutcome({ ok: false, message: e instanceof Error ? e.message : String(e) })
    )
  }
  return (
    <form class="control" onSubmit={submit} aria-label={label}>
      {children}
      {outcome !== undefined && (
        <p role={outcome.ok ? "status" : "alert"} class={outcome.ok ? "ok" : "error"}>{outcome.message}</p>
      )}
    </form>
  )
}

const text = (form: FormData, name: string) => String(form.get(name) ?? "")

const FaultsControl = () => {
  const { data, reload } = useLive(() => api<Faults>("faults"), [])
  const rules = data?.rules ?? []
  const put = (next: Faults["rules"]) =>
    api<Faults>("faults", { method: "PUT", body: { ...data, rules: next } }).then(() => reload())
  return (
    <section class="card" aria-labelledby="faults-title">
      <h3 id="faults-title">Faults</h3>
      {rules.length === 0 ? <p>None: every API request is answered.</p> : (
        <ul class="rules">
          {rules.map((rule, i) => (
            <li key={i}>
              <span class="mono">
                {rule.kind} at rate {rule.rate} on {rule.operations?.join(", ") ?? "every API route"}
              </span>
              <button type="button" onClick={() => void put(rules.filter((_, j) => j !== i))}>Remove</button>
            </li>
          ))}
        </ul>
      )}
      <Form
        label="Add a fault"
        action={async (form) => {
          const operations = text(form, "operations").split(",").map((s) => s.trim()).filter((s) => s !== "")
          const rule = {
            kind: text(form, "kind"),
            rate: Number(text(form, "rate")),
            ...(operations.length === 0 ? {} : { operations })
          }
          await put([...rules, rule])
          return `${rule.kind} added`
        }}
      >
        <label>
          <span>Kind</span>
          <select name="kind">{FAULT_KINDS.map((kind) => <option value={kind}>{kind}</option>)}</select>
        </label>
        <label>
          <span>Rate (0 to 1)</span>
          <input name="rate" type="number" min="0" max="1" step="any" value="1" required />
        </label>
        <label class="grow">
          <span>Operations (comma-separated operationIds; empty: all)</span>
          <input name="operations" placeholder="sendSms, getAccountBalance" />
        </label>
        <button type="submit">Add fault</button>
      </Form>
      {rules.length > 0 && <button type="button" onClick={() => void put([])}>Clear faults</button>}
    </section>
  )
}

const ChannelsControl = () => {
  const { data, reload } = useLive(() => api<Readonly<Record<string, boolean>>>("channels"), [])
  return (
    <section class="card" aria-labelledby="channels-title">
      <h3 id="channels-title">Channels</h3>
      <div class="checks">
        {data !== undefined && Object.entries(data).map(([name, active]) => (
          <label key={name} class="check">
            <input
              type="checkbox"
              checked={active}
              onChange={(e) =>
                void api("channels", { method: "PUT", body: { [name]: e.currentTarget.checked } }).then(reload)}
            />
            <span>{name}</span>
          </label>
        ))}
      </div>
    </section>
  )
}

export const ControlsView = () => {
  const balance = useLive(() => api<{ readonly balance: number }>("balance"), [])
  const stats = useLive(() => api<Readonly<Record<string, number>>>("stats"), [])
  const approve = (kind: "templates" | "originators") => async (form: FormData) => {
    await api(`${kind}/${encodeURIComponent(text(form, "id"))}/approve`, { method: "POST" })
    return `${kind === "templates" ? "template" : "sender name"} ${text(form, "id")} approved`
  }
  return (
    <section aria-labelledby="controls-title" class="page">
      <h2 id="controls-title">Controls</h2>
      <div class="grid">
        <section class="card" aria-labelledby="balance-title">
          <h3 id="balance-title">Balance</h3>
          <p class="big">{balance.data?.balance ?? "…"}</p>
          <Form
            label="Set the balance"
            action={async (form) => {
              await api("balance", { method: "PUT", body: { balance: Number(text(form, "balance")) } })
              return "balance set"
            }}
          >
            <label>
              <span>New balance</span>
              <input name="balance" type="number" min="0" step="any" required />
            </label>
            <button type="submit">Set balance</button>
          </Form>
        </section>
        <section class="card" aria-labelledby="clock-title">
          <h3 id="clock-title">Clock</h3>
          <Form
            label="Advance the clock"
            action={async (form) => {
              await api("time", { method: "POST", body: { seconds: Number(text(form, "seconds")) } })
              return `advanced ${text(form, "seconds")} s`
            }}
          >
            <label>
              <span>Seconds</span>
              <input name="seconds" type="number" min="0" step="any" value="60" required />
            </label>
            <button type="submit">Advance clock</button>
          </Form>
        </section>
        <ChannelsControl />
        <section class="card" aria-labelledby="approvals-title">
          <h3 id="approvals-title">Approvals</h3>
          <Form label="Approve a template" action={approve("templates")}>
            <label>
              <span>Template id</span>
              <input name="id" type="number" min="1" required />
            </label>
            <button type="submit">Approve template</button>
          </Form>
          <Form label="Approve a sender name" action={approve("originators")}>
            <label>
              <span>Sender name (originator) id</span>
              <input name="id" type="number" min="1" required />
            </label>
            <button type="submit">Approve sender name</button>
          </Form>
        </section>
        <FaultsControl />
        <section class="card" aria-labelledby="reset-title">
          <h3 id="reset-title">Reset</h3>
          <p>Back to the state the sandbox started with: nothing sent, the starting balance, no faults.</p>
          <Form
            label="Reset the sandbox"
            action={async () => {
              if (!window.confirm("Reset the sandbox? Everything it holds is dropped.")) return "not reset"
              await api("reset", { method: "POST" })
              return "reset"
            }}
          >
            <button type="submit" class="danger">Reset sandbox</button>
          </Form>
        </section>
        <section class="card" aria-labelledby="stats-title">
          <h3 id="stats-title">What it holds</h3>
          <dl class="stats">
            {stats.data !== undefined && Object.entries(stats.data).map(([name, n]) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>{n}</dd>
              </div>
            ))}
          </dl>
        </section>
      </div>
    </section>
  )
}
