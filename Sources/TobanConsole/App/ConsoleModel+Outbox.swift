import Foundation
import TobanCore
import TobanStore

/// The outbox: preview, edit, send now, hold and release, merge into the next digest,
/// cancel, retry. Every change is the store's audited action; the dispatcher delivers.
extension ConsoleModel {
    mutating func pushOutbox() -> [Effect] {
        let token = state.makeToken()
        var s = OutboxScreen(token: token)
        s.loading = true
        state.stack.append(.outbox(s))
        return [.background(Loaders.outbox(store, token: token, now: now))]
    }

    mutating func pushPreview(_ id: Int64) -> [Effect] {
        let token = state.makeToken()
        state.stack.append(.preview(PreviewScreen(token: token, notificationID: id)))
        return [.background(Loaders.preview(store, driver: environment.outbox, token: token, id: id, now: now))]
    }

    /// The message the keys act on: the preview's, or the outbox's selected row.
    var currentNotification: CustomerNotification? {
        switch state.top {
        case .outbox(let s): return s.selectedNotification
        case .preview(let p):
            for screen in state.stack.reversed() {
                if case .outbox(let s) = screen, let n = s.rows.first(where: { $0.id == p.notificationID }) { return n }
            }
            return nil
        default: return nil
        }
    }

    mutating func performOutbox(_ action: Action) -> [Effect] {
        guard let n = currentNotification else {
            setMessage(environment.labels("no message selected"), error: true)
            return []
        }
        let id = n.id, store = self.store, actor = environment.analyst, now = self.now, labels = environment.labels
        switch action {
        case .preview:
            return pushPreview(id)
        case .sendNow, .retryMessage:
            if action == .retryMessage && n.state != .dead {
                setMessage(labels.fill("#{} is {}; retry is for dead messages (S sends a waiting one now)", "\(id)", labels.term("n", n.state.rawValue)), error: true)
                return []
            }
            return [storeJob(labels.fill("#{} goes at the dispatcher's next pass", "\(id)"), undoable: true) {
                try store.sendNotificationNow(id, actor: actor, at: now)
            }]
        case .holdMessage:
            state.prompt = PromptState(kind: .holdReason(id), input: TextInput())
            return []
        case .releaseMessage:
            return [storeJob(labels.fill("#{} released", "\(id)"), undoable: true) { try store.releaseNotification(id, actor: actor, at: now) }]
        case .cancelMessage:
            state.prompt = PromptState(kind: .cancelReason(id), input: TextInput())
            return []
        case .mergeIntoDigest:
            let driver = environment.outbox
            return [.background { inbox in
                Loaders.guarded(inbox, "merge into digest") {
                    // The customer's next digest slot; without the notification side, the next :00 or :30 UTC.
                    let slot = driver?.nextDigest(customer: n.customerID, after: now) ?? {
                        let t = (now.timeIntervalSince1970 / 1800).rounded(.down) * 1800 + 1800
                        return Date(timeIntervalSince1970: t)
                    }()
                    let digest = try store.mergeIntoNextDigest(id, digestDue: slot, actor: actor, at: now)
                    return .actionDone(ActionOutcome(summary: labels.fill("#{} will go with digest #{}", "\(id)", "\(digest)"), groupID: nil, detectionIDs: [],
                                                     removesRows: false, at: now, screenToken: -1, isUndo: false))
                }
            }]
        case .editMessage:
            return beginEdit(n)
        default:
            return []
        }
    }

    mutating func submitOutboxPrompt(_ kind: PromptState.Kind, text: String) -> [Effect] {
        let store = self.store, actor = environment.analyst, now = self.now, labels = environment.labels
        let reason = text.trimmingCharacters(in: .whitespaces)
        guard !reason.isEmpty else { state.prompt?.error = labels("a reason is required (it is audited)"); return [] }
        state.prompt = nil
        switch kind {
        case .holdReason(let id):
            return [storeJob(labels.fill("#{} held", "\(id)"), undoable: true) { try store.holdNotification(id, reason: reason, actor: actor, at: now) }]
        case .cancelReason(let id):
            return [storeJob(labels.fill("#{} cancelled", "\(id)"), undoable: true) { try store.cancelNotification(id, reason: reason, actor: actor, at: now) }]
        default:
            return []
        }
    }

    /// `$EDITOR` on a private copy (mode 0600 in a private directory, removed afterwards):
    /// the first line is the subject, then a blank line, then the body.
    mutating func beginEdit(_ n: CustomerNotification) -> [Effect] {
        guard let editor = environment.editor else {
            setMessage(environment.labels("editing needs $EDITOR (or VISUAL) set"), error: true)
            return []
        }
        guard !n.state.followsDeliveryAttempt || n.state == .dead else {
            setMessage(environment.labels.fill("#{} is {}: what went out cannot be edited", "\(n.id)", environment.labels.term("n", n.state.rawValue)), error: true)
            return []
        }
        let store = self.store, driver = environment.outbox, now = self.now, id = n.id, labels = environment.labels
        return [.outside {
            var subject = n.subject, body = n.body
            if let lines = try? driver?.preview(id, at: now), let blank = lines.firstIndex(of: "") {
                subject = lines[..<blank].first { $0.hasPrefix("Subject: ") }.map { String($0.dropFirst("Subject: ".count)) } ?? subject
                body = lines[(blank + 1)...].joined(separator: "\n")
            } else if subject.isEmpty, let current = try? store.notification(id: id) {
                subject = current.subject
                body = current.body
            }
            guard let edited = PrivateEdit.run(editor: editor, text: "Subject: \(subject)\n\n\(body)") else { return .failed(labels("edit: the editor failed; nothing was changed")) }
            let parsed = PrivateEdit.parse(edited)
            guard parsed.subject != subject || parsed.body != body else { return .failed(labels("edit: no change")) }
            return .edited(notificationID: id, subject: parsed.subject, body: parsed.body)
        }]
    }

    mutating func saveEdit(id: Int64, subject: String, body: String) -> [Effect] {
        let store = self.store, actor = environment.analyst, now = self.now
        return [storeJob(environment.labels.fill("#{} edited: saved as a new revision, sent as edited", "\(id)"), undoable: false) {
            try store.editNotification(id, subject: subject, body: body, actor: actor, at: now)
        }]
    }
}
