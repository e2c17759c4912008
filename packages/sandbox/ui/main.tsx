/**
 * The sandbox's web inbox (`/__sandbox/ui`): phones and their threads, campaigns, callbacks and
 * controls, over the control API only, kept current by its server-sent events. Built by
 * `scripts/inbox-ui.ts` into one page (`src/internal/app/inboxPage.ts`).
 */
import { render } from "preact"
import { useEffect, useState } from "preact/hooks"
import { CallbacksView } from "./callbacks.js"
import { CampaignsView } from "./campaigns.js"
import { ControlsView } from "./controls.js"
import { Changes, useEventStream } from "./live.js"
import { PhonesView } from "./phones.js"

type Route =
  | { readonly tab: "phones"; readonly phone: string | undefined }
  | { readonly tab: "campaigns" | "callbacks" | "controls" }

/** `#/phones/+31612345678`, `#/campaigns`, ...; anything else is the phones. */
const routeOf = (hash: string): Route => {
  const [, tab = "", phone] = hash.replace(/^#/, "").split("/")
  if (tab === "campaigns" || tab === "callbacks" || tab === "controls") return { tab }
  return { tab: "phones", phone: phone === undefined || phone === "" ? undefined : decodeURIComponent(phone) }
}

const TABS = [["phones", "Phones"], ["campaigns", "Campaigns"], ["callbacks", "Callbacks"], [
  "controls",
  "Controls"
]] as const

const App = () => {
  const [route, setRoute] = useState(routeOf(location.hash))
  const { changes, connected } = useEventStream()
  useEffect(() => {
    const onHash = () => setRoute(routeOf(location.hash))
    addEventListener("hashchange", onHash)
    return () => removeEventListener("hashchange", onHash)
  }, [])
  return (
    <Changes.Provider value={changes}>
      <header class="top">
        <h1>SMS.CX sandbox</h1>
        <nav aria-label="Sections">
          {TABS.map(([tab, name]) => (
            <a href={`#/${tab}`} aria-current={route.tab === tab ? "page" : undefined}>{name}</a>
          ))}
        </nav>
        <p class={connected ? "live on" : "live"} role="status">{connected ? "live" : "connecting…"}</p>
      </header>
      <main>
        {route.tab === "phones" && <PhonesView selected={route.phone} />}
        {route.tab === "campaigns" && <CampaignsView />}
        {route.tab === "callbacks" && <CallbacksView />}
        {route.tab === "controls" && <ControlsView />}
      </main>
    </Changes.Provider>
  )
}

render(<App />, document.getElementById("app")!)
