import Foundation
import StrictJSON
import Testing
import WorkflowModel

/// A recorded definition is reloaded on resume only when it still hashes to its digest and still validates.
@Suite struct RecordedDefinitionTests {
    /// Written out of key order and with spaces: the digest is of the canonical form.
    static let text = #"{ "steps": [{ "id": "a", "activity": "noop" }], "name": "t", "format": "cairn.workflow/v1" }"#
    /// `printf '%s' '{"format":"cairn.workflow/v1","name":"t","steps":[{"activity":"noop","id":"a"}]}' | sha256sum`
    static let expectedDigest = "sha256:e3bd2e4a9f791206f2023f6aeb7263b47fd16cdd089681bc9096ee2f45489305"

    static func json(_ text: String) throws -> JSONValue { try JSONValue(parsing: Array(text.utf8)) }

    @Test func digestIsSHA256OfTheCanonicalForm() throws {
        #expect(RecordedDefinition.digest(of: try Self.json(Self.text)) == Self.expectedDigest)
    }

    @Test func aValidDefinitionWithItsDigestReloads() throws {
        let definition = try RecordedDefinition.reload(try Self.json(Self.text), digest: Self.expectedDigest)
        #expect(definition.name == "t")
        #expect(definition.steps.map(\.id) == ["a"])
    }

    @Test func anEditedDefinitionIsRefused() throws {
        let edited = try Self.json(Self.text.replacingOccurrences(of: #""name": "t""#, with: #""name": "u""#))
        let error = try #require(throws: RecordedDefinitionError.self) {
            try RecordedDefinition.reload(edited, digest: Self.expectedDigest)
        }
        #expect(error.code == .digestMismatch)
        #expect(error.message.contains(Self.expectedDigest))
        #expect(error.diagnostics.isEmpty)
    }

    @Test func aDigestOneCharacterOffIsRefused() throws {
        let digest = String(Self.expectedDigest.dropLast()) + "6"
        let error = try #require(throws: RecordedDefinitionError.self) {
            try RecordedDefinition.reload(try Self.json(Self.text), digest: digest)
        }
        #expect(error.code == .digestMismatch)
    }

    @Test func aDefinitionThisCatalogNoLongerKnowsIsRefusedWithItsDiagnostics() throws {
        let json = try Self.json(Self.text)
        let withoutNoop = ActivityCatalog(types: ActivityCatalog.builtIn.types.filter { $0.name != "noop" })
        let error = try #require(throws: RecordedDefinitionError.self) {
            try RecordedDefinition.reload(json, digest: Self.expectedDigest, catalog: withoutNoop)
        }
        #expect(error.code == .noLongerValid)
        #expect(error.diagnostics.map(\.code) == [Diagnostic.Code.Workflow.unknownActivityType])
        #expect(error.message.contains("no longer validates"))
        #expect(error.message.contains("workflow.unknownActivityType"))
    }

    @Test func codesAreStable() {
        #expect(RecordedDefinitionError.Code.all.map(\.description) == ["definition.digestMismatch", "definition.noLongerValid"])
    }
}
