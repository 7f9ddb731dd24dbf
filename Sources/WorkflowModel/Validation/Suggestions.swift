/// "Did you mean" help for misspelt names.
enum Suggestions {
    /// The candidate closest to `name` by edit distance (ignoring case), if it is at most `maximum` edits
    /// away and the edits change at most a third of `name` (so "c" does not suggest "a").
    /// Ties go to the earlier candidate, so suggestions are stable.
    static func closest(to name: String, among candidates: [String], maximum: Int = 2) -> String? {
        let target = Array(name.lowercased().unicodeScalars)
        let maximum = min(maximum, target.count / 3)
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != name {
            let distance = editDistance(target, Array(candidate.lowercased().unicodeScalars))
            if distance <= maximum, distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        return best?.name
    }

    /// ` (did you mean "X"?)` or the empty string.
    static func hint(for name: String, among candidates: [String]) -> String {
        closest(to: name, among: candidates).map { " (did you mean \"\($0)\"?)" } ?? ""
    }

    /// Levenshtein distance, two rows at a time.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// `"a", "b" and "c"` for messages.
    static func list(_ names: [String]) -> String {
        names.isEmpty ? "none" : names.map { "\"\($0)\"" }.joined(separator: ", ")
    }
}

/// The naming rules of format v1, written out by hand so they need no regular-expression engine.
enum NameRules {
    /// Workflow names: `^[A-Za-z][A-Za-z0-9_.-]{0,79}$`.
    static func isWorkflowName(_ name: String) -> Bool { isName(name, extra: ["_", ".", "-"]) }

    /// Step ids and input names: `^[A-Za-z][A-Za-z0-9_-]{0,79}$`; the same characters templates accept.
    static func isIdentifier(_ name: String) -> Bool { isName(name, extra: ["_", "-"]) }

    /// SWF's task list rule: 1 to 256 characters, no `:`, `/`, `|` or control characters, not `arn`.
    static func isTaskList(_ name: String) -> Bool {
        guard !name.isEmpty, name.unicodeScalars.count <= 256, name != "arn" else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            !(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || ":/|".unicodeScalars.contains(scalar))
        }
    }

    private static func isName(_ name: String, extra: Set<Unicode.Scalar>) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard let first = scalars.first, scalars.count <= Limits.nameLengthMax, isLetter(first) else { return false }
        return scalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) || extra.contains($0) }
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}
