/**
 * Live data without polling: the page listens to the sandbox's server-sent events and bumps a
 * counter (at most once per 150 ms, so a bulk send is one read, not thousands); every view reads
 * its data again when the counter moves, or when it asks to (`reload`).
 */
import { createContext } from "preact"
import { useContext, useEffect, useState } from "preact/hooks"
import { eventsUrl } from "./api.js"

export const Changes = createContext(0)

/** The change counter and whether the event stream is connected. */
export const useEventStream = (): { readonly changes: number; readonly connected: boolean } => {
  const [changes, setChanges] = useState(0)
  const [connected, setConnected] = useState(false)
  useEffect(() => {
    const source = new EventSource(eventsUrl)
    let timer: ReturnType<typeof setTimeout> | undefined
    source.onopen = () => setConnected(true)
    source.onerror = () => setConnected(false)
    source.onmessage = () => {
      if (timer !== undefined) return
      timer = setTimeout(() => {
        timer = undefined
        setChanges((n) => n + 1)
      }, 150)
    }
    return () => {
      clearTimeout(timer)
      source.close()
    }
  }, [])
  return { changes, connected }
}

export interface Live<T> {
  readonly data: T | undefined
  readonly error: string | undefined
  readonly reload: () => void
}

/** `load` run now, again on every change the sandbox tells of, and when `deps` change. */
export const useLive = <T>(load: () => Promise<T>, deps: ReadonlyArray<unknown>): Live<T> => {
  const changes = useContext(Changes)
  const [asked, setAsked] = useState(0)
  const [data, setData] = useState<T | undefined>(undefined)
  const [error, setError] = useState<string | undefined>(undefined)
  useEffect(() => {
    let current = true
    load().then(
      (value) => {
        if (!current) return
        setData(value)
        setError(undefined)
      },
      (failure: unknown) => {
        if (current) setError(failure instanceof Error ? failure.message : String(failure))
      }
    )
    return () => {
      current = false
    }
  }, [...deps, changes, asked])
  return { data, error, reload: () => setAsked((n) => n + 1) }
}
