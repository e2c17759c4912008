/**
 * The phones: every number a message went to or came from, most recently active first,
 * searched and paged by the sandbox (it may hold 100,000 messages); the one chosen shows its
 * thread beside the list (in place of it on a narrow window).
 */
import { useEffect, useState } from "preact/hooks"
import { api, type Page, type PhoneSummary, timeOf } from "./api.js"
import { useLive } from "./live.js"
import { ThreadView } from "./thread.js"

const PAGE = 50

const channelNames = { sms: "SMS", viber: "Viber", whatsapp: "WhatsApp" } as const

export const PhonesView = ({ selected }: { readonly selected: string | undefined }) => {
  const [typed, setTyped] = useState("")
  const [query, setQuery] = useState("")
  const [offset, setOffset] = useState(0)
  // the search runs once typing pauses
  useEffect(() => {
    const timer = setTimeout(() => {
      setQuery(typed)
      setOffset(0)
    }, 200)
    return () => clearTimeout(timer)
  }, [typed])
  const { data, error } = useLive(
    () =>
      api<{ readonly phones: ReadonlyArray<PhoneSummary> } & Page>(
        `phones?q=${encodeURIComponent(query)}&offset=${offset}&limit=${PAGE}`
      ),
    [query, offset]
  )
  return (
    <div class={selected === undefined ? "split" : "split chosen"}>
      <section class="list" aria-labelledby="phones-title">
        <h2 id="phones-title">Phones</h2>
        <label class="search">
          <span>Search numbers and texts</span>
          <input type="search" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
        </label>
        {error !== undefined && <p role="alert" class="error">{error}</p>}
        {data !== undefined && (
          <>
            <p class="count" aria-live="polite">
              {data.total === 0
                ? query === "" ? "Nothing sent yet: send through the SDK and it shows here." : "No phone matches."
                : `${data.total} phone${data.total === 1 ? "" : "s"}`}
            </p>
            <ul class="phones">
              {data.phones.map((p) => (
                <li key={p.phone}>
                  <a
                    href={`#/phones/${encodeURIComponent(p.phone)}`}
                    aria-current={p.phone === selected ? "page" : undefined}
                  >
                    <span class="number">{p.phone}</span>
                    <span class="when">{timeOf(p.lastAt)}</span>
                    <span class="preview">
                      <span class="badge">{channelNames[p.lastChannel]}</span> {p.lastText}
                    </span>
                    <span class="tally">{p.sent} sent · {p.received} received</span>
                  </a>
                </li>
              ))}
            </ul>
            <nav class="pager" aria-label="Pages of phones">
              <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                Newer
              </button>
              <span>
                {data.total === 0 ? 0 : offset + 1}–{Math.min(offset + PAGE, data.total)} of {data.total}
              </span>
              <button type="button" disabled={offset + PAGE >= data.total} onClick={() => setOffset(offset + PAGE)}>
                Older
              </button>
            </nav>
          </>
        )}
      </section>
      <section class="detail" aria-label="Thread">
        {selected === undefined ? <p class="hint">Choose a phone to see its messages.</p> : (
          <>
            <a class="back" href="#/phones">← All phones</a>
            <ThreadView phone={selected} />
          </>
        )}
      </section>
    </div>
  )
}
