import Foundation

/// The rules, as pure functions from what was read to one message per offence (empty: the rule
/// holds). Each message names the place and says what to do.
enum Rules {
    /// The longest a function may be, in lines from its keyword to its closing brace.
    static let functionLinesMax = 70

    /// The directories whose functions must stay within ``functionLinesMax`` lines; one that does
    /// not exist (yet) is skipped.
    static let shortFunctionDirectories = [
        "Sources/WorkflowEngine", "Sources/HistoryStore", "Sources/WorkflowDecider", "Sources/ExecutionCore",
    ]

    /// The document whose module graph must equal the package's.
    static let architectureDocument = "docs/architecture.md"

    /// One message per function in `source` (the file `file`) longer than `limit` lines.
    static func longFunctions(in source: SwiftSource, file: String, limit: Int = functionLinesMax) -> [String] {
        source.functions(longerThan: limit).map { function in
            "\(file):\(function.line): \(function.name) is \(function.length) lines, more than \(limit): split it"
        }
    }

    /// One message per difference between the graph `drawn` in `document` and the graph `declared`
    /// by Package.swift, naming the node or arrow.
    static func graphDifferences(declared: ModuleGraph, drawn: ModuleGraph, document: String) -> [String] {
        var messages: [String] = []
        for node in declared.nodes.subtracting(drawn.nodes).sorted() {
            messages.append("\(document): the module graph has no node for target \(node): add it, with its arrows")
        }
        for node in drawn.nodes.subtracting(declared.nodes).sorted() {
            messages.append("\(document): the module graph draws \(node), which is not a non-test target in Package.swift: remove it")
        }
        for edge in declared.edges.subtracting(drawn.edges).sorted() {
            messages.append(
                "\(document): Package.swift declares \(edge) (\(edge.from) depends on \(edge.to)) but the module graph does not draw it: add `\(edge)`"
            )
        }
        for edge in drawn.edges.subtracting(declared.edges).sorted() {
            messages.append(
                "\(document): the module graph draws \(edge) but Package.swift does not declare that dependency: remove the arrow (or declare it)"
            )
        }
        return messages
    }

    /// One message per declared dependency of a target that none of its files imports, given each
    /// target's imported modules.
    static func unusedDependencies(targets: [PackageTarget], imports: [String: Set<String>]) -> [String] {
        targets.flatMap { target in
            target.dependencies.filter { !(imports[target.name] ?? []).contains($0) }.map { dependency in
                "Package.swift: \(target.name) depends on \(dependency), but no file in \(target.directory) imports it: remove the dependency"
            }
        }
    }

    /// One message per import of a package module that the importing file's target does not
    /// declare (it builds only because another dependency brings the module along). `imports`
    /// maps each target to its files and the modules each imports.
    static func undeclaredImports(targets: [PackageTarget], imports: [String: [(file: String, modules: Set<String>)]]) -> [String] {
        let names = Set(targets.map(\.name))
        return targets.flatMap { target in
            (imports[target.name] ?? []).flatMap { file in
                file.modules.intersection(names).subtracting(target.dependencies).subtracting([target.name]).sorted().map { module in
                    "\(file.file): imports \(module), which \(target.name) does not declare in Package.swift: add it to its dependencies"
                }
            }
        }
    }
}
