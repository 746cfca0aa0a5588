import Foundation
import TobanCore
import TobanStore

/// A message as it will go out (rendered now from its items unless an analyst edited it,
/// or already sent as it was): the mail headers, a blank line, the body. Lines are raw;
/// whoever shows them makes them safe for their terminal.
public enum MessagePreview {
    public static func lines(_ n: CustomerNotification, items: [NotificationItem], renderer: MessageRenderer,
                             customer: Customer?, from: String, now: Date) throws -> [String] {
        var shown = n
        if n.revision == 0 && n.kind != .page && !n.state.followsDeliveryAttempt {
            let content = try renderer.render(n, items: items, customer: customer)
            shown.subject = content.subject
            shown.body = content.body
        }
        var out: [String] = []
        if n.channel == .mail {
            let mail = MailMessage(from: from, to: n.recipients, cc: customer?.notificationPolicy.cc ?? [], subject: shown.subject,
                                   date: now, timeZone: customer?.timeZone ?? TimeZone(identifier: "UTC")!, messageID: n.messageID,
                                   inReplyTo: n.inReplyTo, body: shown.body)
            out.append("From: \(mail.from)")
            out.append("To: \(mail.to.joined(separator: ", "))")
            if !mail.cc.isEmpty { out.append("Cc: \(mail.cc.joined(separator: ", "))") }
            out.append("Date: \(MailDate.format(now, in: mail.timeZone))")
            out.append("Message-ID: \(n.messageID)")
            if let r = n.inReplyTo { out.append("In-Reply-To: \(r)") }
        } else {
            out.append("Webhook: \(n.target)")
            out.append("webhook-id: \(n.messageID)")
        }
        out.append("Subject: \(shown.subject)")
        out.append("")
        out += shown.body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return out
    }
}
