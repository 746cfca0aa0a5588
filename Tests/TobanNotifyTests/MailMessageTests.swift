import Foundation
import Testing
import TobanCore
@testable import TobanNotify
import TobanTestSupport

/// The message as the sendmail program receives it: headers from validated fields only,
/// Japanese subjects as RFC 2047 encoded-words, the body in base64.
@Suite struct MailMessageTests {
    /// Decodes every encoded-word of a header value back to text (independently of the encoder).
    static func decode(_ value: String) -> String {
        value.components(separatedBy: "\r\n ").map { word -> String in
            guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?=") else { return word }
            let b64 = String(word.dropFirst(10).dropLast(2))
            return String(decoding: Data(base64Encoded: b64)!, as: UTF8.self)
        }.joined()
    }

    static func headers(_ text: String) -> [(String, String)] {
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        var out: [(String, String)] = []
        for line in head.components(separatedBy: "\r\n") {
            if line.hasPrefix(" "), !out.isEmpty { out[out.count - 1].1 += "\r\n" + line; continue }
            let parts = line.split(separator: ":", maxSplits: 1).map(String.init)
            out.append((parts[0], parts.count > 1 ? String(parts[1].dropFirst()) : ""))
        }
        return out
    }

    static func message(subject: String, body: String = "本文", to: [String] = ["security@acme.example"]) -> MailMessage {
        MailMessage(from: "soc@soc.example", to: to, cc: ["cc@acme.example"], subject: subject, date: t0,
                    timeZone: TimeZone(identifier: "Asia/Tokyo")!, messageID: "<toban.1@soc.example>",
                    inReplyTo: "<toban.0@soc.example>", body: body)
    }

    @Test func japaneseSubjectsAreEncodedWordsOfWholeCharacters() throws {
        let subject = "★★★【緊急】不審な通信を検知しました: 10.0.0.10 ET TROJAN Cobalt Strike Beacon Observed 株式会社アクメ 🇯🇵👩‍👩‍👧‍👦 [INC-2027-0042]"
        let text = try Self.message(subject: subject).rendered()
        let value = try #require(Self.headers(text).first { $0.0 == "Subject" }?.1)
        let words = value.components(separatedBy: "\r\n ")
        #expect(words.count > 2)
        for word in words {
            #expect(word.count <= 75, "word of \(word.count) characters")
            let b64 = String(word.dropFirst(10).dropLast(2))
            // Each word decodes to valid UTF-8 on its own: no character was cut in two.
            #expect(String(data: try #require(Data(base64Encoded: b64)), encoding: .utf8) != nil)
        }
        #expect(Self.decode(value) == subject)
        #expect(Self.decode(value).hasPrefix("★★★"))
        // And with a header line counted: "Subject: " + the first word fits 76.
        #expect(("Subject: " + words[0]).count <= 76 + 9)
    }

    @Test func plainAsciiSubjectsStayReadable() throws {
        let text = try Self.message(subject: "[Digest] 3 detections (10:30)").rendered()
        #expect(Self.headers(text).first { $0.0 == "Subject" }?.1 == "[Digest] 3 detections (10:30)")
    }

    /// A signature carrying CR/LF + Bcc: and terminal escapes adds no header and no recipient.
    @Test func logTextCannotAddHeadersOrRecipients() throws {
        let hostile = "EVIL\r\nBcc: attacker@evil.example\r\nX-Injected: 1\n\u{1B}]0;pwned\u{07}\u{1B}[2J \u{0}"
        let text = try Self.message(subject: hostile, body: "line\r\n.\r\nBcc: attacker@evil.example\n\u{1B}[31m").rendered()
        let names = Self.headers(text).map(\.0)
        #expect(!names.contains("Bcc") && !names.contains("X-Injected"))
        #expect(names == ["From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References", "Auto-Submitted",
                          "MIME-Version", "Content-Type", "Content-Transfer-Encoding"])
        let subject = Self.decode(try #require(Self.headers(text).first { $0.0 == "Subject" }?.1))
        #expect(!subject.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        #expect(subject.contains("␍␊Bcc: attacker@evil.example") && subject.contains("␛"))
        #expect(Self.message(subject: "x").recipients == ["security@acme.example", "cc@acme.example"])
        // Nothing but base64 after the blank line: no body line can be read as a header or end the message.
        let body = text.components(separatedBy: "\r\n\r\n")[1]
        #expect(body.allSatisfy { $0.isLetter && $0.isASCII || $0.isNumber || "+/=\r\n".contains($0) })
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.count <= 998 })
    }

    @Test func addressesAndIdsThatCouldCarryAHeaderAreRefused() {
        for bad in ["a@b.example\r\nBcc: x@y", "Name <a@b.example>", "a@b.example, c@d.example", "-oQ/tmp@x", "a b@c", "noatsign"] {
            #expect(throws: MailMessage.InvalidField.self) { try Self.message(subject: "s", to: [bad]).rendered() }
        }
        var m = Self.message(subject: "s")
        m.messageID = "<x@y>\r\nBcc: z@w"
        #expect(throws: MailMessage.InvalidField.self) { try m.rendered() }
    }

    @Test func dateIsRFC5322InTheCustomersOffset() {
        #expect(MailDate.format(Date(timeIntervalSince1970: 1_799_712_000), in: TimeZone(identifier: "Asia/Tokyo")!)
                == "Tue, 12 Jan 2027 09:00:00 +0900")
        #expect(MailDate.format(Date(timeIntervalSince1970: 1_799_712_000), in: TimeZone(identifier: "America/St_Johns")!)
                == "Mon, 11 Jan 2027 20:30:00 -0330")
    }

    @Test func bodyIsUTF8Base64() throws {
        let text = try Self.message(subject: "s", body: "端末 10.0.0.10\nを隔離してください ␛").rendered()
        let b64 = text.components(separatedBy: "\r\n\r\n")[1].replacingOccurrences(of: "\r\n", with: "")
        #expect(String(decoding: try #require(Data(base64Encoded: b64)), as: UTF8.self) == "端末 10.0.0.10\r\nを隔離してください ␛")
        #expect(text.contains("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64"))
        #expect(text.contains("Auto-Submitted: auto-generated"))
    }
}

@Suite struct WebhookSignatureTests {
    /// The example from the Standard Webhooks specification.
    @Test func matchesTheSpecificationsExample() {
        #expect(StandardWebhookSignature.sign(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: "1614265330",
                                              body: Data(#"{"test": 2432232314}"#.utf8), secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
                == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }
}
