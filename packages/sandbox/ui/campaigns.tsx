/** The sends (each is a campaign, bulk or not), newest first: totals, cost, counts by status, and the messages behind one. */
import { useState } from "preact/hooks"
import { api, type CampaignSummary, type OutboxMessage, type Page, timeOf } from "./api.js"
import { useLive } from "./live.js"

const PAGE = 25

const Messages = ({ campaignId }: { readonly campaignId: string }) => {
  const { data, error } = useLive(
    () =>
      api<{ readonly messages: ReadonlyArray<OutboxMessage> } & Page>(
        `messages?campaignId=${encodeURIComponent(campaignId)}&limit=100`
      ),
    [campaignId]
  )
  if (error !== undefined) return <p role="alert" class="error">{error}</p>
  if (data === undefined) return null
  return (
    <div class="messages">
      {data.total > data.messages.length && <p class="hint">The first {data.messages.length} of {data.total}.</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">To</th>
            <th scope="col">Channel</th>
            <th scope="col">Status</th>
            <th scope="col">Cost</th>
            <th scope="col">Text</th>
          </tr>
        </thead>
        <tbody>
          {data.messages.map((m) => (
            <tr key={m.msgId}>
              <td>
                <a href={`#/phones/${encodeURIComponent(m.to)}`}>{m.to}</a>
              </td>
              <td>{m.channel}</td>
              <td>{m.status}</td>
              <td>{m.cost}</td>
              <td class="text">{m.text}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export const CampaignsView = () => {
  const [offset, setOffset] = useState(0)
  const [open, setOpen] = useState<string | undefined>(undefined)
  const { data, error } = useLive(
    () =>
      api<{ readonly campaigns: ReadonlyArray<CampaignSummary> } & Page>(`campaigns?offset=${offset}&limit=${PAGE}`),
    [offset]
  )
  return (
    <section aria-labelledby="campaigns-title" class="page">
      <h2 id="campaigns-title">Campaigns and sends</h2>
      {error !== undefined && <p role="alert" class="error">{error}</p>}
      {data?.total === 0 && <p class="hint">No sends yet.</p>}
      <ul class="cards">
        {data?.campaigns.map((c) => (
          <li key={c.campaignId} class="card">
            <h3>
              {c.operation} <span class="when">{timeOf(c.createdAt)}</span>
            </h3>
            <p class="mono">{c.campaignId}</p>
            <p>
              <strong>{c.messages}</strong> message{c.messages === 1 ? "" : "s"} · cost <strong>{c.cost}</strong>
              {c.scheduled && " · scheduled"}
              {c.groups.length > 0 && ` · groups ${c.groups.map((g) => g.name).join(", ")}`}
            </p>
            <p class="statuses">
              {Object.entries(c.statuses).map(([status, n]) => (
                <span class={`badge ${status.toLowerCase().replace(" ", "-")}`}>{status} {n}</span>
              ))}
              {Object.entries(c.channels).map(([channel, n]) => <span class="badge">{channel} {n}</span>)}
            </p>
            <button
              type="button"
              aria-expanded={open === c.campaignId}
              onClick={() => setOpen(open === c.campaignId ? undefined : c.campaignId)}
            >
              {open === c.campaignId ? "Hide messages" : "Show messages"}
            </button>
            {open === c.campaignId && <Messages campaignId={c.campaignId} />}
          </li>
        ))}
      </ul>
      {data !== undefined && data.total > PAGE && (
        <nav class="pager" aria-label="Pages of campaigns">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            Newer
          </button>
          <span>{offset + 1}–{Math.min(offset + PAGE, data.total)} of {data.total}</span>
          <button type="button" disabled={offset + PAGE >= data.total} onClick={() => setOffset(offset + PAGE)}>
            Older
          </button>
        </nav>
      )}
    </section>
  )
}
