import StrictJSON
import Testing
import WorkflowModel

/// Problems found before the meaning is looked at: size, syntax, duplicate keys, depth.
@Suite struct JSONLevelTests {
    func only(_ outcome: ValidationOutcome) throws -> Diagnostic {
        #expect(outcome.definition == nil && outcome.canonicalJSON == nil)
        try #require(outcome.diagnostics.count == 1, "\(outcome.diagnostics)")
        return outcome.diagnostics[0]
    }

    @Test func duplicateKeyIsAnErrorAtTheSecondKey() throws {
        let text = "{\n  \"format\": \"cairn.workflow/v1\",\n  \"name\": \"a\",\n  \"name\": \"b\",\n  \"steps\": []\n}"
        let diagnostic = try only(validate(text))
        #expect(diagnostic.code == .json(.duplicateKey))
        #expect(diagnostic.line == 4 && diagnostic.column == 3)
    }

    @Test func malformedJSONHasLineAndColumn() throws {
        let text = "{\n  \"format\": \"cairn.workflow/v1\",\n  \"steps\": [1, 2,]\n}"
        let diagnostic = try only(validate(text))
        #expect(diagnostic.code == .json(.syntax))
        #expect(diagnostic.line == 3 && diagnostic.column == 18)
        #expect(diagnostic.pointer == "")
    }

    @Test func nestingAtTheLimitParsesAndOneDeeperDoesNot() throws {
        // The root object is one level; the output adds the rest.
        func file(depth: Int) -> String {
            let output = String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1)
            return workflow([waitStep("a")], output: output)
        }
        #expect(validate(file(depth: Limits.jsonDepthMax)).diagnostics == [])
        let diagnostic = try only(validate(file(depth: Limits.jsonDepthMax + 1)))
        #expect(diagnostic.code == .json(.tooDeep))
    }

    @Test func fileOverTheSizeLimit() throws {
        let padding = String(repeating: " ", count: Limits.definitionBytesMax)
        let diagnostic = try only(validate(workflow([waitStep("a")]) + padding))
        #expect(diagnostic.code == Diagnostic.Code.Workflow.tooLarge)
        #expect(diagnostic.message.contains("\(Limits.definitionBytesMax)"))
        let atLimit = workflow([waitStep("a")])
        let padded = atLimit + String(repeating: " ", count: Limits.definitionBytesMax - atLimit.utf8.count)
        #expect(validate(padded).diagnostics == [])
    }

    @Test func emptyFile() throws {
        #expect(try only(validate("")).code == .json(.emptyDocument))
    }

    @Test func rootMustBeAnObject() {
        #expect(summary(validate("[]")) == ["workflow.wrongType@"])
    }
}
