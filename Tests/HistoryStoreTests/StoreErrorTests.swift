import EngineTesting
import Foundation
import SystemIO
import Testing

@testable import HistoryStore

@Suite struct StoreErrorTests {
    /// The store's section of docs/error-codes.md lists exactly the codes of ``StoreError/Code``.
    @Test func theDocumentedCodesAreTheCodes() throws {
        let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/error-codes.md")
        let text = try String(contentsOf: doc, encoding: .utf8)
        let documented = text.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `store.") else { return nil }
            return line.dropFirst(3).prefix { $0 != "`" }.description
        }
        #expect(documented == StoreError.Code.all.map(\.description))
        #expect(Set(StoreError.Code.all).count == StoreError.Code.all.count)
    }

    /// The cause stays a value a caller can inspect, and the description still names it.
    @Test func theCauseIsKeptAsAValue() throws {
        let fileSystem = InMemoryFileSystem()
        let store = try HistoryStore(stateDirectory: "/state", fileSystem: fileSystem)
        _ = try store.lockStateDirectory(holder: "test")
        try store.createExecution("a", records: [Fixtures.history(events: 1)[0]])
        fileSystem.failNextSync()
        #expect {
            try store.append("a", records: [Fixtures.history(events: 2)[1]])
        } throws: { error in
            guard let error = error as? StoreError, let cause = error.cause as? SystemError else { return false }
            return error.code == .stopped && cause.code == .ioError && cause.path == "/state/executions/a.history"
                && error.description.hasPrefix("store.stopped: history writes stopped after an I/O error on /state/executions/a.history: ")
                && error.description.hasSuffix(" (cause: \(cause))")
        }
    }
}
