/// The dependency graph of a workflow's steps: who waits for whom.
///
/// A step without `after` depends on the step listed just before it (the first step on nothing);
/// a step with `after` depends on exactly those steps. The validator rejects cycles and unknown ids,
/// so for a validated definition the graph is a DAG.
public struct StepGraph: Sendable {
    /// Step ids in file order.
    public let stepIds: [String]
    /// For each step id, the ids it depends on (unknown ids are kept so the validator can report them).
    public let dependencies: [String: [String]]

    /// The graph of `steps`.
    public init(steps: [Step]) {
        self.init(steps.map { ($0.id, $0.after) })
    }

    /// The graph of (id, explicit dependencies) pairs in file order.
    public init(_ entries: [(id: String, after: [String]?)]) {
        var ids: [String] = []
        var dependencies: [String: [String]] = [:]
        var previous: String?
        for entry in entries {
            ids.append(entry.id)
            if dependencies[entry.id] == nil {
                dependencies[entry.id] = entry.after ?? (previous.map { [$0] } ?? [])
            }
            previous = entry.id
        }
        stepIds = ids
        self.dependencies = dependencies
    }

    /// Steps in an order where every step comes after its dependencies; ties keep file order.
    /// Steps on a cycle (or depending on one) are left out; see ``cycles()``.
    public func topologicalOrder() -> [String] {
        let remaining = Dictionary(
            uniqueKeysWithValues: stepIds.map { id in
                (id, Set(dependencies[id, default: []].filter { dependencies[$0] != nil }))
            })
        var order: [String] = []
        var placed = Set<String>()
        var progress = true
        while progress {
            progress = false
            for id in stepIds where !placed.contains(id) {
                if remaining[id, default: []].isSubset(of: placed) {
                    order.append(id)
                    placed.insert(id)
                    progress = true
                }
            }
        }
        return order
    }

    /// Each dependency cycle once, as the ids along it starting from the earliest-listed step.
    public func cycles() -> [[String]] {
        var found: [[String]] = []
        var seen = Set<String>()
        var state: [String: Int] = [:]  // 1 in progress, 2 done
        var path: [String] = []
        func visit(_ id: String) {
            state[id] = 1
            path.append(id)
            for dependency in dependencies[id, default: []] where dependencies[dependency] != nil {
                if state[dependency] == 1 {
                    if let start = path.firstIndex(of: dependency) {
                        let cycle = Array(path[start...])
                        let key = cycle.sorted().joined(separator: "\u{0}")
                        if !seen.contains(key) {
                            seen.insert(key)
                            let first = cycle.min { stepIds.firstIndex(of: $0)! < stepIds.firstIndex(of: $1)! }!
                            let rotation = cycle.firstIndex(of: first)!
                            found.append(Array(cycle[rotation...] + cycle[..<rotation]))
                        }
                    }
                } else if state[dependency] == nil {
                    visit(dependency)
                }
            }
            path.removeLast()
            state[id] = 2
        }
        for id in stepIds where state[id] == nil { visit(id) }
        return found
    }

    /// Every step `id` waits for, directly or indirectly.
    public func ancestors(of id: String) -> Set<String> {
        var result = Set<String>()
        var stack = dependencies[id, default: []]
        while let next = stack.popLast() {
            guard dependencies[next] != nil, result.insert(next).inserted else { continue }
            stack.append(contentsOf: dependencies[next, default: []])
        }
        return result
    }
}
