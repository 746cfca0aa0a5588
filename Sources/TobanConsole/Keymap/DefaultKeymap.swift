extension Keymap {
    /// The bindings an analyst gets with no configuration, after k9s, lnav and vim.
    ///
    /// Dispositions: F1–F7 close with category 1–7, F8 "no action", F9 escalate. Terminals
    /// and SSH clients that swallow F-keys get the digit of the same number (`1`…`9`), so
    /// "F3 or 3" is one rule to remember.
    public static let defaults: Keymap = {
        func k(_ notation: String) -> [Key] {
            guard let keys = KeyNotation.parse(notation) else { preconditionFailure("bad default key \(notation)") }
            return keys
        }
        func bind(_ action: Action, _ notations: String...) -> [KeyBinding] { notations.map { KeyBinding(k($0), action) } }

        let global: [KeyBinding] =
            bind(.moveDown, "j", "<Down>") + bind(.moveUp, "k", "<Up>")
            + bind(.top, "gg", "<Home>") + bind(.bottom, "G", "<End>")
            + bind(.pageDown, "<PgDn>", "<C-f>") + bind(.pageUp, "<PgUp>", "<C-b>")
            + bind(.drillIn, "<Enter>") + bind(.back, "<Esc>", "q") + bind(.quit, "Q")
            + bind(.filter, "/") + bind(.command, ":") + bind(.help, "?")
            + bind(.viewEndpoints, "e") + bind(.viewQueue, "w") + bind(.refresh, "<C-l>")
            + bind(.viewIncidents, "I") + bind(.viewOutbox, "O") + bind(.viewHealth, "gh") + bind(.acknowledgePage, "!")

        let triage: [KeyBinding] =
            bind(.acknowledge, "a") + bind(.claim, "c")
            + Action.dispositionCategories.flatMap { bind(.disposition($0), "<F\($0)>", "\($0)") }
            + bind(.noAction, "<F8>", "8") + bind(.escalate, "<F9>", "9") + bind(.undo, "u")

        let queue: [KeyBinding] =
            bind(.toggleMark, "v", "<Space>") + bind(.markVisible, "V") + bind(.markRange, "m")
            + triage + bind(.toggleGroup, "<Tab>") + bind(.jumpToNew, "n")
            + bind(.confirm, "C")

        let incidentWork: [KeyBinding] =
            bind(.advanceIncident, ">") + bind(.closeIncident, "x") + bind(.claim, "c") + bind(.assignIncident, "A")
            + bind(.addNote, "N") + bind(.linkMarked, "L") + bind(.mergeIncident, "M") + bind(.reopenIncident, "R")
            + bind(.recordOnSite, "V") + bind(.undo, "u")

        let outbox: [KeyBinding] =
            bind(.preview, "p") + bind(.editMessage, "E") + bind(.sendNow, "S") + bind(.holdMessage, "H")
            + bind(.releaseMessage, "L") + bind(.mergeIntoDigest, "D") + bind(.cancelMessage, "X") + bind(.retryMessage, "R")
            + bind(.undo, "u")

        let endpointMarks: [KeyBinding] =
            bind(.markSuspect, "s") + bind(.markCleared, "o") + bind(.markContained, "i") + bind(.undo, "u")

        return Keymap(bindings: [
            .global: global,
            .queue: queue,
            .detail: triage + bind(.confirm, "C"),
            .incidents: incidentWork,
            .incidentPage: incidentWork,
            .outbox: outbox,
            .preview: bind(.editMessage, "E") + bind(.sendNow, "S") + bind(.holdMessage, "H") + bind(.cancelMessage, "X"),
            .endpoints: bind(.toggleMark, "v", "<Space>") + endpointMarks + bind(.escalate, "<F9>", "9") + bind(.confirm, "C"),
            .endpointPage: endpointMarks + bind(.escalate, "<F9>", "9") + bind(.confirm, "C"),
            .help: bind(.back, "?"),
            .prompt: bind(.submit, "<Enter>") + bind(.cancel, "<Esc>"),
        ])
    }()
}
