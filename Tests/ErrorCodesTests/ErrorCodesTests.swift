import AWSConfiguration
import AWSRDS
import Activities
import ExecutionCore
import Foundation
import HistoryStore
import RDSCore
import RDSSimulator
import StateDirectory
import StrictJSON
import SystemIO
import Testing
import WorkflowDecider
import WorkflowEngine
import WorkflowModel

/// Every error type with a typed code, read from its `Code.all`. Add a type here when you create one.
let errorTypes: [ErrorType] = [
    ErrorType(
        name: "JSONSyntaxError", declaration: "Sources/StrictJSON/JSONSyntaxError.swift", codes: JSONSyntaxError.Code.all.map(\.description)
    ),
    ErrorType(
        name: "JSONWriterError", declaration: "Sources/StrictJSON/JSONWriterError.swift", codes: JSONWriterError.Code.all.map(\.description)
    ),
    ErrorType(
        name: "Diagnostic", declaration: "Sources/WorkflowModel/Validation/DiagnosticCodes.swift",
        codes: Diagnostic.Code.all.map(\.description)),
    ErrorType(
        name: "TemplateSyntaxError", declaration: "Sources/WorkflowModel/Templates/TemplateErrors.swift",
        codes: TemplateSyntaxError.Code.all.map(\.description)),
    ErrorType(
        name: "TemplateEvaluationError", declaration: "Sources/WorkflowModel/Templates/TemplateErrors.swift",
        codes: TemplateEvaluationError.Code.all.map(\.description)),
    ErrorType(
        name: "RecordedDefinitionError", declaration: "Sources/WorkflowModel/Definition/RecordedDefinition.swift",
        codes: RecordedDefinitionError.Code.all.map(\.description)),
    ErrorType(
        name: "ReplayError", declaration: "Sources/WorkflowDecider/ReplayVerifier.swift", codes: ReplayError.Code.all.map(\.description)),
    ErrorType(
        name: "ExecutionError", declaration: "Sources/ExecutionCore/ExecutionError.swift", codes: ExecutionError.Code.all.map(\.description)
    ),
    ErrorType(name: "SystemError", declaration: "Sources/SystemIO/SystemError.swift", codes: SystemError.Code.all.map(\.description)),
    ErrorType(name: "StoreError", declaration: "Sources/HistoryStore/StoreError.swift", codes: StoreError.Code.all.map(\.description)),
    ErrorType(
        name: "StateDirectoryError", declaration: "Sources/StateDirectory/StateDirectoryError.swift",
        codes: StateDirectoryError.Code.all.map(\.description)),
    ErrorType(name: "EngineError", declaration: "Sources/WorkflowEngine/EngineError.swift", codes: EngineError.Code.all.map(\.description)),
    ErrorType(name: "RDSError", declaration: "Sources/RDSCore/RDSError.swift", codes: RDSError.Code.all.map(\.description)),
    ErrorType(
        name: "SimulatorError", declaration: "Sources/RDSSimulator/PublicTypes.swift", codes: SimulatorError.Code.all.map(\.description)),
    ErrorType(
        name: "AWSConfigurationError", declaration: "Sources/AWSConfiguration/AWSConfigurationError.swift",
        codes: AWSConfigurationError.Code.all.map(\.description)),
    ErrorType(name: "TransportError", declaration: "Sources/AWSRDS/HTTPTransport.swift", codes: TransportError.Code.all.map(\.description)),
    ErrorType(
        name: "SecretResolutionError", declaration: "Sources/Activities/SecretResolver.swift",
        codes: SecretResolutionError.Code.all.map(\.description)),
]

/// Documented codes of types not yet in ``errorTypes`` (none: every type is).
let pendingPrefixes: [String] = []

/// The document that lists every code.
let errorCodesDocument = "docs/error-codes.md"

/// The repository's files, read from where this file is.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The text of `path` (relative to the root).
    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Every `.swift` file under Sources/, with its text, sorted by path.
    static func sources() throws -> [(path: String, text: String)] {
        let base = root.appendingPathComponent("Sources")
        let files = (FileManager.default.enumerator(atPath: base.path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".swift") }.sorted()
        return try files.map { ("Sources/" + $0, try read("Sources/" + $0)) }
    }
}

/// docs/error-codes.md against the code, both ways.
@Suite("Error codes") struct ErrorCodesTests {
    /// Every code a type declares is documented, and every documented code is declared.
    @Test func theDocumentListsEveryCodeAndNoOther() throws {
        let document = CodeDocument(markdown: try Repository.read(errorCodesDocument))
        #expect(!document.rows.isEmpty, "\(errorCodesDocument) has no table headed | Code |")
        let messages = ErrorCodeCheck.documentationDifferences(
            types: errorTypes, document: document, documentName: errorCodesDocument, pendingPrefixes: pendingPrefixes)
        for message in messages { Issue.record(Comment(rawValue: message)) }
    }

    /// Every declared code is created somewhere outside its type's declaration.
    @Test func everyDeclaredCodeIsCreated() throws {
        let sources = try Repository.sources()
        #expect(sources.count > 100, "found only \(sources.count) files under Sources/")
        for type in errorTypes {
            #expect(!type.codes.isEmpty, "\(type.name) has no codes")
            for message in ErrorCodeCheck.uncreatedCodes(of: type, sources: sources) { Issue.record(Comment(rawValue: message)) }
        }
    }
}
