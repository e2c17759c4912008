/**
 * parseWebhook: the Promise facade's webhook decoding. It returns the typed payload, or throws
 * the WebhookDecodeError class itself (not a FiberFailure), for a raw or a parsed body.
 */
import { parseWebhook, WebhookDecodeError, type WebhookPayload } from "@smscx/promise"
import { describe, expect, it } from "vitest"

const dlrItem = {
  campaignId: "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11",
  msgId: "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
  statusCode: 2,
  status: "DELIVERED",
  errorCode: null,
  datetime: "2025-03-01 10:15:30"
}
const dlr = { event: "dlr_update", data: [dlrItem] }
const inbound = {
  event: "receive_sms",
  data: [{
    msgId: "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11",
    from: "+31612469000",
    countryIso: "NL",
    to: "3197010260000",
    text: "STOP",
    cost: 0,
    receivedAt: "2025-03-01 10:15:30"
  }]
}

const thrown = (f: () => unknown): unknown => {
  try {
    f()
  } catch (err) {
    return err
  }
  return expect.fail("expected a throw")
}

describe("parseWebhook", () => {
  it("decodes a raw string body, and a parsed one, as the kind given", () => {
    const fromText: WebhookPayload<"dlr_update"> = parseWebhook("dlr_update", JSON.stringify(dlr))
    expect(fromText).toEqual(dlr)
    expect(fromText.data[0]?.status).toBe("DELIVERED")
    expect(parseWebhook("dlr_update", structuredClone(dlr))).toEqual(dlr)
    expect(parseWebhook("dlr_update", Buffer.from(JSON.stringify(dlr)))).toEqual(dlr)
  })

  it("keeps unknown fields", () => {
    const body = { ...dlr, sentAt: 1, data: [{ ...dlrItem, carrier: "KPN" }] }
    expect(parseWebhook("dlr_update", JSON.stringify(body))).toEqual(body)
  })

  it("\"auto\" goes by the body's event", () => {
    const a = parseWebhook("auto", JSON.stringify(dlr))
    expect(a).toEqual(dlr)
    expect(a.event).toBe("dlr_update")
    const b = parseWebhook("auto", inbound)
    expect(b.event).toBe("receive_sms")
    if (b.event === "receive_sms") expect(b.data[0]?.text).toBe("STOP")
  })

  it("takes the request URL or path: its last segment names the kind, else the event decides", () => {
    expect(parseWebhook("/hooks/s3cr3t/dlr_update", dlr)).toEqual(dlr)
    expect(parseWebhook("https://example.com/hooks/s3cr3t/dlr_update?x=1", JSON.stringify(dlr))).toEqual(dlr)
    expect(parseWebhook("/hooks/s3cr3t", inbound)).toEqual(inbound)
    // the URL says dlr_update: an inbound SMS body does not fit it
    expect(thrown(() => parseWebhook("/hooks/s3cr3t/dlr_update", inbound))).toBeInstanceOf(WebhookDecodeError)
  })

  it("throws the WebhookDecodeError itself for bad JSON, a bad field, an unknown event or kind", () => {
    const badJson = thrown(() => parseWebhook("dlr_update", "{not json"))
    expect(badJson).toBeInstanceOf(WebhookDecodeError)
    expect(badJson).toBeInstanceOf(Error)
    expect((badJson as WebhookDecodeError)._tag).toBe("WebhookDecodeError")
    expect((badJson as WebhookDecodeError).kind).toBe("dlr_update")
    expect((badJson as WebhookDecodeError).message).toContain("not JSON")
    expect(thrown(() => parseWebhook("auto", "{not json"))).toBeInstanceOf(WebhookDecodeError)

    const badField = thrown(() =>
      parseWebhook("dlr_update", { data: [{ ...dlrItem, msgId: 42 }] })
    ) as WebhookDecodeError
    expect(badField).toBeInstanceOf(WebhookDecodeError)
    expect(badField.issues.map((i) => i.path)).toEqual([["data", 0, "msgId"]])
    expect(badField.message).toContain("data[0].msgId")

    const unknownEvent = thrown(() => parseWebhook("auto", { event: "nope", data: [] })) as WebhookDecodeError
    expect(unknownEvent).toBeInstanceOf(WebhookDecodeError)
    expect(unknownEvent.kind).toBe("auto")

    expect(thrown(() => parseWebhook("dlr", dlr))).toBeInstanceOf(WebhookDecodeError)
    expect(thrown(() => parseWebhook(42 as unknown as "auto", dlr))).toBeInstanceOf(WebhookDecodeError)
  })
})

describe("parseWebhook: the sender never chooses a prototype", () => {
  it("a \"__proto__\" key in the body or its items lends nothing (as text and as parsed JSON)", () => {
    const text = JSON.stringify({ data: [dlrItem] })
      .replace(/^\{/, `{"__proto__":{"event":"otp_update"},`)
      .replace(/\[\{/, `[{"__proto__":{"trackData":{"$ne":null}},`)
    for (const body of [text, JSON.parse(text)]) {
      for (const kind of ["dlr_update", "https://example.com/hooks/s3cr3t/dlr_update"]) {
        const payload = parseWebhook(kind, body) as unknown as Record<string, unknown>
        expect(Object.getPrototypeOf(payload)).toBe(Object.prototype)
        expect(payload.event).toBeUndefined()
        const item = (payload.data as Array<Record<string, unknown>>)[0]!
        expect(Object.getPrototypeOf(item)).toBe(Object.prototype)
        expect(item.trackData).toBeUndefined()
        expect(Object.hasOwn(item, "__proto__")).toBe(false)
      }
    }
  })
})
