import Testing

/// The checks on small inputs made to break them, so that a check that passes is known to be able
/// to fail.
@Suite("Error codes: the checks") struct CheckerTests {
    static let declaration = """
        /// An error.
        public struct WidgetError: Error {
            public struct Code: Hashable {
                fileprivate enum Value: String, CaseIterable {
                    case broken = "widget.broken"
                    case lost = "widget.lost"
                }
                fileprivate let value: Value
                public static let broken = Code(value: .broken)
                public static let lost = Code(value: .lost)
            }
            static func lost() -> WidgetError { WidgetError(code: .lost) }
        }

        func repair() throws { throw WidgetError(code: .broken) }
        """

    static let widget = ErrorType(
        name: "WidgetError", declaration: "Sources/Widgets/WidgetError.swift", codes: ["widget.broken", "widget.lost"])

    func document(_ rows: [String], header: String = "Code") -> CodeDocument {
        CodeDocument(
            markdown: (["# Codes", "", "| \(header) | Meaning |", "| --- | --- |"] + rows + ["", "Text."]).joined(separator: "\n"))
    }

    @Test func documentedRowsAreReadFromCodeTablesOnly() {
        let markdown = """
            | Code | Meaning |
            |---|---|
            | `a.one` | One, see `not.a.code`. |
            | `a.two` / `a.three` | Two. |

            | Reason | Meaning |
            | --- | --- |
            | `Throttling` | Not a code. |
            """
        #expect(
            CodeDocument(markdown: markdown).rows == [
                CodeDocument.Row(code: "a.one", line: 3), CodeDocument.Row(code: "a.two", line: 4),
                CodeDocument.Row(code: "a.three", line: 4),
            ])
    }

    @Test func aDocumentListingExactlyTheCodesPasses() {
        let rows = ["| `widget.broken` | x |", "| `widget.lost` | y |"]
        #expect(ErrorCodeCheck.documentationDifferences(types: [Self.widget], document: document(rows), documentName: "d.md") == [])
    }

    @Test func eachDifferenceIsNamedBothWays() {
        let rows = ["| `widget.broken` | x |", "| `widget.gone` | y |", "| `widget.broken` | again |", "| `store.locked` | pending |"]
        let other = ErrorType(name: "GadgetError", declaration: "Sources/G/GadgetError.swift", codes: ["widget.broken"])
        let messages = ErrorCodeCheck.documentationDifferences(
            types: [Self.widget, other], document: document(rows), documentName: "d.md", pendingPrefixes: ["store."])
        #expect(
            messages == [
                "widget.broken is declared by both WidgetError and GadgetError: give one of them another code",
                "d.md:6 lists widget.gone, which no error type declares: remove the row, or declare the code",
                "d.md:7 lists widget.broken again (first on line 5): keep one row",
                "WidgetError declares widget.lost, which d.md does not list: add a row for it to a table headed | Code |",
            ])
    }

    @Test func codesInATableNotHeadedCodeAreNotDocumented() {
        let rows = ["| `widget.broken` | x |", "| `widget.lost` | y |"]
        let messages = ErrorCodeCheck.documentationDifferences(
            types: [Self.widget], document: document(rows, header: "Reason"), documentName: "d.md")
        #expect(messages.count == 2)
    }

    @Test func everyCodeCreatedOutsideItsDeclarationPasses() {
        let sources = [
            (path: Self.widget.declaration, text: Self.declaration),
            (path: "Sources/Widgets/Shelf.swift", text: "func drop() throws { throw WidgetError.lost() }"),
        ]
        #expect(ErrorCodeCheck.uncreatedCodes(of: Self.widget, sources: sources) == [])
    }

    @Test func aCodeCreatedOnlyInsideItsDeclarationIsReported() {
        let sources = [(path: Self.widget.declaration, text: Self.declaration)]
        #expect(
            ErrorCodeCheck.uncreatedCodes(of: Self.widget, sources: sources) == [
                "WidgetError declares widget.lost (.lost), but nothing in Sources/ creates it: remove it from WidgetError and docs/error-codes.md"
            ])
    }

    @Test func comparisonsPatternsAndCommentsDoNotCreate() {
        let uses = """
            // throw WidgetError(code: .lost)
            if error.code == .lost || error.code != WidgetError.Code.lost { print("\\(x) // .lost") }
            switch error.code {
            case .lost, .broken: break
            }
            """
        #expect(!CodeSources.creates("lost", in: uses))
        #expect(CodeSources.creates("lost", in: "let code = ok ? .broken : .lost"))
        #expect(CodeSources.creates("lost", in: "    case ENOENT: .lost"))
        #expect(!CodeSources.creates("lost", in: "throw WidgetError(code: .lostForever)"))
    }

    @Test func filesOfOtherModulesCountOnlyWhenTheyNameTheType() {
        let elsewhere = "func drop() throws { throw Failure(code: .lost) }"
        let unnamed = [(path: Self.widget.declaration, text: Self.declaration), (path: "Sources/Other/Drop.swift", text: elsewhere)]
        #expect(ErrorCodeCheck.uncreatedCodes(of: Self.widget, sources: unnamed).count == 1)
        let named = [
            (path: Self.widget.declaration, text: Self.declaration),
            (path: "Sources/Other/Drop.swift", text: "// WidgetError\n" + elsewhere),
        ]
        #expect(ErrorCodeCheck.uncreatedCodes(of: Self.widget, sources: named) == [])
    }

    @Test func aCodeWithoutAConstantOrAMissingDeclarationIsReported() {
        let stray = ErrorType(name: "WidgetError", declaration: Self.widget.declaration, codes: ["widget.stray"])
        #expect(
            ErrorCodeCheck.uncreatedCodes(of: stray, sources: [(path: Self.widget.declaration, text: Self.declaration)]) == [
                "Sources/Widgets/WidgetError.swift: WidgetError has no `static let NAME = Code(value: .NAME)` for widget.stray: declare one"
            ])
        #expect(
            ErrorCodeCheck.uncreatedCodes(of: Self.widget, sources: []) == [
                "Sources/Widgets/WidgetError.swift does not exist: update where WidgetError is declared in the error-code check"
            ])
    }
}
