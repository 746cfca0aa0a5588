import Foundation
import TobanCore

/// A short choice list drawn over the middle of the body.
public enum PickerView {
    static func render(_ picker: PickerState, area: Rect, into grid: inout CellGrid) {
        let width = min(area.width - 2, max(30, picker.options.map { SafeText($0.label).width + 6 }.max() ?? 0, SafeText(picker.title).width + 4))
        let height = min(area.height, picker.options.count + 2)
        guard width > 4, height > 2 else { return }
        let col = max(0, (area.width - width) / 2)
        let top = area.row + max(0, (area.height - height) / 2)
        grid.fill(Rect(row: top, col: col, width: width, height: height), role: .header)
        grid.put(SafeText(" " + picker.title), row: top, col: col, maxWidth: width, role: .title, overflow: .ellipsis)
        let visible = height - 2
        let first = max(0, min(picker.selected - visible + 1, picker.options.count - visible))
        for (n, option) in picker.options.enumerated().dropFirst(first).prefix(visible) {
            let number = n < 9 ? "\(n + 1) " : "  "
            grid.put(SafeText(" " + number) + SafeText(option.label), row: top + 1 + n - first, col: col, maxWidth: width,
                     role: n == picker.selected ? .selection : .text, overflow: .ellipsis)
        }
        grid.put(" Enter choose · Esc cancel", row: top + height - 1, col: col, maxWidth: width, role: .muted)
    }
}
