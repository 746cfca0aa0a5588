import Foundation
import TobanCore
import TobanStore

/// The choice list over the screen: j/k (or arrows) move, Enter or the option's number
/// chooses, Esc closes it without doing anything.
extension ConsoleModel {
    mutating func handlePicker(key: Key) -> [Effect] {
        guard var picker = state.picker else { return [] }
        switch key {
        case .character("j"), .down:
            picker.selected = min(picker.selected + 1, picker.options.count - 1)
        case .character("k"), .up:
            picker.selected = max(picker.selected - 1, 0)
        case .escape, .character("q"):
            state.picker = nil
            setMessage(environment.labels("cancelled"))
            return []
        case .enter:
            state.picker = nil
            return choose(picker, picker.options[picker.selected])
        case .character(let c) where c.isNumber:
            guard let n = c.wholeNumberValue, n >= 1, n <= picker.options.count else { return [] }
            state.picker = nil
            return choose(picker, picker.options[n - 1])
        default:
            break
        }
        state.picker = picker
        return []
    }

    mutating func choose(_ picker: PickerState, _ option: PickerState.Option) -> [Effect] {
        let store = self.store, actor = environment.analyst, now = self.now, labels = environment.labels
        switch picker.purpose {
        case .escalate(let target):
            state.pendingTarget = target
            if let value = option.value, let id = Int64(value) {
                state.prompt = PromptState(kind: .joinComment(incidentID: id), input: TextInput())
            } else {
                state.prompt = PromptState(kind: .escalateComment, input: TextInput())
            }
            return []
        case .closeIncident(let id):
            guard let outcome = option.value.flatMap(IncidentOutcome.init(rawValue:)) else { return [] }
            state.prompt = PromptState(kind: .closeComment(incidentID: id, outcome: outcome), input: TextInput())
            return []
        case .mergeIncident(let id):
            guard let value = option.value, let survivor = Int64(value) else { return [] }
            return [storeJob(labels.fill("merged into {}; this one closed as duplicate", option.label.split(separator: " ").first.map(String.init) ?? value),
                                undoable: false) {
                try store.mergeIncident(id, into: survivor, actor: actor, at: now)
            }]
        case .assignIncident(let id):
            guard let login = option.value else { return [] }
            return [storeJob(labels.fill("assigned to {}", login), undoable: true) { try store.assignIncident(id, to: login, actor: actor, at: now) }]
        }
    }

    mutating func offerMerge(incidentID: Int64, open: [Incident]) {
        guard !open.isEmpty else {
            setMessage(environment.labels("no other open incident of this customer to merge into"), error: true)
            return
        }
        state.picker = PickerState(title: environment.labels("Merge into (this incident closes as duplicate)"),
                                   options: open.map { i in
                                       .init("\(Incident.displayID(id: i.id, createdAt: i.createdAt))  \(i.urgency.label)  \(i.title)", value: "\(i.id)")
                                   }, purpose: .mergeIncident(incidentID))
    }
}
