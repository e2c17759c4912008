/**
 * Links in messages, through the SDK against the sandbox: `{{shortlink:ID}}` and
 * `{{attachement:ID}}` become a URL per recipient whose visit is a hit naming that recipient;
 * `{{optoutLink}}` becomes a URL whose visit opts the recipient out (type `link`, which the API
 * then refuses to delete, 1443). An unknown link is 1112; an estimate issues no links.
 */
import { assert, describe, it } from "@effect/vitest"
import { AccessDeniedException, Groups, InvalidRequestException, Optouts, Otp, Shortlinks, Sms } from "@smscx/client"
import * as Effect from "effect/Effect"
import { DE, GB, NL, provide, sandbox } from "./utils.js"

const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 " +
  "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"

/** The short URLs of a text, in order. */
const urlsOf = (text: string | undefined) => [...(text ?? "").matchAll(/https:\/\/en\.ax\/[^\s,]+/g)].map((m) => m[0])

describe("tracked links and opt-out links in messages", () => {
  it.effect("a campaign: each contact gets their own links; a visit names the contact; the opt-out link opts out", () =>
    Effect.gen(function*() {
      const groups = yield* Groups
      const shortlinks = yield* Shortlinks
      const optouts = yield* Optouts
      const sms = yield* Sms
      const state = yield* sandbox
      const link = yield* shortlinks.createShortlink({ url: "https://example.com/sale", name: "Sale" })
      const code = link.info.id
      const { info: group } = yield* groups.createGroup({ name: "Members" })
      yield* groups.addContactsToGroup(group.id, {
        phoneNumbers: [{ phoneNumber: NL, firstName: "Jan" }, { phoneNumber: DE, firstName: "Anna" }]
      })

      const sent = yield* sms.sendSmsCampaign({
        groups: [group.id],
        from: "InfoText",
        text: `Hi {{firstName}}, sale: {{shortlink:${code}}} Stop: {{optoutLink}}`
      })
      const [jan, anna] = sent.data.map((m) => urlsOf(m.text))
      // a tracked link per contact under the link's code, as the spec shows (`https://en.ax/bVc/r2N`)
      for (const urls of [jan!, anna!]) {
        assert.strictEqual(urls.length, 2)
        assert.match(urls[0]!, new RegExp(`^https://en\\.ax/${code}/[0-9A-Za-z]{3}$`))
        assert.match(urls[1]!, /^https:\/\/en\.ax\/o\/[0-9A-Za-z]{3}$/)
      }
      assert.notStrictEqual(jan![0], anna![0])
      assert.notStrictEqual(jan![1], anna![1])
      // the outbox holds the texts as sent
      assert.deepStrictEqual((yield* state.messagesTo(NL)).map((m) => urlsOf(m.text)), [jan])

      // Anna opens her link: a hit that names her number, the campaign and the group
      assert.deepStrictEqual(
        yield* state.visit(anna![0]!, { userAgent: IPHONE, ip: "192.0.2.10" }),
        { _tag: "Redirect", location: "https://example.com/sale" }
      )
      // a plain visit of the link itself names nobody
      yield* state.visit(code)
      const hits = yield* shortlinks.getShortlinkHits(code, {})
      assert.deepStrictEqual(
        hits.data.map((h) => [h.phoneNumber, h.phoneNumberCountryIso, h.campaignId, h.groupId, h.device]),
        [
          [DE, "DE", sent.info.campaignId, String(group.id), "mobile"],
          [null, null, null, null, null]
        ]
      )

      // Jan follows his opt-out link: on the list as a `link` opt-out, which cannot be deleted
      assert.deepStrictEqual(yield* state.visit(jan![1]!), { _tag: "OptedOut", phoneNumber: NL })
      const listed = yield* optouts.getOptoutsList({})
      assert.deepStrictEqual(
        listed.data.map((o) => [o.phoneNumber, o.optoutFrom, o.campaignId, o.groupId, o.groupName]),
        [[NL, "link", sent.info.campaignId, String(group.id), "Members"]]
      )
      const refused = yield* Effect.flip(optouts.deleteContactFromOptoutsList(listed.data[0]!.id))
      assert.instanceOf(refused, AccessDeniedException)
      assert.deepStrictEqual([refused.status, refused.type, refused.code], [403, "access_denied", 1443])
      // visiting it again changes nothing
      assert.deepStrictEqual(yield* state.visit(jan![1]!), { _tag: "OptedOut", phoneNumber: NL })
      assert.strictEqual((yield* optouts.getOptoutsList({})).info.total, 1)

      // the next campaign skips Jan
      const next = yield* sms.sendSmsCampaign({ groups: [group.id], from: "InfoText", text: "News" })
      assert.deepStrictEqual(next.data.map((m) => [m.to, m.status]), [[NL, "REJECTED"], [DE, "ACCEPTED"]])

      // once the shortlink is deleted, its recipients' links lead nowhere
      yield* shortlinks.deleteShortlink(code)
      assert.strictEqual(yield* state.visit(anna![0]!), undefined)
      assert.strictEqual(yield* state.visit(`https://en.ax/${code}/zzz`), undefined)
    }).pipe(provide()))

  it.effect("an attachment's tracked link (`{{attachement:ID}}`, as the spec spells it) leads to the file", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      const state = yield* sandbox
      const file = yield* state.addAttachment({ fileName: "menu.pdf", contentType: "application/pdf", sizeBytes: 900 })
      const sent = yield* sms.sendSms({ to: [GB], from: "InfoText", text: `Menu: {{attachement:${file.id}}}` })
      const [url] = urlsOf(sent.data[0]!.text)
      assert.match(url!, new RegExp(`^https://en\\.ax/${file.id}/`))
      assert.deepStrictEqual(yield* state.visit(url!), { _tag: "Redirect", location: file.fileUrl })
      // `{{attachment:ID}}` reads the same
      const again = yield* sms.sendSms({ to: [GB], from: "InfoText", text: `Menu: {{attachment:${file.id}}}` })
      assert.match(urlsOf(again.data[0]!.text)[0]!, new RegExp(`^https://en\\.ax/${file.id}/`))
    }).pipe(provide()))

  it.effect("an unknown link is 1112 and sends nothing; an estimate's links lead nowhere", () =>
    Effect.gen(function*() {
      const sms = yield* Sms
      const otp = yield* Otp
      const shortlinks = yield* Shortlinks
      const state = yield* sandbox
      for (const text of ["{{shortlink:nope1}}", "{{attachement:nope1}}"]) {
        const error = yield* Effect.flip(sms.sendSms({ to: [NL], from: "InfoText", text }))
        assert.instanceOf(error, InvalidRequestException)
        assert.deepStrictEqual([error.status, error.code], [400, 1112])
      }
      const link = yield* shortlinks.createShortlink({ url: "https://example.com/a" })
      // a shortlink's id is not an attachment's
      const wrongKind = yield* Effect.flip(
        sms.sendSms({ to: [NL], from: "InfoText", text: `{{attachement:${link.info.id}}}` })
      )
      assert.instanceOf(wrongKind, InvalidRequestException)
      assert.strictEqual(wrongKind.code, 1112)
      const otpError = yield* Effect.flip(otp.newOtp({ phoneNumber: NL, template: "{{pin}} {{shortlink:nope1}}" }))
      assert.instanceOf(otpError, InvalidRequestException)
      assert.strictEqual(otpError.code, 1112)
      assert.deepStrictEqual(yield* state.messages, [])

      const estimate = yield* sms.estimateSms({
        to: [NL],
        from: "InfoText",
        text: `{{shortlink:${link.info.id}}} {{optoutLink}}`
      })
      const urls = urlsOf(estimate.data[0]!.text)
      assert.strictEqual(urls.length, 2)
      for (const url of urls) assert.strictEqual(yield* state.visit(url), undefined)
      assert.strictEqual((yield* shortlinks.getShortlinkHits(link.info.id, {})).info.hits, 0)
    }).pipe(provide()))

  it.effect("an OTP's template may carry links too", () =>
    Effect.gen(function*() {
      const otp = yield* Otp
      const optouts = yield* Optouts
      const state = yield* sandbox
      yield* otp.newOtp({ phoneNumber: NL, template: "Code {{pin}}. Stop: {{optoutLink}}" })
      const [message] = yield* state.messagesTo(NL)
      const [url] = urlsOf(message!.text)
      assert.deepStrictEqual(yield* state.visit(url!), { _tag: "OptedOut", phoneNumber: NL })
      const listed = yield* optouts.getOptoutsList({})
      assert.deepStrictEqual(
        listed.data.map((o) => [o.phoneNumber, o.optoutFrom, o.campaignId]),
        [[NL, "link", message!.campaignId]]
      )
    }).pipe(provide()))
})
