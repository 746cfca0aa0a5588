import Foundation
import TobanCore
import TobanStore

extension ConsoleModel {
    /// Replaces a queue screen's window (from the top or the bottom), bumping its generation
    /// so pages still in flight from older loads are dropped.
    mutating func reloadQueue(token: Int, placement: PagePlacement, selectID: Int64?) -> [Effect] {
        let env = environment
        return state.withQueue(token) { q -> [Effect] in
            q.generation += 1
            q.loading = true
            // An Enter waiting for the previous list does not carry over to a new one.
            q.pendingDrill = false
            if let grouping = q.grouping {
                return [.background(Loaders.groups(env.store, token: token, generation: q.generation, filter: q.filter, grouping: grouping))]
            }
            return [.background(Loaders.queue(env.store, token: token, generation: q.generation, filter: q.filter,
                                              placement: placement, anchor: nil, limit: env.pageSize, selectID: selectID))]
        } ?? []
    }

    /// Moves the cursor within the window; near either end of it, reads the next page.
    mutating func moveQueue(token: Int, by delta: Int) -> [Effect] {
        let env = environment
        return state.withQueue(token) { q -> [Effect] in
            guard q.rowCount > 0 else { return [] }
            q.selected = min(max(0, q.selected + delta), q.rowCount - 1)
            guard !q.isGrouped, !q.loading else { return [] }
            let margin = min(50, env.pageSize / 2)
            if q.selected >= q.rows.count - margin && !q.atEnd {
                q.loading = true
                return [.background(Loaders.queue(env.store, token: token, generation: q.generation, filter: q.filter, placement: .append,
                                                  anchor: q.rows.last, limit: env.pageSize, selectID: nil))]
            }
            if q.selected < margin && !q.atStart {
                q.loading = true
                return [.background(Loaders.queue(env.store, token: token, generation: q.generation, filter: q.filter, placement: .prepend,
                                                  anchor: q.rows.first, limit: env.pageSize, selectID: nil))]
            }
            return []
        } ?? []
    }

    mutating func applyQueuePage(token: Int, generation: Int, placement: PagePlacement, rows: [Detection], selectID: Int64?, full: Bool) {
        let limit = environment.windowLimit
        state.withQueue(token) { q in
            guard q.generation == generation else { return }
            q.loading = false
            q.loadedOnce = true
            switch placement {
            case .top(let latest):
                q.rows = rows
                q.atStart = true
                q.atEnd = !full
                q.latestIDAtLoad = latest
                q.newCount = 0
                q.selected = selectID.flatMap { id in rows.firstIndex { $0.id == id } } ?? 0
                q.scroll = 0
                q.marks.formIntersection(rows.map(\.id))
            case .bottom:
                q.rows = rows
                q.atStart = !full
                q.atEnd = true
                q.selected = max(0, rows.count - 1)
                q.scroll = max(0, rows.count - 1)
            case .append:
                let known = Set(q.rows.map(\.id))
                q.rows += rows.filter { !known.contains($0.id) }
                q.atEnd = !full
                if q.rows.count > limit {
                    let drop = q.rows.count - limit
                    q.rows.removeFirst(drop)
                    q.selected = max(0, q.selected - drop)
                    q.scroll = max(0, q.scroll - drop)
                    q.atStart = false
                }
            case .prepend:
                let known = Set(q.rows.map(\.id))
                let fresh = rows.filter { !known.contains($0.id) }
                q.rows.insert(contentsOf: fresh, at: 0)
                q.selected += fresh.count
                q.scroll += fresh.count
                q.atStart = !full
                if q.rows.count > limit {
                    q.rows.removeLast(q.rows.count - limit)
                    q.atEnd = false
                }
            }
            q.selected = min(q.selected, max(0, q.rows.count - 1))
        }
    }

    /// After a page or the groups arrived: the Enter pressed while they were loading, if
    /// the screen is still on top and done loading.
    mutating func drillIfPending(_ token: Int) -> [Effect] {
        guard case .queue(let q) = state.top, q.token == token, q.pendingDrill, !q.loading else { return [] }
        state.withQueue(token) { $0.pendingDrill = false }
        setMessage(nil)
        if q.selectedDetection == nil && q.selectedGroup == nil {
            setMessage(environment.labels("nothing to open: the list is empty"))
            return []
        }
        return drillIn()
    }

    /// The job that re-reads the rows on screen and counts new arrivals.
    func refreshJob(_ q: QueueScreen) -> Loaders.Job {
        // Only the rows near the cursor can be on screen; refresh a bounded slice around it.
        let lo = max(0, q.selected - 100), hi = min(q.rows.count, q.selected + 100)
        let ids = lo < hi ? q.rows[lo..<hi].map(\.id) : []
        return Loaders.queueRefresh(store, token: q.token, ids: ids, filter: q.filter, grouping: q.grouping, since: q.latestIDAtLoad)
    }

    mutating func setGrouping(_ grouping: DetectionGrouping?) -> [Effect] {
        guard case .queue(let q) = state.top else { return [] }
        state.withQueue(q.token) { s in
            s.grouping = grouping
            s.selected = 0
            s.scroll = 0
            s.groups = []
        }
        setMessage(grouping.map { "grouped by \($0.rawValue)" } ?? "ungrouped")
        return reloadQueue(token: q.token, placement: .top(latestID: 0), selectID: nil)
    }

    /// Applies the `/` query to the queue on top.
    mutating func applyFilter(_ text: String, query: FilterQuery) -> [Effect] {
        guard case .queue(let q) = state.top else { return [] }
        let now = self.now
        state.withQueue(q.token) { s in
            s.queryText = text
            s.filter = query.detectionFilter(now: now, base: s.baseFilter)
            s.selected = 0
            s.scroll = 0
            s.marks = []
        }
        return reloadQueue(token: q.token, placement: .top(latestID: 0), selectID: nil)
    }

    mutating func toggleMark() -> [Effect] {
        guard case .queue(let q) = state.top, let d = q.selectedDetection else { return [] }
        state.withQueue(q.token) { s in
            if s.marks.contains(d.id) { s.marks.remove(d.id) } else { s.marks.insert(d.id) }
        }
        return moveQueue(token: q.token, by: 1)
    }

    /// Marks every row on screen (the rows the analyst can see, not the whole window).
    mutating func markVisible() -> [Effect] {
        guard case .queue(let q) = state.top, !q.isGrouped else { return [] }
        let visible = q.rows.dropFirst(q.scroll).prefix(state.listRows).map(\.id)
        state.withQueue(q.token) { $0.marks.formUnion(visible) }
        setMessage(environment.labels.fill("{} rows marked ({} in all)", "\(visible.count)", "\(q.marks.union(visible).count)"))
        return []
    }

    /// Marks the rows between the last marked row above or below and the cursor.
    mutating func markRange() -> [Effect] {
        guard case .queue(let q) = state.top, !q.isGrouped, q.rows.indices.contains(q.selected) else { return [] }
        let markedIndices = q.rows.indices.filter { q.marks.contains(q.rows[$0].id) }
        guard let anchor = markedIndices.min(by: { abs($0 - q.selected) < abs($1 - q.selected) }) else {
            setMessage(environment.labels("mark a first row (v), then m marks everything from it to the cursor"), error: true)
            return []
        }
        let range = min(anchor, q.selected)...max(anchor, q.selected)
        state.withQueue(q.token) { s in s.marks.formUnion(range.map { s.rows[$0].id }) }
        setMessage(environment.labels.fill("{} rows marked", "\(range.count)"))
        return []
    }
}
