import TobanCore
/// A one-line editor for the `/` filter and the `:` command line.
///
/// Emacs/readline keys, because that is what analysts' shells taught their fingers.
/// The editing keys live in one table that both `handle` and the help screen read.
public struct TextInput: Equatable, Sendable {
    public enum Edit: Sendable {
        case deleteBackward, deleteForward, moveLeft, moveRight, moveToStart, moveToEnd
        case killToStart, killToEnd, killWordBackward
    }

    /// The editing keys and what they do, for `handle` and for help.
    public static let editingKeys: [(key: Key, edit: Edit, summary: String)] = [
        (.backspace, .deleteBackward, "Delete the character before the cursor"),
        (.delete, .deleteForward, "Delete the character under the cursor"),
        (.ctrl("d"), .deleteForward, "Delete the character under the cursor"),
        (.left, .moveLeft, "Move the cursor left"),
        (.ctrl("b"), .moveLeft, "Move the cursor left"),
        (.right, .moveRight, "Move the cursor right"),
        (.ctrl("f"), .moveRight, "Move the cursor right"),
        (.home, .moveToStart, "Go to the start of the line"),
        (.ctrl("a"), .moveToStart, "Go to the start of the line"),
        (.end, .moveToEnd, "Go to the end of the line"),
        (.ctrl("e"), .moveToEnd, "Go to the end of the line"),
        (.ctrl("u"), .killToStart, "Delete to the start of the line"),
        (.ctrl("k"), .killToEnd, "Delete to the end of the line"),
        (.ctrl("w"), .killWordBackward, "Delete the word before the cursor"),
    ]

    /// The text as characters, so the cursor moves by what a person sees as one character.
    public private(set) var characters: [Character]
    /// Insertion point, 0…characters.count.
    public private(set) var cursor: Int
    /// Longest input accepted (a filter is not a document).
    public var maxLength: Int

    public init(_ text: String = "", maxLength: Int = 512) {
        characters = Array(text.prefix(maxLength))
        cursor = characters.count
        self.maxLength = maxLength
    }

    public var text: String { String(characters) }

    /// Applies one key. Returns false when the key is not an editing key (Enter, Esc,
    /// arrows up/down are the caller's business).
    @discardableResult
    public mutating func handle(_ key: Key) -> Bool {
        if case .character(let c) = key {
            insert(c)
            return true
        }
        guard let edit = Self.editingKeys.first(where: { $0.key == key })?.edit else { return false }
        apply(edit)
        return true
    }

    public mutating func insert(_ c: Character) {
        // Pasted control characters would be sanitised on screen but still end up in the
        // filter; refuse them here so what is typed is what is searched.
        guard characters.count < maxLength, c.unicodeScalars.allSatisfy(Sanitizer.isSafe) else { return }
        characters.insert(c, at: cursor)
        cursor += 1
    }

    public mutating func apply(_ edit: Edit) {
        switch edit {
        case .deleteBackward:
            guard cursor > 0 else { return }
            characters.remove(at: cursor - 1)
            cursor -= 1
        case .deleteForward:
            guard cursor < characters.count else { return }
            characters.remove(at: cursor)
        case .moveLeft: cursor = max(0, cursor - 1)
        case .moveRight: cursor = min(characters.count, cursor + 1)
        case .moveToStart: cursor = 0
        case .moveToEnd: cursor = characters.count
        case .killToStart:
            characters.removeSubrange(0..<cursor)
            cursor = 0
        case .killToEnd:
            characters.removeSubrange(cursor...)
        case .killWordBackward:
            // Like readline's unix-word-rubout: skip spaces, then delete back to the previous space.
            var i = cursor
            while i > 0 && characters[i - 1] == " " { i -= 1 }
            while i > 0 && characters[i - 1] != " " { i -= 1 }
            characters.removeSubrange(i..<cursor)
            cursor = i
        }
    }

    public mutating func clear() {
        characters = []
        cursor = 0
    }

    /// Draws `prompt` and the text in one row of `width` cells, scrolled horizontally so
    /// the cursor (shown as a reverse-video cell) stays visible.
    public func render(into grid: inout CellGrid, row: Int, col: Int, width: Int,
                       prompt: SafeText = "", role: StyleRole = .input, cursorRole: StyleRole = .selection) {
        guard width > 0 else { return }
        grid.fill(Rect(row: row, col: col, width: width, height: 1), role: role)
        let promptWidth = grid.put(prompt, row: row, col: col, maxWidth: width, role: role)
        let field = width - promptWidth
        guard field > 0 else { return }
        let widths = characters.map { DisplayWidth.of($0) }
        // Scroll so that the cursor cell (1 wide at the end) fits inside the field.
        var first = 0
        func span(_ from: Int, _ to: Int) -> Int { widths[from..<to].reduce(0, +) }
        while first < cursor && span(first, cursor) + 1 > field { first += 1 }
        var x = col + promptWidth
        var i = first
        while i < characters.count {
            let w = widths[i]
            if x - col - promptWidth + w > field { break }
            grid.put(SafeText(String(characters[i])), row: row, col: x, maxWidth: w, role: i == cursor ? cursorRole : role)
            x += w
            i += 1
        }
        if cursor == characters.count, x - col - promptWidth < field {
            grid.put(" ", row: row, col: x, maxWidth: 1, role: cursorRole)
        }
    }
}
