import Foundation

/// One arrow of the module graph: `from` depends on (imports) `to`.
struct Edge: Hashable, Comparable, CustomStringConvertible {
    var from: String
    var to: String

    var description: String { "\(from) --> \(to)" }

    static func < (left: Edge, right: Edge) -> Bool { (left.from, left.to) < (right.from, right.to) }
}

/// A module graph: its nodes and arrows.
struct ModuleGraph: Equatable {
    var nodes: Set<String> = []
    var edges: Set<Edge> = []

    /// The declared graph of `targets`: every target a node, every dependency an arrow.
    init(declaredBy targets: [PackageTarget]) {
        for target in targets {
            nodes.insert(target.name)
            for dependency in target.dependencies { edges.insert(Edge(from: target.name, to: dependency)) }
        }
    }

    /// The union of the `graph`/`flowchart` blocks in a Markdown document's ```` ```mermaid ````
    /// fences (other diagrams, such as sequence diagrams, are not graphs and are skipped).
    ///
    /// Node ids are module names; a label in brackets after an id (`A[text]`, `A("text")`) is
    /// ignored. Arrows are `-->`, `-.->` or `==>`, and may be chained (`A --> B --> C`) or fan out
    /// over `&` (`A --> B & C`).
    init(mermaidIn markdown: String) {
        var inFence = false
        var isGraph = false
        var firstLine = false
        for rawLine in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("```") {
                inFence = !inFence && line.dropFirst(3).trimmingCharacters(in: .whitespaces) == "mermaid"
                firstLine = inFence
                isGraph = false
                continue
            }
            guard inFence, !line.isEmpty, !line.hasPrefix("%%") else { continue }
            if firstLine {
                firstLine = false
                isGraph = line.hasPrefix("graph") || line.hasPrefix("flowchart")
                continue
            }
            if isGraph { add(line: line) }
        }
    }

    init() {}

    /// Words that start a mermaid statement other than nodes and arrows.
    private static let statements = ["subgraph", "end", "classDef", "class ", "style ", "linkStyle", "direction", "click "]

    private mutating func add(line: String) {
        guard !Self.statements.contains(where: { line.hasPrefix($0) }) else { return }
        var text = line
        for arrow in ["-.->", "==>", "-->"] { text = text.replacingOccurrences(of: arrow, with: "\u{1}") }
        let groups = text.split(separator: "\u{1}").map { part in
            part.split(separator: "&").compactMap { Self.nodeId(String($0)) }
        }
        for group in groups { nodes.formUnion(group) }
        for (left, right) in zip(groups, groups.dropFirst()) {
            for from in left { for to in right { edges.insert(Edge(from: from, to: to)) } }
        }
    }

    /// The id at the start of a node reference, without its label.
    private static func nodeId(_ reference: String) -> String? {
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        let id = trimmed.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        return id.isEmpty ? nil : String(id)
    }
}

/// Every package module a source file imports (`import X`, `@testable import X`,
/// `public import X`, `import struct X.Y`, also inside `#if`).
func importedModules(in source: SwiftSource) -> Set<String> {
    var modules: Set<String> = []
    for line in source.codeLines {
        var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })[...]
        while let first = words.first, first.hasPrefix("@") || ["public", "package", "internal", "fileprivate", "private"].contains(first) {
            words = words.dropFirst()
        }
        guard words.first == "import" else { continue }
        words = words.dropFirst()
        if let kind = words.first, ["typealias", "struct", "class", "enum", "protocol", "let", "var", "func"].contains(kind) {
            words = words.dropFirst()
        }
        if let module = words.first { modules.insert(String(module.prefix { $0 != "." })) }
    }
    return modules
}
