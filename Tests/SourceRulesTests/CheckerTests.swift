import Foundation
import Testing

/// The checkers on small inputs made to break them, so that a rule that passes is known to be
/// able to fail.
@Suite("Source rules: the checkers") struct CheckerTests {
    /// A file with two lines before a function of `lines` lines (keyword to closing brace).
    func function(lines: Int) -> String {
        "import Foundation\n\nfunc long() {\n" + String(repeating: "    step()\n", count: lines - 2) + "}\n"
    }

    @Test(arguments: [(69, false), (70, false), (71, true)])
    func functionLengthLimitIsExact(lines: Int, offends: Bool) {
        let source = SwiftSource(function(lines: lines))
        #expect(source.functionBodies() == [FunctionBody(name: "func long", line: 3, length: lines)])
        let messages = Rules.longFunctions(in: source, file: "Sources/X/Long.swift", limit: 70)
        #expect(messages == (offends ? ["Sources/X/Long.swift:3: func long is 71 lines, more than 70: split it"] : []))
    }

    @Test func bracesInStringsAndCommentsAreNotCode() {
        let text = #"""
            func tricky() {
                let a = "}"
                let b = "\("{" + "}")"
                let c = #"}"\#(1)"#
                let d = """
                    } }
                    """
                // }
                /* { /* } */ } */
            }
            func after() {}
            """#
        let bodies = SwiftSource(text).functionBodies()
        #expect(bodies == [FunctionBody(name: "func tricky", line: 1, length: 10), FunctionBody(name: "func after", line: 11, length: 1)])
    }

    @Test func requirementsWithoutBodiesAreSkipped() {
        let text = """
            protocol P {
                func a()
                func b() throws
                    -> Int
                init(x: Int)
            }
            struct S {
                func c<T>(
                    _ value: T
                ) -> T
                    where T: Equatable
                {
                    value
                }
            }
            """
        let bodies = SwiftSource(text).functionBodies()
        #expect(bodies == [FunctionBody(name: "func c", line: 8, length: 7)])
    }

    @Test func initializersSubscriptsAndNestedFunctionsCountButCallsDoNot() {
        let text = """
            struct S {
                init() {
                    self.init(x: 1)
                    _ = S.init(x: 2)
                    _ = [Int].init()
                }
                subscript(index: Int) -> Int {
                    func inner() -> Int { index }
                    return inner()
                }
                deinit {}
            }
            """
        let bodies = SwiftSource(text).functionBodies()
        #expect(
            bodies == [
                FunctionBody(name: "init", line: 2, length: 5), FunctionBody(name: "subscript", line: 7, length: 4),
                FunctionBody(name: "func inner", line: 8, length: 1), FunctionBody(name: "deinit", line: 11, length: 1),
            ])
    }

    @Test func importsInEveryForm() {
        let text = """
            import Foundation
            @testable import WorkflowDecider
            public import StrictJSON
            import struct WorkflowModel.Timestamp
            #if canImport(Glibc)
                import Glibc
            #endif
            // import Commented
            let text = "import Quoted"
            """
        #expect(importedModules(in: SwiftSource(text)) == ["Foundation", "WorkflowDecider", "StrictJSON", "WorkflowModel", "Glibc"])
    }

    @Test func mermaidGraphsAreReadAndOtherBlocksAreNot() {
        let markdown = """
            ```mermaid
            flowchart TD
                %% A comment --> Ignored
                subgraph Leaves
                  C[C: a leaf]
                end
                A --> B --> C
                A -.-> D & E
                F("F, drawn alone")
            ```
            ```mermaid
            sequenceDiagram
                X->>Y: call
            ```
            ```
            P --> Q
            ```
            """
        let graph = ModuleGraph(mermaidIn: markdown)
        #expect(graph.nodes == ["A", "B", "C", "D", "E", "F"])
        #expect(
            graph.edges == [
                Edge(from: "A", to: "B"), Edge(from: "B", to: "C"), Edge(from: "A", to: "D"), Edge(from: "A", to: "E"),
            ])
    }

    @Test func graphDifferencesNameTheExactEdge() {
        var declared = ModuleGraph()
        declared.nodes = ["A", "B", "C"]
        declared.edges = [Edge(from: "A", to: "B"), Edge(from: "A", to: "C")]
        #expect(Rules.graphDifferences(declared: declared, drawn: declared, document: "doc.md") == [])
        var drawn = declared
        drawn.edges = [Edge(from: "A", to: "B"), Edge(from: "C", to: "B")]
        drawn.nodes = ["A", "B", "C", "D"]
        let messages = Rules.graphDifferences(declared: declared, drawn: drawn, document: "doc.md")
        #expect(messages.count == 3)
        #expect(messages[0].contains("draws D, which is not a non-test target"))
        #expect(messages[1].contains("declares A --> C"))
        #expect(messages[2].contains("draws C --> B but Package.swift does not declare"))
    }

    @Test func unusedAndUndeclaredDependenciesAreNamed() {
        let targets = [
            PackageTarget(name: "A", type: "regular", dependencies: ["B", "C"]),
            PackageTarget(name: "B", type: "regular", dependencies: []),
            PackageTarget(name: "C", type: "regular", dependencies: []),
            PackageTarget(name: "ATests", type: "test", dependencies: ["A"]),
        ]
        let unused = Rules.unusedDependencies(targets: targets, imports: ["A": ["B", "Foundation"], "ATests": ["A"]])
        #expect(unused == ["Package.swift: A depends on C, but no file in Sources/A imports it: remove the dependency"])
        let undeclared = Rules.undeclaredImports(
            targets: targets,
            imports: ["A": [("Sources/A/a.swift", ["A", "B", "C", "Foundation"])], "ATests": [("Tests/ATests/t.swift", ["A", "B"])]])
        #expect(
            undeclared == ["Tests/ATests/t.swift: imports B, which ATests does not declare in Package.swift: add it to its dependencies"])
    }

    @Test func dumpPackageOutputIsRead() throws {
        let json = #"""
            {"name": "P", "targets": [
              {"name": "A", "type": "regular", "dependencies": [{"byName": ["B", null]}, {"target": ["C", null]},
                {"product": ["X", "pkg", null, null]}]},
              {"name": "ATests", "type": "test", "path": "Tests/Custom", "dependencies": [{"byName": ["A", null]}]}
            ]}
            """#
        let targets = try PackageTargets.targets(fromDumpPackageJSON: Data(json.utf8))
        #expect(
            targets == [
                PackageTarget(name: "A", type: "regular", dependencies: ["B", "C"]),
                PackageTarget(name: "ATests", type: "test", dependencies: ["A"], path: "Tests/Custom"),
            ])
        #expect(targets.map(\.directory) == ["Sources/A", "Tests/Custom"])
        #expect(throws: PackageTargets.Failure.self) { try PackageTargets.targets(fromDumpPackageJSON: Data(#"{"name": "P"}"#.utf8)) }
    }

    /// A child that outlives its limit is stopped and named; one that fails says how.
    @Test(.timeLimit(.minutes(1))) func childProcessesAreBoundedAndTheirFailuresReported() async {
        await #expect { try await PackageTargets.run(["sleep", "60"], timeout: .milliseconds(200)) } throws: { error in
            "\(error)".contains("`sleep 60` did not finish within")
        }
        await #expect { try await PackageTargets.run(["sh", "-c", "echo broken >&2; exit 3"], timeout: .seconds(30)) } throws: { error in
            "\(error)" == "`sh -c echo broken >&2; exit 3` exited with status 3: broken\n"
        }
        #expect((try? await PackageTargets.run(["echo", "fine"], timeout: .seconds(30))) == Data("fine\n".utf8))
    }

    /// The real document and package, each broken on purpose in one place, are caught at that place.
    @Test(.timeLimit(.minutes(3))) func theRealInputsBrokenInOnePlaceAreCaughtThere() async throws {
        let targets = try await Repository.targets().filter { !$0.isTest }
        let declared = ModuleGraph(declaredBy: targets)
        let document = try Repository.read(Rules.architectureDocument)
        let drawn = ModuleGraph(mermaidIn: document)
        let before = Set(Rules.graphDifferences(declared: declared, drawn: drawn, document: "doc"))
        // An arrow the package declares, left out of the drawing.
        let removed = try #require(drawn.edges.intersection(declared.edges).sorted().first)
        var missing = drawn
        missing.edges.remove(removed)
        let afterRemoval = Set(Rules.graphDifferences(declared: declared, drawn: missing, document: "doc"))
        #expect(afterRemoval.subtracting(before).map { $0.contains("declares \(removed) ") } == [true])
        // An arrow drawn that the package does not declare.
        var extra = drawn
        let invented = Edge(from: removed.to, to: removed.from)
        extra.edges.insert(invented)
        let afterAddition = Set(Rules.graphDifferences(declared: declared, drawn: extra, document: "doc"))
        #expect(afterAddition.subtracting(before).map { $0.contains("draws \(invented) but") } == [true])
        // A dependency no file imports.
        var padded = targets
        padded[0].dependencies.append("Unimported")
        let imports = try Repository.imports(of: padded).mapValues { files in
            files.reduce(into: Set<String>()) { $0.formUnion($1.modules) }
        }
        let unused = Set(Rules.unusedDependencies(targets: padded, imports: imports))
            .subtracting(Rules.unusedDependencies(targets: targets, imports: imports))
        let target = padded[0]
        let expected = "Package.swift: \(target.name) depends on Unimported, but no file in \(target.directory) imports it: "
        #expect(unused == [expected + "remove the dependency"])
    }
}
