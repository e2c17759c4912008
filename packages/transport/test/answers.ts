/**
 * Answers and requests the transport tests share: a sendSms answer as the API gives it, an
 * account balance, an SMS to send.
 */
export const balance = { balance: 12.5, currency: "eur", billing: "prepaid" } as const

export const sms = { to: ["+31612469000"], from: "InfoText", text: "Hello" }

export const sent = {
  info: {
    campaignId: "0b2b6ab0-5f5e-4a4b-9c8e-2a6d1e9f0c11",
    totalPhoneNumbers: 1,
    totalValid: 1,
    totalInvalid: 0,
    totalCost: 0.021,
    totalParts: 1,
    dlrCallbackUrl: null,
    scheduled: false
  },
  data: [{
    msgId: "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
    status: "ACCEPTED",
    statusCode: 1,
    errorCode: null,
    createdAt: "2024-05-01T10:00:00Z",
    inQuietHours: false,
    cost: 0.021,
    to: "+31612469000",
    countryIso: "NL",
    from: "InfoText",
    text: "Hello",
    parts: 1,
    textAnalysis: { length: 5, unicode: false, parts: 1 }
  }]
} as const
