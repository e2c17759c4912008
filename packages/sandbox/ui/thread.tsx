/**
 * One phone's thread, as its screen would show it: what it was sent (channel, sender, text with
 * its links tappable through the sandbox's visit route, parts and encoding, cost, the status
 * timeline, an OTP's PIN large), what it sent, and a form to reply as the phone.
 */
import type { ComponentChildren } from "preact"
import { useEffect, useState } from "preact/hooks"
import { api, type Channel, type ReceivedItem, type SentItem, type Thread, timeOf } from "./api.js"
import { useLive } from "./live.js"

const channelNames: Readonly<Record<Channel, string>> = { sms: "SMS", viber: "Viber", whatsapp: "WhatsApp" }

/** A text with each short URL a link to the sandbox's visit route (a tap records the hit). */
const withLinks = (text: string, links: SentItem["links"]): ComponentChildren => {
  if (links.length === 0) return text
  const out: Array<ComponentChildren> = []
  let rest = text
  for (const link of links) {
    const at = rest.indexOf(link.url)
    if (at === -1) continue
    out.push(rest.slice(0, at))
    out.push(
      <a href={link.visit} target="_blank" rel="noopener noreferrer" class="tracked">
        {link.url}
      </a>
    )
    rest = rest.slice(at + link.url.length)
  }
  out.push(rest)
  return out
}

const Sent = ({ item }: { readonly item: SentItem }) => (
  <article class={`bubble sent ${item.channel}`} aria-label={`${channelNames[item.channel]} from ${item.from}`}>
    <header>
      <span class="badge">{channelNames[item.channel]}</span> <strong>{item.from}</strong>
      <time dateTime={item.at}>{timeOf(item.at)}</time>
    </header>
    {item.pin !== null && (
      <p class="pin">
        PIN <output aria-label="OTP PIN">{item.pin}</output>
      </p>
    )}
    <p class="text">{withLinks(item.text, item.links)}</p>
    <p class="meta">
      {item.parts} part{item.parts === 1 ? "" : "s"} · {item.encoding} · {item.length} characters · cost {item.cost}
    </p>
    <ol class="steps" aria-label="Status timeline">
      {item.steps.map((step) => (
        <li class={step.done ? `done ${step.status.toLowerCase().replace(" ", "-")}` : "due"}>
          <span>{step.status}</span> <time dateTime={step.at}>{new Date(step.at).toLocaleTimeString()}</time>
          {!step.done && <span class="visually-hidden">(due)</span>}
        </li>
      ))}
    </ol>
    {item.errorCode !== null && <p class="meta">error code {item.errorCode}</p>}
  </article>
)

const Received = ({ item }: { readonly item: ReceivedItem }) => (
  <article class={`bubble received ${item.channel}`} aria-label={`${channelNames[item.channel]} reply`}>
    <header>
      <span class="badge">{channelNames[item.channel]}</span> <strong>reply</strong>
      <time dateTime={item.at}>{timeOf(item.at)}</time>
    </header>
    <p class="text">{item.text}</p>
  </article>
)

const Reply = ({ phone, onSent }: { readonly phone: string; readonly onSent: () => void }) => {
  const [channel, setChannel] = useState<Channel>("sms")
  const [text, setText] = useState("")
  const [error, setError] = useState<string | undefined>(undefined)
  const send = async (event: Event) => {
    event.preventDefault()
    try {
      await api("inbound", { method: "POST", body: { from: phone, text, channel } })
      setText("")
      setError(undefined)
      onSent()
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure))
    }
  }
  return (
    <form class="reply" onSubmit={send} aria-label={`Reply as ${phone}`}>
      <label>
        <span>Channel</span>
        <select value={channel} onChange={(e) => setChannel(e.currentTarget.value as Channel)}>
          <option value="sms">SMS</option>
          <option value="viber">Viber</option>
          <option value="whatsapp">WhatsApp</option>
        </select>
      </label>
      <label class="grow">
        <span>Reply as the phone</span>
        <input value={text} required onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      <button type="submit">Send reply</button>
      {error !== undefined && <p role="alert" class="error">{error}</p>}
    </form>
  )
}

export const ThreadView = ({ phone }: { readonly phone: string }) => {
  const { data, error, reload } = useLive(
    () => api<Thread>(`thread?phone=${encodeURIComponent(phone)}`),
    [phone]
  )
  // a status due later (SENT, DELIVERED) shows when it comes: one read then, no polling
  useEffect(() => {
    if (data?.nextChangeAt == null) return
    const wait = Date.parse(data.nextChangeAt) - Date.parse(data.now) + 50
    const timer = setTimeout(reload, Math.min(Math.max(wait, 50), 2_000_000_000))
    return () => clearTimeout(timer)
  }, [data])
  return (
    <div class="phone" aria-labelledby="thread-title">
      <h2 id="thread-title" class="screen-top">{phone}</h2>
      {error !== undefined && <p role="alert" class="error">{error}</p>}
      <div class="screen" aria-live="polite">
        {data !== undefined && data.items.length === 0 && <p class="hint">Nothing to or from this number yet.</p>}
        {data !== undefined && data.total > data.items.length && (
          <p class="hint">The last {data.items.length} of {data.total} messages.</p>
        )}
        {data?.items.map((item) =>
          item.direction === "sent" ? <Sent key={item.msgId} item={item} /> : <Received key={item.msgId} item={item} />
        )}
      </div>
      <Reply phone={phone} onSent={reload} />
    </div>
  )
}
