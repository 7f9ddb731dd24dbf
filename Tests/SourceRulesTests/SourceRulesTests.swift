import Foundation
import Testing

/// The repository's files, read from where this file is.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The text of `path` (relative to the root).
    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path) }

    /// The `.swift` files under `directory` (relative paths, sorted).
    static func swiftFiles(in directory: String) -> [String] {
        let base = root.appendingPathComponent(directory)
        guard let walker = FileManager.default.enumerator(atPath: base.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.map { directory + "/" + $0 }.sorted()
    }

    /// The package's targets, read once for all tests.
    static let loading = Task { try await PackageTargets.load(package: root) }

    /// The package's targets.
    static func targets() async throws -> [PackageTarget] { try await loading.value }

    /// For each target, its files and the modules each imports.
    static func imports(of targets: [PackageTarget]) throws -> [String: [(file: String, modules: Set<String>)]] {
        var imports: [String: [(file: String, modules: Set<String>)]] = [:]
        for target in targets {
            imports[target.name] = try swiftFiles(in: target.directory).map { file in
                (file, importedModules(in: SwiftSource(try read(file))))
            }
        }
        return imports
    }
}

/// The source rules of `make lint`, checked on the repository as it is.
@Suite("Source rules") struct SourceRulesTests {
    /// No function in the engine, the store, the decider or the execution core is longer than
    /// ``Rules/functionLinesMax`` lines.
    @Test func functionsAreShort() throws {
        let directories = Rules.shortFunctionDirectories.filter(Repository.exists)
        #expect(!directories.isEmpty, "none of \(Rules.shortFunctionDirectories) exists")
        for directory in directories {
            let files = Repository.swiftFiles(in: directory)
            #expect(!files.isEmpty, "\(directory) has no Swift files")
            for file in files {
                for message in Rules.longFunctions(in: SwiftSource(try Repository.read(file)), file: file) {
                    Issue.record(Comment(rawValue: message))
                }
            }
        }
    }

    /// docs/architecture.md's module graph is Package.swift's, arrow for arrow, over every non-test target.
    @Test(.timeLimit(.minutes(3))) func architectureGraphIsPackageSwift() async throws {
        let targets = try await Repository.targets().filter { !$0.isTest }
        let drawn = ModuleGraph(mermaidIn: try Repository.read(Rules.architectureDocument))
        #expect(!drawn.edges.isEmpty, "\(Rules.architectureDocument) has no mermaid module graph")
        let differences = Rules.graphDifferences(
            declared: ModuleGraph(declaredBy: targets), drawn: drawn, document: Rules.architectureDocument)
        for message in differences { Issue.record(Comment(rawValue: message)) }
    }

    /// Every dependency a target declares is imported by at least one of its files.
    @Test(.timeLimit(.minutes(3))) func everyDeclaredDependencyIsImported() async throws {
        let targets = try await Repository.targets()
        let imports = try Repository.imports(of: targets).mapValues { files in
            files.reduce(into: Set<String>()) { $0.formUnion($1.modules) }
        }
        for message in Rules.unusedDependencies(targets: targets, imports: imports) { Issue.record(Comment(rawValue: message)) }
    }

    /// Every package module a file imports is declared by its target.
    @Test(.timeLimit(.minutes(3))) func everyImportedModuleIsDeclared() async throws {
        let targets = try await Repository.targets()
        for message in Rules.undeclaredImports(targets: targets, imports: try Repository.imports(of: targets)) {
            Issue.record(Comment(rawValue: message))
        }
    }
}
